/**
 * Where a request's CPU goes, stage by stage, using the function's own modules on real bodies
 * from the emulator: sign, fetch (client side of the HTTP round trip) beside the floor's fetch of
 * the same body, parse (XML → objects), convert (schema shape), validate (precompiled schema),
 * serialise (JSON + ETag), the abort plumbing one request sets up, and its log line.
 */
import { openSync, writeSync } from 'node:fs';
import { httpGet } from '../shared/ci/http-get';
import { createDeadline } from '../shared/deadline';
import { logRequest } from '../shared/log';
import type { CachedJobsResult } from '../shared/cache/cached-query';
import { jobsResponse } from '../shared/handlers/jobs-response';
import { familyShape, familyValidator } from '../shared/schemas/validators';
import { cosAuthorization, keyTimeAround } from '../shared/signing/cos-signature';
import { parseXml } from '../shared/xml/parse';
import { applyShape, type Json } from '../shared/xml/shape';
import { bareGet, ciHost, signedHeaders } from './floor';
import { BENCH_KEYS } from './keys';

export interface StageCosts {
  bytes: number;
  /** CPU microseconds per call, by stage. */
  cpuUs: Record<'sign' | 'fetch' | 'floorFetch' | 'parse' | 'convert' | 'validate' | 'serialise' | 'abort' | 'log', number>;
  /** Wall microseconds of the round trip, for scale. */
  fetchWallUs: number;
}

async function cpuPerCall(iterations: number, fn: () => unknown): Promise<{ cpuUs: number; wallUs: number }> {
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
  const result: CachedJobsResult = {
    family: 'media',
    envelope,
    upstreamRequestIds: ['bench'],
    drift,
    cache: 'miss',
    reusableForS: undefined,
  };
  const request = { method: 'GET', path: `/jobs/media/${jobId}`, query: {}, headers: {}, body: undefined };

  const sign = await cpuPerCall(iterations, () =>
    cosAuthorization({ method: 'GET', pathname, headers: signedPart }, BENCH_KEYS, keyTimeAround(Date.now())),
  );
  const fetch = await cpuPerCall(iterations, () => httpGet(url, headers, signal, 4 * 1024 * 1024));
  const parse = await cpuPerCall(iterations, () => parseXml(body));
  const convert = await cpuPerCall(iterations, () => applyShape(doc.Response ?? '', familyShape('media')));
  const validation = await cpuPerCall(iterations, () => validate({ JobsDetail: envelope.JobsDetail, NonExistJobIds: [] }));
  const serialise = await cpuPerCall(iterations, () => jobsResponse(result, request));
  const floorFetch = await cpuPerCall(iterations, () => bareGet(port, pathname));
  // What one uncached single-call lookup sets up and tears down, with no request in between: the
  // app's deadline (controller + timer), the coalescing call's controller, its caller's listener on
  // the deadline, and the GET's listener on the call's signal. (A lookup of several CI calls adds a
  // fail-fast controller joined by AbortSignal.any, ~50 µs more.)
  const abort = await cpuPerCall(iterations, () => {
    const deadline = createDeadline(10_000);
    const call = new AbortController();
    const onDeadline = () => undefined;
    deadline.signal.addEventListener('abort', onDeadline, { once: true });
    const onAbort = () => undefined;
    call.signal.addEventListener('abort', onAbort, { once: true });
    call.signal.removeEventListener('abort', onAbort);
    deadline.signal.removeEventListener('abort', onDeadline);
    deadline.dispose();
  });
  const devNull = openSync('/dev/null', 'w');
  const realLog = console.log;
  console.log = (...args: unknown[]) => void writeSync(devNull, `${args.join(' ')}\n`);
  const log = await cpuPerCall(iterations, () =>
    logRequest({
      level: 'info',
      requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      scfRequestId: 'scf',
      route: 'jobs-by-path',
      method: 'GET',
      status: 200,
      outcome: 'ok',
      type: 'media',
      ids: 1,
      upstreamStatus: 200,
      attempts: 1,
      ciRequestIds: ['NjMxMDJhYTNfMThhYTk0MGFfYmU1OV8zZjc='],
      durationMs: 1,
    }),
  );
  console.log = realLog;

  return {
    bytes: Buffer.byteLength(body),
    cpuUs: {
      sign: sign.cpuUs,
      fetch: fetch.cpuUs,
      floorFetch: floorFetch.cpuUs,
      parse: parse.cpuUs,
      convert: convert.cpuUs,
      validate: validation.cpuUs,
      serialise: serialise.cpuUs,
      abort: abort.cpuUs,
      log: log.cpuUs,
    },
    fetchWallUs: fetch.wallUs,
  };
}
