/**
 * Where a request's CPU goes, stage by stage, using the function's own modules on real bodies
 * from the emulator: sign, fetch (client side of the HTTP round trip), parse (XML → objects),
 * convert (schema shape), validate (precompiled schema) and serialise (JSON + ETag).
 */
import { httpGet } from '../shared/ci/http-get';
import type { CachedJobsResult } from '../shared/cache/cached-query';
import { jobsResponse } from '../shared/handlers/jobs-response';
import { familyShape, familyValidator } from '../shared/schemas/validators';
import { cosAuthorization, keyTimeAround } from '../shared/signing/cos-signature';
import { parseXml } from '../shared/xml/parse';
import { applyShape, type Json } from '../shared/xml/shape';
import { ciHost, signedHeaders } from './floor';
import { BENCH_KEYS } from './keys';

export interface StageCosts {
  bytes: number;
  /** CPU microseconds per call, by stage. */
  cpuUs: Record<'sign' | 'fetch' | 'parse' | 'convert' | 'validate' | 'serialise', number>;
  /** Wall microseconds of the round trip, for scale. */
  fetchWallUs: number;
}

async function cpuPerCall(iterations: number, fn: () => unknown | Promise<unknown>): Promise<{ cpuUs: number; wallUs: number }> {
  for (let i = 0; i < Math.min(500, iterations); i++) await fn(); // warm the JIT first
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / iterations, wallUs: ((performance.now() - wall) * 1000) / iterations };
}

export async function stageCosts(port: number, jobId: string, iterations: number): Promise<StageCosts> {
  const pathname = `/jobs/${jobId}`;
  const url = new URL(`http://${ciHost(port)}${pathname}`);
  const headers = { ...signedHeaders(port, pathname), accept: 'application/xml' };
  const signal = new AbortController().signal;
  const signedPart = { host: ciHost(port), 'x-ci-security-token': BENCH_KEYS.sessionToken };

  const body = (await httpGet(url, headers, signal, 4 * 1024 * 1024)).body;
  const doc = parseXml(body);
  const response = applyShape(doc.Response ?? '', familyShape('media')) as { [k: string]: Json };
  const envelope = { RequestId: 'bench', JobsDetail: response.JobsDetail as Json[], NonExistJobIds: [] as string[] };
  const validate = familyValidator('media');
  if (!validate({ JobsDetail: envelope.JobsDetail, NonExistJobIds: [] })) throw new Error(`bench body ${jobId} does not validate`);
  const drift = { jobs: [], other: undefined, total: 0 };
  const result: CachedJobsResult = { envelope, upstreamRequestIds: ['bench'], drift, cache: 'miss', reusableForS: undefined };
  const request = { method: 'GET', path: `/jobs/media/${jobId}`, query: {}, headers: {}, body: undefined };

  const sign = await cpuPerCall(iterations, () => cosAuthorization({ method: 'GET', pathname, headers: signedPart }, BENCH_KEYS, keyTimeAround(Date.now())));
  const fetch = await cpuPerCall(iterations, () => httpGet(url, headers, signal, 4 * 1024 * 1024));
  const parse = await cpuPerCall(iterations, () => parseXml(body));
  const convert = await cpuPerCall(iterations, () => applyShape(doc.Response ?? '', familyShape('media')));
  const validation = await cpuPerCall(iterations, () => validate({ JobsDetail: envelope.JobsDetail, NonExistJobIds: [] }));
  const serialise = await cpuPerCall(iterations, () => jobsResponse(result, request));

  return {
    bytes: Buffer.byteLength(body),
    cpuUs: { sign: sign.cpuUs, fetch: fetch.cpuUs, parse: parse.cpuUs, convert: convert.cpuUs, validate: validation.cpuUs, serialise: serialise.cpuUs },
    fetchWallUs: fetch.wallUs,
  };
}
