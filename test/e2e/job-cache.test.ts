/**
 * The per-instance job cache and in-flight coalescing, with a clock the test moves: TTLs by job
 * state, bounded size, scope isolation, partial multi-id hits, and shared in-flight calls. The
 * cached query runs the real query path against the CI emulator over loopback.
 */
import { type CachePolicy, readCachePolicy } from '../../shared/config/cache-env';
import { type CacheDeps, queryJobsCached } from '../../shared/cache/cached-query';
import { JobCache, MAX_CACHED_DRIFT } from '../../shared/cache/job-cache';
import { InFlight, type SharedCall } from '../../shared/cache/in-flight';
import type { JobFamily } from '../../shared/ci/families';
import type { QueryJobsInput } from '../../shared/ci/query-jobs';
import { resolveTarget } from '../../shared/ci/target';
import { createDeadline } from '../../shared/deadline';
import { type Emulator, startEmulator } from '../../dev/emulator/server';
import { BUCKET, REGION, TEST_KEYS } from '../helpers/harness';

const POLICY: CachePolicy = { terminalTtlMs: 300_000, activeTtlMs: 1000, missingTtlMs: 5000, maxEntries: 100 };
const scope = { family: 'media' as JobFamily, bucket: BUCKET, region: REGION };
const job = (JobId: string, State: string) => ({ JobId, State, Tag: 'Transcode' });

describe('JobCache', () => {
  let clock = 0;
  const cache = () => new JobCache(() => clock);
  beforeEach(() => {
    clock = 1_000_000;
  });

  test('a final job is served for the terminal TTL, an active one for the active TTL', () => {
    const c = cache();
    c.store(
      scope,
      [job('done', 'Success'), job('failed', 'Failed'), job('cancel', 'Cancel'), job('run', 'Running'), job('pause', 'Pause')],
      new Set(['done', 'failed', 'cancel', 'run', 'pause']),
      POLICY,
    );
    const ids = ['done', 'failed', 'cancel', 'run', 'pause'];
    expect(c.lookup(scope, ids, POLICY).missing).toEqual([]);
    clock += 999;
    expect(c.lookup(scope, ids, POLICY).missing).toEqual([]);
    clock += 1;
    expect(c.lookup(scope, ids, POLICY).missing).toEqual(['run', 'pause']);
    clock += 300_000 - 1000 - 1;
    expect(c.lookup(scope, ids, POLICY).missing).toEqual(['run', 'pause']);
    clock += 1;
    expect(c.lookup(scope, ids, POLICY).missing).toEqual(ids);
  });

  test('a TTL of 0 stores nothing; lowering a TTL applies to what is already stored', () => {
    const c = cache();
    c.store(scope, [job('run', 'Running')], new Set(['run']), { ...POLICY, activeTtlMs: 0 });
    expect(c.size).toBe(0);
    c.store(scope, [job('done', 'Success')], new Set(['done']), POLICY);
    expect(c.lookup(scope, ['done'], POLICY).hits.size).toBe(1);
    expect(c.lookup(scope, ['done'], { ...POLICY, terminalTtlMs: 0 }).missing).toEqual(['done']);
  });

  test('an entry is found only under its own family, bucket and region', () => {
    const c = cache();
    c.store(scope, [job('j1', 'Success')], new Set(['j1']), POLICY);
    expect(c.lookup({ ...scope, bucket: 'otherbucket-1250000001' }, ['j1'], POLICY).missing).toEqual(['j1']);
    expect(c.lookup({ ...scope, region: 'ap-shanghai' }, ['j1'], POLICY).missing).toEqual(['j1']);
    expect(c.lookup({ ...scope, family: 'pic' }, ['j1'], POLICY).missing).toEqual(['j1']);
    expect(c.lookup(scope, ['j1'], POLICY).hits.get('j1')?.job).toEqual(job('j1', 'Success'));
  });

  test('only jobs that were asked for are stored', () => {
    const c = cache();
    c.store(scope, [job('asked', 'Success'), job('smuggled', 'Success'), { State: 'Success' }], new Set(['asked']), POLICY);
    expect(c.size).toBe(1);
  });

  test('a drifted job is kept with its drift, unless it has more than MAX_CACHED_DRIFT issues', () => {
    const c = cache();
    const drift = (n: number) => ({
      issues: Array.from({ length: n }, (_, i) => ({ at: ['F', i], expected: 'number', received: 'string' as const })),
      total: n,
    });
    c.store(scope, [job('some', 'Success'), job('lots', 'Success')], new Set(['some', 'lots']), POLICY, [
      drift(MAX_CACHED_DRIFT),
      drift(MAX_CACHED_DRIFT + 1),
    ]);
    const { hits, missing } = c.lookup(scope, ['some', 'lots'], POLICY);
    expect(hits.get('some')?.drift?.total).toBe(MAX_CACHED_DRIFT);
    expect(missing).toEqual(['lots']);
  });

  test('bounded by entries: the least recently used job goes first', () => {
    const c = cache();
    const small = { ...POLICY, maxEntries: 3 };
    c.store(
      scope,
      ['a', 'b', 'c'].map((id) => job(id, 'Success')),
      new Set(['a', 'b', 'c']),
      small,
    );
    c.lookup(scope, ['a'], small); // a is now the most recently used
    c.store(scope, [job('d', 'Success')], new Set(['d']), small);
    expect(c.size).toBe(3);
    expect(c.lookup(scope, ['a', 'b', 'c', 'd'], small).missing).toEqual(['b']);
    c.lookup(scope, [], { ...small, maxEntries: 1 });
    expect(c.size).toBe(1);
  });
});

describe('cache settings', () => {
  test('defaults, explicit values, and a named error for a bad one', () => {
    expect(readCachePolicy({})).toEqual({ terminalTtlMs: 300_000, activeTtlMs: 1000, missingTtlMs: 5000, maxEntries: 500 });
    expect(readCachePolicy({ CACHE_TERMINAL_TTL_S: '60', CACHE_ACTIVE_TTL_MS: '0', CACHE_MAX_ENTRIES: '10' })).toEqual({
      terminalTtlMs: 60_000,
      activeTtlMs: 0,
      missingTtlMs: 5000,
      maxEntries: 10,
    });
    expect(() => readCachePolicy({ CACHE_ACTIVE_TTL_MS: '-1' })).toThrow(/CACHE_ACTIVE_TTL_MS/);
    expect(() => readCachePolicy({ CACHE_MAX_ENTRIES: '0' })).toThrow(/CACHE_MAX_ENTRIES/);
  });
});

describe('InFlight', () => {
  test('a caller that gives up leaves; the call is aborted only when the last one leaves', async () => {
    const flight = new InFlight<string>();
    let upstream: AbortSignal | undefined;
    const start = (call: SharedCall) => {
      upstream = call.signal;
      return new Promise<string>((resolve) => setTimeout(() => resolve('answer'), 30));
    };
    const first = new AbortController();
    const a = flight.run('k', first.signal, Infinity, start, () => new Error('gave up'));
    const b = flight.run('k', new AbortController().signal, Infinity, start, () => new Error('gave up'));
    first.abort();
    await expect(a).rejects.toThrow('gave up');
    expect(upstream?.aborted).toBe(false);
    await expect(b).resolves.toBe('answer');
    expect(flight.size).toBe(0);

    const only = new AbortController();
    const c = flight.run('k', only.signal, Infinity, start, () => new Error('gave up'));
    only.abort();
    await expect(c).rejects.toThrow('gave up');
    expect(upstream?.aborted).toBe(true);
  });

  test("the shared call's budget is the latest end among the callers still waiting", async () => {
    const flight = new InFlight<string>();
    let call: SharedCall | undefined;
    let finish = (_v: string) => {};
    const start = (c: SharedCall) => {
      call = c;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const [starter, joiner, late] = [new AbortController(), new AbortController(), new AbortController()];
    const gaveUp = () => new Error('gave up');
    const answers = [
      flight.run('k', starter.signal, 1_000, start, gaveUp),
      flight.run('k', joiner.signal, 5_000, start, gaveUp),
      flight.run('k', late.signal, 3_000, start, gaveUp),
    ].map((p) => p.catch((e: Error) => e.message));
    expect(call?.latestEnd()).toBe(5_000);
    joiner.abort();
    expect(call?.latestEnd()).toBe(3_000);
    late.abort();
    expect(call?.latestEnd()).toBe(1_000);
    finish('answer');
    expect(await Promise.all(answers)).toEqual(['answer', 'gave up', 'gave up']);
  });
});

describe('cached query over loopback', () => {
  let emulator: Emulator;
  let clock = 0;
  let deps: CacheDeps;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startEmulator({ keys: TEST_KEYS });
    for (const j of emulator.jobs.values()) if (j.family === 'media' && j.state) ids[j.state] ??= j.jobId;
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    clock = 0;
    deps = { cache: new JobCache(() => clock), inflight: new InFlight() };
    emulator.requests.length = 0;
    emulator.fault = undefined;
  });

  const input = (jobIds: string[], bucket = BUCKET): QueryJobsInput<'media'> => ({
    family: 'media',
    ids: jobIds,
    target: resolveTarget(
      { defaultBucket: BUCKET, defaultRegion: REGION, allowedBuckets: new Set(['otherbucket-1250000001']), endpoint: emulator.endpoint },
      { bucket },
    ),
    credentials: TEST_KEYS,
    schemaMode: 'strict',
    deadline: createDeadline(5000),
  });
  const asked = () => emulator.requests.map((r) => r.path);
  const jobIds = (r: { envelope: { JobsDetail: unknown[] } }) => r.envelope.JobsDetail.map((j) => (j as { JobId: string }).JobId);

  test('a final job is fetched once per terminal TTL, a running one once per active TTL', async () => {
    const done = ids.Success as string;
    const running = ids.Running as string;
    await queryJobsCached(input([done, running]), POLICY, deps);
    clock += 500;
    const warm = await queryJobsCached(input([done, running]), POLICY, deps);
    expect(warm.cache).toBe('hit');
    expect(warm.envelope.RequestId).toBeNull();
    clock += 600;
    const later = await queryJobsCached(input([done, running]), POLICY, deps);
    expect(later.cache).toBe('partial');
    expect(asked()).toEqual([`/jobs/${done},${running}`, `/jobs/${running}`]);
    clock += 300_000;
    await queryJobsCached(input([done]), POLICY, deps);
    expect(asked()).toHaveLength(3);
  });

  test('a multi-id request asks CI only for the ids the cache lacks, and answers in request order', async () => {
    const [a, b, c] = [ids.Success, ids.Failed, ids.Cancel] as string[];
    await queryJobsCached(input([b as string]), POLICY, deps);
    const res = await queryJobsCached(input([a as string, b as string, 'jmissing', c as string]), POLICY, deps);
    expect(asked()).toEqual([`/jobs/${b}`, `/jobs/${a},jmissing,${c}`]);
    expect(jobIds(res)).toEqual([a, b, c]);
    expect(res.envelope.NonExistJobIds).toEqual(['jmissing']);
    expect(res.cache).toBe('partial');
    expect(res.reusableForS).toBeUndefined(); // an unknown id may still appear
  });

  test('a job cached for one bucket is fetched again for another', async () => {
    const done = ids.Success as string;
    await queryJobsCached(input([done]), POLICY, deps);
    const other = await queryJobsCached(input([done], 'otherbucket-1250000001'), POLICY, deps);
    expect(other.cache).toBe('miss');
    expect(emulator.requests.map((r) => r.bucket)).toEqual([BUCKET, 'otherbucket-1250000001']);
  });

  test('a drifted job is cached with its drift: a hit reports the same SchemaErrors, at its new place', async () => {
    const [done, other] = [ids.Success as string, ids.Failed as string];
    emulator.fault = (req) =>
      req.path === `/jobs/${done}`
        ? {
            status: 200,
            body: `<Response><JobsDetail><JobId>${done}</JobId><State>Success</State><Progress>half</Progress></JobsDetail></Response>`,
          }
        : undefined;
    const first = await queryJobsCached({ ...input([done]), schemaMode: 'report' }, POLICY, deps);
    expect(first.envelope.SchemaErrors).toEqual([{ path: '/JobsDetail/0/Progress', expected: 'number', received: 'string' }]);
    expect(first.reusableForS).toBeUndefined(); // drifted answers are not handed to shared HTTP caches
    const later = await queryJobsCached({ ...input([other, done]), schemaMode: 'report' }, POLICY, deps);
    expect(later.cache).toBe('partial');
    expect(asked()).toEqual([`/jobs/${done}`, `/jobs/${other}`]);
    expect(jobIds(later)).toEqual([other, done]);
    expect(later.envelope.JobsDetail[1]).toMatchObject({ Progress: 'half' });
    expect(later.envelope.SchemaErrors).toEqual([{ path: '/JobsDetail/1/Progress', expected: 'number', received: 'string' }]);
    expect(later.drift.total).toBe(1);
  });

  test('drift outside any job belongs to its answer only and is not served again', async () => {
    const done = ids.Success as string;
    const body = `<Response><JobsDetail><JobId>${done}</JobId><State>Success</State></JobsDetail><NextToken><a>1</a></NextToken></Response>`;
    emulator.fault = () => ({ status: 200, body });
    const first = await queryJobsCached({ ...input([done]), schemaMode: 'report' }, POLICY, deps);
    expect(first.envelope.SchemaErrors).toEqual([{ path: '/NextToken', expected: 'string', received: 'object' }]);
    const hit = await queryJobsCached({ ...input([done]), schemaMode: 'report' }, POLICY, deps);
    expect(hit.cache).toBe('hit');
    expect(hit.envelope.SchemaErrors).toBeUndefined();
  });

  test('a joiner with time to spare gets the retry that its hurried starter could not wait for', async () => {
    const running = ids.Running as string;
    // CI asks for a 1 s pause before the retry: more than the starter has, less than the joiner.
    let first = true;
    emulator.fault = () => (first && !(first = false) ? { status: 503, code: 'ServiceUnavailable', retryAfter: '1' } : undefined);
    const noCache = { ...POLICY, terminalTtlMs: 0, activeTtlMs: 0 };
    const hurried = { ...input([running]), deadline: createDeadline(300) };
    const patient = { ...input([running]), deadline: createDeadline(3000) };
    const started = Date.now();
    const [starter, joiner] = await Promise.allSettled([queryJobsCached(hurried, noCache, deps), queryJobsCached(patient, noCache, deps)]);
    expect(starter).toMatchObject({ status: 'rejected', reason: { name: 'CiError', kind: 'timeout' } }); // answered 504 UpstreamTimeout
    expect(joiner.status).toBe('fulfilled');
    expect(jobIds((joiner as PromiseFulfilledResult<Awaited<ReturnType<typeof queryJobsCached<'media'>>>>).value)).toEqual([running]);
    expect(asked()).toEqual([`/jobs/${running}`, `/jobs/${running}`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    hurried.deadline.dispose();
    patient.deadline.dispose();
  });

  test('100 concurrent identical queries make one CI call', async () => {
    const running = ids.Running as string;
    emulator.fault = () => ({ delayMs: 50 }); // keep the first call in flight while the rest arrive
    const noCache = { ...POLICY, terminalTtlMs: 0, activeTtlMs: 0 };
    const answers = await Promise.all(Array.from({ length: 100 }, () => queryJobsCached(input([running]), noCache, deps)));
    expect(asked()).toEqual([`/jobs/${running}`]);
    expect(new Set(answers.map((a) => JSON.stringify(a.envelope))).size).toBe(1);
    expect(jobIds(answers[99]!)).toEqual([running]);
    // Once settled, the next query is a new call.
    emulator.fault = undefined;
    await queryJobsCached(input([running]), noCache, deps);
    expect(asked()).toHaveLength(2);
  });
});
