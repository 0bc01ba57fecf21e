/**
 * npm run bench:fleet — what a fleet of SCF event instances costs in CI calls and billed time,
 * with and without the shared cache on Redis.
 *
 * N instance processes each run the built bundle behind the local HTTP front, and a dispatcher
 * hands every request to one idle instance at a time (an SCF event instance never serves two at
 * once; a request waits when all are busy). M pollers watch K jobs, half finished and half running,
 * against the CI emulator and a real redis-server on loopback (M = N):
 *
 *   short-poll  GET /jobs/media/{id} once a second
 *   long-poll   GET /jobs/media/{id}?wait=20 again as soon as it answers (a second's pause after a
 *               final state, like a short poll)
 *
 * Amplification is CI calls over what one shared cache with the same TTLs would need: one call per
 * finished job, and one per running job per CACHE_ACTIVE_TTL_MS of watching. Instance-seconds are
 * the sum of the time instances were busy, which is what SCF bills (× 0.125 GB at 128 MB).
 *
 * Every scenario uses its own bucket and its own running jobs, so no cache carries over between them.
 * BENCH_FLEET_SECONDS sets each scenario's length (default 8); BENCH_FLEET_LARGE the big fleet (64).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { startEmulator } from '../dev/emulator/server';
import { movingJob } from '../dev/emulator/moving-jobs';
import { startRedis } from '../dev/redis-server';
import { BENCH_KEYS, functionEnv } from './keys';
import { percentile, table } from './stats';

const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 8);
const SMALL = 16;
const LARGE = Number(process.env.BENCH_FLEET_LARGE ?? 64);
const JOBS = 16;
const ACTIVE_TTL_MS = 1000;
const RUN_MS = 200_000; // a running job's whole run: Progress moves about every 2 s
const GB_PER_INSTANCE = 0.125; // 128 MB
const WARMUP_BUCKET = 'fleetwarmup-1250000000';

type Mode = 'short-poll' | 'long-poll';
interface Scenario {
  name: string;
  redis: boolean;
  instances: number;
  mode: Mode;
  killRedis?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'event, no Redis', redis: false, instances: SMALL, mode: 'short-poll' },
  { name: 'event + Redis', redis: true, instances: SMALL, mode: 'short-poll' },
  { name: 'event, no Redis', redis: false, instances: LARGE, mode: 'short-poll' },
  { name: 'event + Redis', redis: true, instances: LARGE, mode: 'short-poll' },
  { name: 'event, no Redis', redis: false, instances: SMALL, mode: 'long-poll' },
  { name: 'event + Redis', redis: true, instances: SMALL, mode: 'long-poll' },
  { name: 'event + Redis, Redis killed mid-run', redis: true, instances: SMALL, mode: 'short-poll', killRedis: true },
  // Hook for web mode (issue 13 item 2): a web-function entry serving up to c requests at once
  // slots in here as another pool kind, with SSE watchers as a third Mode.
];

const children: ChildProcess[] = [];
let redisDownLines = 0;

interface Instance {
  url: string;
  busy: boolean;
}

function spawnInstance(env: Record<string, string>): Promise<Instance> {
  const child = fork(resolve(__dirname, 'serve.js'), [resolve('dist/job-status/index.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: ['--require', resolve(__dirname, 'localhost-dns.js')],
  });
  children.push(child);
  // The function's log: only Redis' state changes are counted, the request lines are dropped.
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"msg":"redis down"')) redisDownLines += 1;
  });
  return new Promise((done, fail) => {
    child.once('message', (m) => done({ url: (m as { url: string }).url, busy: false }));
    child.once('exit', (code) => fail(new Error(`instance exited (${code}) before listening`)));
  });
}

/** Hands each request to an idle instance, like SCF's router; queues when all are busy. */
class Dispatcher {
  private readonly waiting: Array<(i: Instance) => void> = [];
  busyMs = 0;
  constructor(private readonly pool: Instance[]) {}

  private acquire(): Promise<Instance> {
    const idle = this.pool.filter((i) => !i.busy);
    if (idle.length > 0) {
      const instance = idle[Math.floor(Math.random() * idle.length)] as Instance;
      instance.busy = true;
      return Promise.resolve(instance);
    }
    return new Promise((done) => this.waiting.push(done));
  }

  private release(instance: Instance): void {
    const next = this.waiting.shift();
    if (next) next(instance);
    else instance.busy = false;
  }

  async get(path: string): Promise<{ status: number; body: string; ms: number }> {
    const instance = await this.acquire();
    const started = performance.now();
    try {
      const res = await fetch(`${instance.url}${path}`, { signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      return { status: res.status, body, ms: performance.now() - started };
    } catch {
      return { status: 0, body: '', ms: performance.now() - started };
    } finally {
      this.busyMs += performance.now() - started;
      this.release(instance);
    }
  }
}

/** CI calls one cache shared by everyone would make for these requests (start time, job id). */
function replayOneCache(starts: Array<[number, string]>, finished: Set<string>): number {
  const fetchedAt = new Map<string, number>();
  let calls = 0;
  for (const [t, id] of [...starts].sort((a, b) => a[0] - b[0])) {
    const last = fetchedAt.get(id);
    if (last !== undefined && (finished.has(id) || t - last < ACTIVE_TTL_MS)) continue;
    calls += 1;
    fetchedAt.set(id, t);
  }
  return calls;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const emulator = await startEmulator({ keys: BENCH_KEYS, record: false });
  const redis = await startRedis();
  const finished = [...emulator.jobs.values()]
    .filter((j) => j.family === 'media' && j.state === 'Success')
    .map((j) => j.jobId)
    .slice(0, JOBS / 2);
  const buckets = SCENARIOS.map((_, i) => `fleetbench${i}-1250000000`);
  const env = {
    ...functionEnv(emulator.endpoint, 'on'),
    ALLOWED_BUCKETS: [...buckets, WARMUP_BUCKET].join(','),
    CACHE_ACTIVE_TTL_MS: String(ACTIVE_TTL_MS),
  };
  const largest = Math.max(...SCENARIOS.map((s) => s.instances));
  console.log(`starting ${largest} instances without Redis and ${largest} with Redis…`);
  const spawnPool = async (extra: Record<string, string>) => {
    const pool: Instance[] = [];
    // A few at a time: 2 cores start node processes slowly.
    for (let i = 0; i < largest; i += 8)
      pool.push(...(await Promise.all(Array.from({ length: Math.min(8, largest - i) }, () => spawnInstance({ ...env, ...extra })))));
    return pool;
  };
  const plain = await spawnPool({});
  // Timeouts for this machine: two cores running 128 instances (and whatever else runs) can stall a
  // process for longer than the 250 ms default, which is meant for Redis in the function's VPC.
  const shared = await spawnPool({
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'fleetbench:',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    REDIS_CONNECT_TIMEOUT_MS: '2000',
  });
  // Warm instances, as SCF keeps them between requests: each has served one request (and, with
  // REDIS_URL, loaded the client and connected) before anything is measured.
  await Promise.all(
    [...plain, ...shared].map((i) => fetch(`${i.url}/jobs/media/${finished[0]}?bucket=${WARMUP_BUCKET}`).then((r) => r.arrayBuffer())),
  );

  const rows: string[][] = [];
  const figures: Record<string, unknown>[] = [];
  for (const [n, scenario] of SCENARIOS.entries()) {
    const pool = (scenario.redis ? shared : plain).slice(0, scenario.instances);
    const dispatcher = new Dispatcher(pool);
    const running = Array.from({ length: JOBS / 2 }, (_, i) => `move-success-${RUN_MS}ms-fleet${n}-${i}`);
    // Started a fifth of the way in, so they are Running with Progress moving from the first poll.
    for (const id of running) movingJob(emulator, 'media', id, Date.now() - RUN_MS * 0.2);
    const jobs = [...finished, ...running];
    const pollers = scenario.instances;
    const downBefore = redisDownLines;
    const latencies: number[] = [];
    let failed = 0;
    const failures = new Map<string, number>();
    const starts: Array<[number, string]> = [];
    const callsBefore = emulator.requestCount;
    const startedAt = Date.now();
    const endAt = startedAt + SECONDS * 1000;
    if (scenario.killRedis) setTimeout(() => void redis.kill(), (SECONDS * 1000) / 2);

    await Promise.all(
      Array.from({ length: pollers }, async (_, p) => {
        const id = jobs[p % jobs.length] as string;
        await sleep(Math.random() * 1000); // pollers do not start in lockstep
        while (Date.now() < endAt) {
          const t0 = Date.now();
          const longPoll = scenario.mode === 'long-poll';
          const res = await dispatcher.get(`/jobs/media/${id}?bucket=${buckets[n]}${longPoll ? '&wait=20' : ''}`);
          latencies.push(res.ms);
          if (res.status !== 200) {
            failed += 1;
            const kind = `${res.status} ${/"Code":"(\w+)"/.exec(res.body)?.[1] ?? ''}`.trim();
            failures.set(kind, (failures.get(kind) ?? 0) + 1);
          }
          starts.push([t0, id]);
          const settled = res.status === 200 && /"State":"(Success|Failed|Cancel)"/.test(res.body);
          if (!longPoll || settled || res.status !== 200) await sleep(Math.max(0, 1000 - (Date.now() - t0)));
        }
      }),
    );
    const elapsedMs = Date.now() - startedAt;
    const calls = emulator.requestCount - callsBefore;
    // Short polls: the same requests replayed through one cache. Long polls re-fetch inside the
    // function where no one outside can see it, so their ideal is one call per running job per TTL.
    const ideal =
      scenario.mode === 'short-poll'
        ? replayOneCache(starts, new Set(finished))
        : finished.length + running.length * Math.ceil(elapsedMs / ACTIVE_TTL_MS);
    if (failures.size) console.log(`  failures: ${[...failures].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    const instanceSeconds = dispatcher.busyMs / 1000;
    const per1000 = (instanceSeconds / latencies.length) * 1000;
    // Per 1,000 jobs each watched for a minute: what the docs' cost table uses.
    const watchMinutes = (jobs.length * elapsedMs) / 60_000;
    const gbsPer1000JobMinutes = ((instanceSeconds * GB_PER_INSTANCE) / watchMinutes) * 1000;
    const callsPer1000JobMinutes = (calls / watchMinutes) * 1000;
    rows.push([
      scenario.name,
      scenario.mode,
      String(scenario.instances),
      String(pollers),
      String(latencies.length),
      String(failed),
      String(calls),
      String(ideal),
      `${(calls / ideal).toFixed(2)}×`,
      String(redisDownLines - downBefore),
      percentile(latencies, 50).toFixed(1),
      percentile(latencies, 99).toFixed(1),
      per1000.toFixed(2),
      gbsPer1000JobMinutes.toFixed(0),
      callsPer1000JobMinutes.toFixed(0),
    ]);
    figures.push({ ...scenario, pollers, requests: latencies.length, failed, calls, ideal, amplification: calls / ideal });
    if (scenario.killRedis) await redis.start();
    console.log(`  done: ${scenario.name}, ${scenario.mode}, ${scenario.instances} instances`);
  }

  console.log(
    table(
      `Fleet: ${JOBS} jobs (half finished, half running), ${SECONDS} s per row, CACHE_ACTIVE_TTL_MS=${ACTIVE_TTL_MS}`,
      [
        'setup',
        'mode',
        'instances',
        'pollers',
        'requests',
        'failed',
        'CI calls',
        'ideal',
        'amplification',
        '"redis down" log lines',
        'p50 ms',
        'p99 ms',
        'instance-s / 1,000 requests',
        'GB-s / 1,000 job-minutes',
        'CI calls / 1,000 job-minutes',
      ],
      rows,
    ),
  );
  const target = (f: Record<string, unknown>) => f.redis && f.mode === 'short-poll' && !f.killRedis;
  const ampOk = figures.filter(target).every((f) => (f.amplification as number) <= 1.1);
  const killOk = figures.filter((f) => f.killRedis).every((f) => f.failed === 0);
  const noFailures = figures.every((f) => f.failed === 0);
  console.log(
    `\ntargets: amplification ≤ 1.1 with Redis at ${SMALL} and ${LARGE} instances: ${ampOk ? 'met' : 'NOT met'}; 0 failed requests with Redis killed mid-run: ${killOk ? 'met' : 'NOT met'}; no failed request in any row: ${noFailures ? 'yes' : 'no'}`,
  );
  await emulator.close();
  await redis.stop();
  process.exitCode = ampOk && killOk ? 0 : 1;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill();
  });
