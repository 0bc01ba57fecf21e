/**
 * The shared cache on a real redis-server, through the built bundle: several instances in one
 * test process, each a fresh load of dist/job-status/index.js (its own cache, in-flight table and
 * Redis connections), serving one request at a time like SCF event functions, against the CI
 * emulator. The emulator counts the CI calls; nothing here measures time beyond generous bounds.
 */
import { functionUrlEvent } from './helpers/events';
import { BUCKET, loadBundle, startHarness } from './helpers/harness';
import { type RedisServer, startRedis } from './helpers/redis-server';
import type { ScfHttpResult } from '../shared/scf/event';

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
    loaded = require(require.resolve('../dist/job-status/index.js')) as typeof loaded;
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

/** Each test gets its own key prefix, so nothing one test stored is seen by another. */
function useRedis(extra: Record<string, string> = {}) {
  prefixCount += 1;
  h.setEnv({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `t${prefixCount}:`, CACHE_TERMINAL_TTL_S: '300', CACHE_ACTIVE_TTL_MS: '1000', CACHE_MISSING_TTL_MS: '5000', ...extra });
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
beforeEach(() => {
  h.emulator.requests.length = 0;
  h.emulator.requestCount = 0;
  h.emulator.fault = undefined;
  logLines.length = 0;
});

test('a finished job asked by 8 instances at once costs one CI call', async () => {
  useRedis();
  const group = fleet(8);
  const answers = await Promise.all(group.map((i) => get(i, `/jobs/media/${finished[0]}`)));
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  expect(new Set(answers.map((a) => a.json.JobsDetail[0].JobId))).toEqual(new Set([finished[0]]));
  expect(h.emulator.requestCount).toBe(1);
});
