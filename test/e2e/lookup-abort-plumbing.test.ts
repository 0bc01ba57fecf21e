/**
 * The abort plumbing of a whole lookup (cache, coalescing, CI call) against the CI emulator over
 * loopback: a one-call lookup makes no AbortSignal and leaves no listener on its deadline; a
 * caller whose deadline passes stops waiting without cancelling the call another caller still
 * waits on; the deadline cuts a stalled body; a failed call of a multi-call lookup fails it and
 * leaves nothing on the deadline either.
 */
import { type CacheDeps, queryJobsCached } from '../../shared/cache/cached-query';
import { InFlight } from '../../shared/cache/in-flight';
import { JobCache } from '../../shared/cache/job-cache';
import type { Cancellation } from '../../shared/cancel';
import type { CachePolicy } from '../../shared/config/cache-env';
import type { JobFamily } from '../../shared/ci/families';
import { type QueryJobsInput, queryJobs } from '../../shared/ci/query-jobs';
import { resolveTarget } from '../../shared/ci/target';
import { type Deadline, createDeadline } from '../../shared/deadline';
import { type Emulator, startEmulator } from '../../dev/emulator/server';
import { BUCKET, REGION, TEST_KEYS } from '../helpers/harness';

// Nothing is cached, so every lookup goes to CI (or joins a call already on its way there).
const NO_CACHE: CachePolicy = { terminalTtlMs: 0, activeTtlMs: 0, missingTtlMs: 0, maxEntries: 100 };

let emulator: Emulator;
let deps: CacheDeps;
const ids = new Map<JobFamily, string[]>();

beforeAll(async () => {
  emulator = await startEmulator({ keys: TEST_KEYS });
  for (const job of emulator.jobs.values()) ids.set(job.family, [...(ids.get(job.family) ?? []), job.jobId]);
});
afterAll(() => emulator.close());
beforeEach(() => {
  deps = { cache: new JobCache(), inflight: new InFlight() };
  emulator.requests.length = 0;
  emulator.fault = undefined;
});

const input = (family: JobFamily, jobIds: string[], deadline: Deadline): QueryJobsInput => ({
  family,
  ids: jobIds,
  target: resolveTarget({ defaultBucket: BUCKET, defaultRegion: REGION, allowedBuckets: new Set(), endpoint: emulator.endpoint }, {}),
  credentials: TEST_KEYS,
  schemaMode: 'report',
  deadline,
});
const listenersOn = (deadline: Deadline) => (deadline.cancel as Cancellation).listenerCount;
const someIds = (family: JobFamily, n: number) => (ids.get(family) ?? []).slice(0, n);

/** Counts AbortControllers and AbortSignal.any calls made while `run` runs. */
async function countSignals<T>(run: () => Promise<T>): Promise<{ made: number; result: T }> {
  const [Original, any] = [globalThis.AbortController, AbortSignal.any.bind(AbortSignal)];
  let made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made += 1;
    }
  };
  AbortSignal.any = (signals) => ((made += 1), any(signals));
  try {
    return { result: await run(), made };
  } finally {
    globalThis.AbortController = Original;
    AbortSignal.any = any;
  }
}

describe('the abort plumbing of a lookup', () => {
  // First, so the emulator's stall is over before the suite ends.
  test('the deadline cuts a body that stalls after its headers', async () => {
    const [id] = someIds('media', 1) as [string];
    emulator.fault = () => ({ stallBodyMs: 1_500 });
    const deadline = createDeadline(300);
    try {
      await expect(queryJobsCached(input('media', [id], deadline), NO_CACHE, deps)).rejects.toMatchObject({
        name: 'CiError',
        kind: 'timeout',
      });
      expect(listenersOn(deadline)).toBe(0);
      expect(deps.inflight.size).toBe(0);
    } finally {
      deadline.dispose();
    }
  }, 60_000);

  test('1,000 one-call lookups make no AbortSignal and leave no listener on their deadlines', async () => {
    const [id] = someIds('media', 1) as [string];
    const { made, result } = await countSignals(async () => {
      const left: number[] = [];
      for (let i = 0; i < 1_000; i++) {
        const deadline = createDeadline(30_000);
        try {
          const answer = await queryJobsCached(input('media', [id], deadline), NO_CACHE, deps);
          expect(answer.cache).toBe('miss');
          left.push(listenersOn(deadline));
        } finally {
          deadline.dispose();
        }
      }
      return left;
    });
    expect(made).toBe(0);
    expect(result.every((n) => n === 0)).toBe(true);
    expect(emulator.requests).toHaveLength(1_000);
    expect(deps.inflight.size).toBe(0);
  }, 120_000);

  test('a caller whose deadline passes stops waiting; the call goes on for the caller still waiting', async () => {
    const [id] = someIds('media', 1) as [string];
    emulator.fault = () => ({ delayMs: 1_500 });
    const [hurried, patient] = [createDeadline(150), createDeadline(60_000)];
    try {
      const first = queryJobsCached(input('media', [id], hurried), NO_CACHE, deps);
      const second = queryJobsCached(input('media', [id], patient), NO_CACHE, deps);
      await expect(first).rejects.toMatchObject({ name: 'CiError', kind: 'timeout' });
      const answer = await second;
      expect(answer.envelope.JobsDetail).toHaveLength(1);
      expect(emulator.requests).toHaveLength(1);
      expect(listenersOn(hurried) + listenersOn(patient)).toBe(0);
    } finally {
      hurried.dispose();
      patient.dispose();
    }
  }, 60_000);

  test('one failed call fails a multi-call lookup, with no AbortSignal made and no listener left on the deadline', async () => {
    const [a, b, c] = someIds('ai', 3) as [string, string, string];
    expect(c).toBeDefined();
    // The ai family asks one id per call; the second call fails (403 is not retried), the others answer late.
    emulator.fault = (req) => (req.path.endsWith(b) ? { status: 403, code: 'AccessDenied' } : { delayMs: 300 });
    const deadline = createDeadline(60_000);
    try {
      const { made } = await countSignals(() =>
        expect(queryJobsCached(input('ai', [a, b, c], deadline), NO_CACHE, deps)).rejects.toMatchObject({
          name: 'CiError',
          kind: 'access-denied',
        }),
      );
      expect(made).toBe(0);
      expect(listenersOn(deadline)).toBe(0);
    } finally {
      deadline.dispose();
    }
  }, 60_000);

  test('a multi-call lookup whose deadline has already passed sends no call', async () => {
    const deadline = createDeadline(60_000, Date.now(), AbortSignal.abort());
    try {
      await expect(queryJobs(input('ai', someIds('ai', 3), deadline))).rejects.toMatchObject({ name: 'CiError', kind: 'timeout' });
      expect(emulator.requests).toHaveLength(0);
      expect(listenersOn(deadline)).toBe(0);
    } finally {
      deadline.dispose();
    }
  });
});
