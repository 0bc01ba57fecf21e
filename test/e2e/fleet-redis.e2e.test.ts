/**
 * The shared cache on a real redis-server, through the built bundle: several instances in one
 * test process, each a fresh load of dist/job-status/index.js (its own cache, in-flight table and
 * Redis connections), serving one request at a time like SCF event functions, against the CI
 * emulator. The emulator counts the CI calls; nothing here measures time beyond generous bounds.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { functionUrlEvent } from '../helpers/events';
import { BUCKET, REGION, TEST_KEYS, startHarness } from '../helpers/harness';
import { type RedisServer, startRedis } from '../helpers/redis-server';
import type { ScfHttpResult } from '../../shared/scf/event';

type Handler = (event: unknown, context?: unknown) => Promise<ScfHttpResult>;
interface Instance {
  handler: Handler;
  shutdown: () => Promise<void>;
}

let h: Awaited<ReturnType<typeof startHarness>>;
let redis: RedisServer;
const instances: Instance[] = [];
const logLines: string[] = [];
let logSpy: jest.SpyInstance;
let finished: string[] = [];
let prefixCount = 0;

/** A new SCF instance: the bundle loaded afresh, with its own module state. */
function newInstance(): Instance {
  let loaded: { main_handler: Handler; shutdown: () => Promise<void> } | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(require.resolve('../../dist/job-status/index.js')) as typeof loaded;
  });
  const instance = { handler: loaded!.main_handler, shutdown: loaded!.shutdown };
  instances.push(instance);
  return instance;
}

function fleet(n: number): Instance[] {
  return Array.from({ length: n }, newInstance);
}

async function get(instance: Instance, path: string, query: Record<string, string> = {}) {
  const res = await instance.handler(functionUrlEvent({ method: 'GET', path, query }), { request_id: 'scf-fleet' });
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(res.body || 'null') };
}

/**
 * Every instance asks for every job once per round, one request at a time (an SCF event
 * instance never serves two at once); the instances run side by side.
 */
async function pollRounds(group: Instance[], ids: string[], rounds: number, between?: (round: number) => Promise<void>) {
  const statuses: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      group.map(async (instance, n) => {
        // Each instance starts at another job, so the fleet does not move in lockstep.
        for (let k = 0; k < ids.length; k++) statuses.push((await get(instance, `/jobs/media/${ids[(k + n) % ids.length]}`)).status);
      }),
    );
    await between?.(round);
  }
  return statuses;
}

const redisLogs = () =>
  logLines.filter((l) => /"msg":"redis (up|down)"/.test(l)).map((l) => JSON.parse(l) as { msg: string; reason?: string });

/** Running jobs that stay running (the emulator's moving jobs take an hour here). */
const running = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `move-success-3600000ms-${tag}${i}`);

/** Each test gets its own key prefix, so nothing one test stored is seen by another. */
// The fleet's CI budget: these tests count CI calls and statuses, not time, and dozens of concurrent
// lookups on a machine busy with other suites can take longer than the 5 s default.
const SLOW_MACHINE_TIMEOUT_MS = '15000';

function useRedis(extra: Record<string, string> = {}) {
  prefixCount += 1;
  h.setEnv({
    UPSTREAM_TIMEOUT_MS: SLOW_MACHINE_TIMEOUT_MS,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `t${prefixCount}:`,
    REDIS_CONNECT_TIMEOUT_MS: '5000',
    REDIS_COMMAND_TIMEOUT_MS: '2000',
    CACHE_TERMINAL_TTL_S: '300',
    CACHE_ACTIVE_TTL_MS: '1000',
    CACHE_MISSING_TTL_MS: '5000',
    ...extra,
  });
}

beforeAll(async () => {
  [h, redis] = await Promise.all([startHarness(), startRedis()]);
  logSpy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
    logLines.push(String(line));
  });
  finished = [...h.emulator.jobs.values()].filter((j) => j.family === 'media' && j.state === 'Success').map((j) => j.jobId);
});
afterAll(async () => {
  await Promise.all(instances.map((i) => i.shutdown()));
  logSpy.mockRestore();
  await Promise.all([h.close(), redis.stop()]);
});
// Instances of earlier tests are gone (as SCF reclaims idle ones), and Redis is up again if a test killed it.
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.shutdown()));
  if (!redis.running()) await redis.start();
});
beforeEach(() => {
  h.emulator.requests.length = 0;
  h.emulator.requestCount = 0;
  h.emulator.fault = undefined;
  logLines.length = 0;
});

test('control: without Redis, each instance is its own island and pays for every job', async () => {
  h.setEnv({ CACHE_TERMINAL_TTL_S: '300', CACHE_ACTIVE_TTL_MS: '60000', UPSTREAM_TIMEOUT_MS: SLOW_MACHINE_TIMEOUT_MS });
  const ids = [...finished.slice(0, 3), ...running('island', 3)];
  const group = fleet(4);
  const statuses = await pollRounds(group, ids, 2);
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(h.emulator.requestCount).toBe(group.length * ids.length);
});

test('fleet amplification: 6 instances × 6 jobs × 3 rounds cost about one CI call per job', async () => {
  useRedis({ CACHE_ACTIVE_TTL_MS: '60000' });
  const ids = [...finished.slice(0, 3), ...running('amp', 3)];
  const group = fleet(6);
  const statuses = await pollRounds(group, ids, 3);
  expect(statuses).toHaveLength(6 * 6 * 3);
  expect(statuses.every((s) => s === 200)).toBe(true);
  // The ideal (one shared cache) is one call per job; the target is within 10 % of it.
  expect(h.emulator.requestCount).toBeGreaterThanOrEqual(ids.length);
  expect(h.emulator.requestCount).toBeLessThanOrEqual(Math.ceil(ids.length * 1.1));
});

test('a finished job asked by 8 instances at once costs one CI call', async () => {
  useRedis();
  const group = fleet(8);
  const answers = await Promise.all(group.map((i) => get(i, `/jobs/media/${finished[0]}`)));
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  expect(new Set(answers.map((a) => a.json.JobsDetail[0].JobId))).toEqual(new Set([finished[0]]));
  expect(h.emulator.requestCount).toBe(1);
});

test('an unknown id is cached negatively, in the instance and for the fleet', async () => {
  useRedis();
  const [a, b] = fleet(2);
  expect((await get(a!, '/jobs/media/jnotthereatall')).status).toBe(404);
  expect((await get(a!, '/jobs/media/jnotthereatall')).status).toBe(404);
  expect((await get(b!, '/jobs/media/jnotthereatall')).status).toBe(404);
  const multi = await get(b!, `/jobs/media/jnotthereatall,${finished[1]}`);
  expect(multi.status).toBe(200);
  expect(multi.json.NonExistJobIds).toEqual(['jnotthereatall']);
  expect(multi.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual([finished[1]]);
  // One call for the unknown id, one for the finished job it was later asked with.
  expect(h.emulator.requestCount).toBe(2);
});

test('Redis down at start: every request succeeds without it, logged once per instance', async () => {
  const { freePort } = await import('../helpers/redis-server');
  h.setEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, CACHE_TERMINAL_TTL_S: '300', REDIS_CONNECT_TIMEOUT_MS: '200' });
  const group = fleet(3);
  const statuses = await pollRounds(group, finished.slice(0, 2), 2);
  expect(statuses.every((s) => s === 200)).toBe(true);
  // Each instance still has its own cache: one call per job per instance.
  expect(h.emulator.requestCount).toBe(3 * 2);
  const logs = redisLogs();
  expect(logs.every((l) => l.msg === 'redis down' && l.reason === 'ECONNREFUSED')).toBe(true);
  expect(logs).toHaveLength(3);
});

test('Redis killed mid-run and restarted: no request fails, and sharing comes back', async () => {
  useRedis({ CACHE_ACTIVE_TTL_MS: '60000' });
  const group = fleet(4);
  const ids = [...finished.slice(0, 2), ...running('kill', 2)];
  const statuses = await pollRounds(group, ids, 1);
  expect(h.emulator.requestCount).toBeLessThanOrEqual(ids.length + 1);

  // Killed while requests are running, with ids none of the instances has cached yet.
  const more = running('killed', 3);
  const during = pollRounds(group, more, 2);
  await redis.kill();
  statuses.push(...(await during));
  statuses.push(...(await pollRounds(group, running('after', 2), 1)));
  expect(statuses.every((s) => s === 200)).toBe(true);
  const downs = redisLogs().filter((l) => l.msg === 'redis down');
  // One line per instance that noticed, not one per request.
  expect(downs.length).toBeGreaterThan(0);
  expect(downs.length).toBeLessThanOrEqual(group.length);

  await redis.start();
  // The instances reconnect in the background; once they are up, new jobs are fetched once again.
  const until = Date.now() + 15_000;
  while (redisLogs().filter((l) => l.msg === 'redis up').length < group.length && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 5500)); // past the circuit's cooldown
  const before = h.emulator.requestCount;
  const back = running('back', 3);
  expect((await pollRounds(group, back, 2)).every((s) => s === 200)).toBe(true);
  expect(h.emulator.requestCount - before).toBeLessThanOrEqual(back.length + 1);
}, 60_000);

test('FLUSHALL during a run: no request fails; the next round simply fetches again', async () => {
  useRedis({ CACHE_ACTIVE_TTL_MS: '100' });
  const admin = redis.admin();
  const group = fleet(4);
  const ids = [...finished.slice(0, 2), ...running('flush', 2)];
  const during = pollRounds(group, ids, 4, async () => {
    await admin.flushall();
  });
  await admin.flushall();
  const statuses = await during;
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(redisLogs().filter((l) => l.msg === 'redis down')).toEqual([]);
}, 60_000);

test('a lock whose holder was killed mid-fetch holds others up no longer than the lock lives', async () => {
  useRedis({ REDIS_LOCK_TTL_MS: '1500' });
  const id = running('orphan', 1)[0]!;
  // The holder: a separate process running the bundle, whose CI call never gets an answer.
  h.emulator.fault = (_req, index) => (index === 0 ? { delayMs: 10_000 } : undefined);
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(resolve(__dirname, '../../dist/job-status/index.js'))}).main_handler(${JSON.stringify(
        functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}` }),
      )}, { request_id: 'doomed' })`,
    ],
    { env: { ...process.env }, stdio: 'ignore' },
  );
  const killed = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const admin = redis.admin();
    const lockKey = `t${prefixCount}:lock:media/${BUCKET}/${REGION}/${id}`;
    // Generous: a fresh node loading the bundle is slow on a machine busy with other suites.
    const until = Date.now() + 40_000;
    // Killed once its CI call is on the wire: it holds the lock and will never answer or let go.
    while (h.emulator.requestCount < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await admin.exists(lockKey)).toBe(1);
  } finally {
    // Also when the test fails: a holder left running would outlive jest.
    child.kill('SIGKILL');
    await killed;
  }

  const started = Date.now();
  const answer = await get(newInstance(), `/jobs/media/${id}`);
  expect(answer.status).toBe(200);
  expect(answer.json.JobsDetail[0].JobId).toBe(id);
  // The lock ran out (1.5 s) and this instance fetched itself, well before its 15 s deadline.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(h.emulator.requestCount).toBe(2);
}, 60_000);

test('two buckets, two regions and two families never share an entry', async () => {
  const other = 'otherbucket-1250000000';
  useRedis({ ALLOWED_BUCKETS: other, ALLOWED_REGIONS: 'ap-shanghai' });
  const id = finished[2]!;
  const [a, b, c, d] = fleet(4);
  expect((await get(a!, `/jobs/media/${id}`)).status).toBe(200);
  expect((await get(b!, `/jobs/media/${id}`, { bucket: other })).status).toBe(200);
  expect((await get(c!, `/jobs/media/${id}`, { region: 'ap-shanghai' })).status).toBe(200);
  const pic = await get(d!, `/jobs/pic/${id}`);
  expect([200, 404]).toContain(pic.status);
  // Four scopes, four CI calls, each to the scope it was asked for.
  expect(h.emulator.requests.map((r) => `${r.bucket}/${r.region}/${r.path.split('/')[1]}`)).toEqual([
    `${BUCKET}/${REGION}/jobs`,
    `${other}/${REGION}/jobs`,
    `${BUCKET}/ap-shanghai/jobs`,
    `${BUCKET}/${REGION}/pic_jobs`,
  ]);
  // And asked again, each scope is served from its own entry.
  await Promise.all([get(b!, `/jobs/media/${id}`), get(a!, `/jobs/media/${id}`, { bucket: other })]);
  expect(h.emulator.requestCount).toBe(4);

  const admin = redis.admin();
  const keys = (await admin.keys(`t${prefixCount}:*`)).sort();
  expect(keys).toEqual(
    [
      `t${prefixCount}:job:media/${BUCKET}/${REGION}/${id}`,
      `t${prefixCount}:job:media/${other}/${REGION}/${id}`,
      `t${prefixCount}:job:media/${BUCKET}/ap-shanghai/${id}`,
      `t${prefixCount}:job:pic/${BUCKET}/${REGION}/${id}`,
    ].sort(),
  );
  // Only the JSON we would answer: no key, token or signature anywhere in Redis.
  const values = (await Promise.all(keys.map((k) => admin.get(k)))).join('\n');
  for (const secret of Object.values(TEST_KEYS)) expect(values).not.toContain(secret);
  expect(values).not.toMatch(/q-sign|Authorization|x-cos-security-token/i);
});

test('long-poll on one instance wakes when another instance stores a new state', async () => {
  // Entries live a minute, so the waiter's own re-fetches are served from cache and can never see
  // the change themselves: only the announcement from the other instance can.
  useRedis({ CACHE_ACTIVE_TTL_MS: '60000' });
  const running = [...h.emulator.jobs.values()].find((j) => j.family === 'media' && j.state === 'Running')!;
  const key = `media/${running.jobId}`;
  const [waiter, fetcher] = fleet(2);
  const waiting = get(waiter!, `/jobs/media/${running.jobId}`, { wait: '20' });
  const until = Date.now() + 10_000;
  while (h.emulator.requestCount < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(h.emulator.requestCount).toBe(1);

  h.emulator.jobs.set(key, { ...running, fragment: running.fragment.replace(/<Progress>\d+<\/Progress>/, '<Progress>97</Progress>') });
  try {
    // The shared entry is dropped (as its TTL would), so the other instance asks CI and announces the new state.
    await redis.admin().del(`t${prefixCount}:job:media/${BUCKET}/${REGION}/${running.jobId}`);
    const fresh = await get(fetcher!, `/jobs/media/${running.jobId}`);
    expect(String(fresh.json.JobsDetail[0].Progress)).toBe('97');
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(String(answer.json.JobsDetail[0].Progress)).toBe('97');
    expect(h.emulator.requestCount).toBe(2);
  } finally {
    h.emulator.jobs.set(key, running);
  }
}, 40_000);
