/**
 * Where a request's CPU goes, stage by stage, using the function's own modules (built from source
 * into the bench's stages.js, which runs in a process of its own) on real bodies from the
 * emulator: sign, fetch (client side of the HTTP round trip) beside the floor's fetch of the same
 * body, parse (XML → objects), convert (schema shape), validate (precompiled schema), serialise
 * (JSON + ETag), the abort plumbing one request sets up, and its log line; and, in the same
 * process, the same code's whole lookup (main_handler, cache off), so what the stages do not
 * account for (the glue between them, and their running colder inside the pipeline) is
 * whole − sum of stages. Each stage runs alone in a loop, the stages in blocks interleaved in a
 * new random order each round; per call: CPU (user + system), the median over the blocks (as the
 * CPU-per-lookup rows: a block now and then costs twice the others on a shared machine), and the
 * GC pauses V8 reported, the mean (wall time, so a loaded machine inflates them too).
 */
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { main_handler } from '../functions/job-status/index';
import { getTarget, httpGet, originParts } from '../shared/ci/http-get';
import { createDeadline } from '../shared/deadline';
import { Cancellation } from '../shared/cancel';
import { logRequest } from '../shared/log';
import type { CachedJobsResult } from '../shared/cache/cached-query';
import { jobsResponse } from '../shared/handlers/jobs-response';
import { familyShape, familyValidator } from '../shared/schemas/validators';
import { cosAuthorization, keyTimeAround } from '../shared/signing/cos-signature';
import { parseXmlOrdered } from '../shared/xml/parse';
import type { Json } from '../shared/xml/shape';
import { findRoot, shapeRoot } from '../shared/xml/shape-ordered';
import { shuffled } from './children';
import { median } from './stats';
import { bareGet, ciHost, signedHeaders } from './floor';
import { BENCH_KEYS, getEvent } from './keys';

/** The parts of one lookup, in the order the table prints them. */
export const STAGES = ['sign', 'fetch', 'parse', 'convert', 'validate', 'serialise', 'abort', 'log'] as const;
export type Stage = (typeof STAGES)[number];
type Measured = Stage | 'floorFetch' | 'whole';

export interface StageCosts {
  bytes: number;
  /** CPU microseconds per call, median over the blocks: each stage, the floor's fetch, and the whole lookup. */
  cpuUs: Record<Measured, number>;
  /** GC pause microseconds per call V8 reported, mean. */
  gcUs: Record<Measured, number>;
}

/** Runs each function `iterations` times in `rounds` interleaved blocks, after a warm-up; CPU (median of blocks) and GC (mean) µs per call. */
async function interleaved(
  fns: Record<Measured, () => unknown>,
  iterations: number,
  rounds: number,
): Promise<{ cpuUs: Record<Measured, number>; gcUs: Record<Measured, number> }> {
  const names = Object.keys(fns) as Measured[];
  for (const n of names) for (let i = 0; i < Math.min(500, iterations); i++) await fns[n](); // warm the JIT first
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const block = Math.ceil(iterations / rounds);
  const cpu = new Map(names.map((n) => [n, [] as number[]]));
  const spans = new Map(names.map((n) => [n, [] as [number, number][]]));
  for (let round = 0; round < rounds; round++)
    for (const n of shuffled(names)) {
      const began = performance.now();
      const used = process.cpuUsage();
      for (let i = 0; i < block; i++) await fns[n]();
      const spent = process.cpuUsage(used);
      cpu.get(n)!.push((spent.user + spent.system) / block);
      spans.get(n)!.push([began, performance.now()]);
    }
  await new Promise((settle) => setTimeout(settle, 50)); // let the observer deliver the last GC entries
  observer.disconnect();
  const calls = block * rounds;
  const gcMs = (n: Measured) =>
    gcs.filter((g) => spans.get(n)!.some(([a, b]) => g.startTime >= a && g.startTime < b)).reduce((sum, g) => sum + g.duration, 0);
  return {
    cpuUs: Object.fromEntries(names.map((n) => [n, median(cpu.get(n)!)])) as Record<Measured, number>,
    gcUs: Object.fromEntries(names.map((n) => [n, (gcMs(n) * 1000) / calls])) as Record<Measured, number>,
  };
}

export async function stageCosts(port: number, jobId: string, iterations: number, rounds: number): Promise<StageCosts> {
  const pathname = `/jobs/${jobId}`;
  // Split once, as the function does per CI call (a URL argument would add a `new URL` per call).
  const url = getTarget(originParts(`http://${ciHost(port)}`), pathname);
  const headers = { ...signedHeaders(port, pathname), accept: 'application/xml' };
  const signal = new AbortController().signal;
  const signedPart = { host: ciHost(port), 'x-ci-security-token': BENCH_KEYS.sessionToken };

  const body = (await httpGet(url, headers, signal, 4 * 1024 * 1024)).body;
  // As the lookup reads a body (shared/ci/query-jobs.ts): the parser's ordered form, shaped in one
  // walk that empties the tree as it goes, so every shaping needs a freshly parsed tree.
  const parseAndShape = () => shapeRoot(findRoot(parseXmlOrdered(body), 'Response') ?? [], familyShape('media'));
  const response = parseAndShape() as { [k: string]: Json };
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
  const event = getEvent(jobId, 'media');
  const whole = await main_handler(event);
  if (whole.statusCode !== 200) throw new Error(`the whole lookup of ${jobId} answered ${whole.statusCode}`);

  const { cpuUs, gcUs } = await interleaved(
    {
      sign: () => cosAuthorization({ method: 'GET', pathname, headers: signedPart }, BENCH_KEYS, keyTimeAround(Date.now())),
      fetch: () => httpGet(url, headers, signal, 4 * 1024 * 1024),
      parse: () => parseXmlOrdered(body),
      // Parse and shape together; the parse is subtracted below.
      convert: parseAndShape,
      validate: () => validate({ JobsDetail: envelope.JobsDetail, NonExistJobIds: [] }),
      serialise: () => jobsResponse(result, request),
      // What one uncached single-call lookup sets up and tears down, with no request in between:
      // the app's deadline (a Cancellation + timer; its AbortSignal is made only when read, and a
      // lookup never reads it), the coalescing call's Cancellation, its caller's listener on the
      // deadline, and the GET's listener on the call's cancellation (shared/cancel.ts).
      abort: () => {
        const deadline = createDeadline(10_000);
        const call = new Cancellation();
        const onDeadline = () => undefined;
        deadline.cancel.addListener(onDeadline);
        const onAbort = () => undefined;
        call.addListener(onAbort);
        call.removeListener(onAbort);
        deadline.cancel.removeListener(onDeadline);
        deadline.dispose();
      },
      // One request log line, written to this process's stdout (/dev/null), as the whole lookup writes it.
      log: () =>
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
      floorFetch: () => bareGet(port, pathname),
      whole: () => main_handler(event),
    },
    iterations,
    rounds,
  );
  // The shaping walk consumes its tree, so it was timed with a parse in front of it.
  cpuUs.convert = Math.max(0, cpuUs.convert - cpuUs.parse);
  gcUs.convert = Math.max(0, gcUs.convert - gcUs.parse);
  return { bytes: Buffer.byteLength(body), cpuUs, gcUs };
}
