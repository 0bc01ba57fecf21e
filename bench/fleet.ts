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
 * Web mode (an SCF Web function with request multi-concurrency): WEB_INSTANCES processes of the built
 * web bundle, all with Redis, each serving up to WEB_CONCURRENCY requests at once. The dispatcher
 * puts a request on the fullest instance that still has room (SCF fills running instances before it
 * starts another), and an instance is billed while at least one request is open on it (SCF bills the
 * overlap of concurrent requests once). WEB_POLLERS callers run the same short- and long-polls, or
 * hold one Server-Sent Events stream each (GET /jobs/media/{id}/events):
 *
 *   sse         a watcher reads its stream; on `event: end` (the job is final) it stops and a new
 *               watcher of the same job opens a stream a second later, so the load stays that of
 *               M callers as in the poll rows; on a retry hint it reconnects with Last-Event-ID
 *
 * For SSE, "requests" are streams opened and p50/p99 the time to a stream's headers (its first
 * lookup); the comparable cost unit is GB-s per 1,000 watched job-minutes, as for every row.
 *
 * Every scenario uses its own bucket and its own running jobs, so no cache carries over between them.
 * BENCH_FLEET_SECONDS sets each scenario's length (default 8); BENCH_FLEET_LARGE the big fleet (64);
 * BENCH_FLEET_WEB_INSTANCES / _WEB_CONCURRENCY / _WEB_POLLERS the web pool (4 × 20, 64 callers).
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
const WEB_INSTANCES = Number(process.env.BENCH_FLEET_WEB_INSTANCES ?? 4);
const WEB_CONCURRENCY = Number(process.env.BENCH_FLEET_WEB_CONCURRENCY ?? 20); // serverless.web.yml's maxConcurrency
const WEB_POLLERS = Number(process.env.BENCH_FLEET_WEB_POLLERS ?? 64);
const GB_PER_WEB_INSTANCE = 0.25; // serverless.web.yml: memorySize 256
const WEB_FUNCTION_TIMEOUT_S = '60'; // serverless.web.yml's timeout
const WARMUP_BUCKET = 'fleetwarmup-1250000000';

type Mode = 'short-poll' | 'long-poll' | 'sse';
interface Scenario {
  name: string;
  kind: 'event' | 'web';
  redis: boolean;
  instances: number;
  mode: Mode;
  killRedis?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'event, no Redis', kind: 'event', redis: false, instances: SMALL, mode: 'short-poll' },
  { name: 'event + Redis', kind: 'event', redis: true, instances: SMALL, mode: 'short-poll' },
  { name: 'event, no Redis', kind: 'event', redis: false, instances: LARGE, mode: 'short-poll' },
  { name: 'event + Redis', kind: 'event', redis: true, instances: LARGE, mode: 'short-poll' },
  { name: 'event, no Redis', kind: 'event', redis: false, instances: SMALL, mode: 'long-poll' },
  { name: 'event + Redis', kind: 'event', redis: true, instances: SMALL, mode: 'long-poll' },
  { name: 'event + Redis, Redis killed mid-run', kind: 'event', redis: true, instances: SMALL, mode: 'short-poll', killRedis: true },
  { name: 'web + Redis', kind: 'web', redis: true, instances: WEB_INSTANCES, mode: 'short-poll' },
  { name: 'web + Redis', kind: 'web', redis: true, instances: WEB_INSTANCES, mode: 'long-poll' },
  { name: 'web + Redis', kind: 'web', redis: true, instances: WEB_INSTANCES, mode: 'sse' },
];

const children: ChildProcess[] = [];
let redisDownLines = 0;

interface Instance {
  url: string;
  /** Requests open on it now. */
  active: number;
  /** When active last went from 0 to 1. */
  busySince: number;
}

function spawnInstance(env: Record<string, string>, kind: 'event' | 'web' = 'event'): Promise<Instance> {
  const [script, bundle] = kind === 'event' ? ['serve.js', 'dist/job-status/index.js'] : ['serve-web.js', 'dist/job-status-web/index.js'];
  const child = fork(resolve(__dirname, script), [resolve(bundle)], {
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
    child.once('message', (m) => done({ url: (m as { url: string }).url, active: 0, busySince: 0 }));
    child.once('exit', (code) => fail(new Error(`instance exited (${code}) before listening`)));
  });
}

/**
 * Hands each request to an instance with room, like SCF's router; queues when all are full. Event
 * instances take one request (any idle one); web instances up to `perInstance`, the fullest first.
 * busyMs is the time instances had at least one request open: what SCF bills.
 */
class Dispatcher {
  private readonly waiting: Array<(i: Instance) => void> = [];
  busyMs = 0;
  readonly used = new Set<Instance>();
  constructor(
    private readonly pool: Instance[],
    private readonly perInstance = 1,
  ) {}

  private acquire(): Promise<Instance> {
    const open = this.pool.filter((i) => i.active < this.perInstance);
    if (open.length > 0) {
      const instance =
        this.perInstance === 1
          ? (open[Math.floor(Math.random() * open.length)] as Instance)
          : open.reduce((a, b) => (b.active > a.active ? b : a));
      this.take(instance);
      return Promise.resolve(instance);
    }
    return new Promise((done) => this.waiting.push(done));
  }

  private take(instance: Instance): void {
    if (instance.active === 0) instance.busySince = performance.now();
    instance.active += 1;
    this.used.add(instance);
  }

  private release(instance: Instance): void {
    instance.active -= 1;
    if (instance.active === 0) this.busyMs += performance.now() - instance.busySince;
    const next = this.waiting.shift();
    if (next) {
      this.take(instance);
      next(instance);
    }
  }

  /** Runs one request (or stream) on an instance, holding its slot until `call` settles. */
  async use<T>(call: (baseUrl: string) => Promise<T>): Promise<T> {
    const instance = await this.acquire();
    try {
      return await call(instance.url);
    } finally {
      this.release(instance);
    }
  }

  get(path: string): Promise<{ status: number; body: string; ms: number }> {
    return this.use(async (baseUrl) => {
      const started = performance.now();
      try {
        const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(30_000) });
        const body = await res.text();
        return { status: res.status, body, ms: performance.now() - started };
      } catch {
        return { status: 0, body: '', ms: performance.now() - started };
      }
    });
  }
}

type StreamOutcome = 'end' | 'retry' | 'stopped' | 'failure';
interface StreamResult {
  outcome: StreamOutcome;
  /** Status, or 0 when the connection failed; with the error code for the failure count. */
  status: number;
  code: string;
  /** Time to the response's headers: the stream's first lookup. */
  ms: number;
  events: number;
  lastEventId: string | undefined;
}

/** Reads one event stream until the server ends it or `stopAt` (the bench's end) comes. */
async function readEvents(url: string, lastEventId: string | undefined, stopAt: number): Promise<StreamResult> {
  const started = performance.now();
  const controller = new AbortController();
  const stop = setTimeout(() => controller.abort(), Math.max(0, stopAt - Date.now()));
  const result: StreamResult = { outcome: 'retry', status: 0, code: '', ms: 0, events: 0, lastEventId };
  try {
    const res = await fetch(url, { headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal: controller.signal });
    result.status = res.status;
    result.ms = performance.now() - started;
    if (res.status === 204) return { ...result, outcome: 'end' };
    if (res.status !== 200) {
      const body = await res.text();
      return { ...result, outcome: 'failure', code: /"Code":"(\w+)"/.exec(body)?.[1] ?? '' };
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop() ?? '';
      for (const block of blocks) {
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const id = /^id: ?(.*)$/m.exec(block)?.[1];
        if (event === 'end') result.outcome = 'end';
        else if (event === 'failure') return { ...result, outcome: 'failure', code: /"Code":"(\w+)"/.exec(block)?.[1] ?? '' };
        else if (event === undefined && /^data:/m.test(block)) {
          result.events += 1;
          if (id) result.lastEventId = id;
        }
      }
    }
    return result;
  } catch {
    return controller.signal.aborted ? { ...result, outcome: 'stopped' } : { ...result, outcome: 'failure' };
  } finally {
    clearTimeout(stop);
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
  const largest = Math.max(...SCENARIOS.filter((s) => s.kind === 'event').map((s) => s.instances));
  const webCount = Math.max(0, ...SCENARIOS.filter((s) => s.kind === 'web').map((s) => s.instances));
  console.log(`starting ${largest} event instances without Redis, ${largest} with Redis and ${webCount} web instances with Redis…`);
  const spawnPool = async (count: number, extra: Record<string, string>, kind: 'event' | 'web' = 'event') => {
    const pool: Instance[] = [];
    // A few at a time: 2 cores start node processes slowly.
    for (let i = 0; i < count; i += 8)
      pool.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => spawnInstance({ ...env, ...extra }, kind)))));
    return pool;
  };
  const plain = await spawnPool(largest, {});
  // Timeouts for this machine: two cores running 128 instances (and whatever else runs) can stall a
  // process for longer than the 250 ms default, which is meant for Redis in the function's VPC.
  const redisEnv = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'fleetbench:',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    REDIS_CONNECT_TIMEOUT_MS: '2000',
  };
  const shared = await spawnPool(largest, redisEnv);
  const web = await spawnPool(webCount, { ...redisEnv, FUNCTION_TIMEOUT_S: WEB_FUNCTION_TIMEOUT_S }, 'web');
  // Warm instances, as SCF keeps them between requests: each has served one request (and, with
  // REDIS_URL, loaded the client and connected) before anything is measured.
  await Promise.all(
    [...plain, ...shared, ...web].map((i) =>
      fetch(`${i.url}/jobs/media/${finished[0]}?bucket=${WARMUP_BUCKET}`).then((r) => r.arrayBuffer()),
    ),
  );

  const rows: string[][] = [];
  const figures: Record<string, unknown>[] = [];
  for (const [n, scenario] of SCENARIOS.entries()) {
    const isWeb = scenario.kind === 'web';
    const pool = (isWeb ? web : scenario.redis ? shared : plain).slice(0, scenario.instances);
    const dispatcher = new Dispatcher(pool, isWeb ? WEB_CONCURRENCY : 1);
    const running = Array.from({ length: JOBS / 2 }, (_, i) => `move-success-${RUN_MS}ms-fleet${n}-${i}`);
    // Started a fifth of the way in, so they are Running with Progress moving from the first poll.
    for (const id of running) movingJob(emulator, 'media', id, Date.now() - RUN_MS * 0.2);
    const jobs = [...finished, ...running];
    const pollers = isWeb ? WEB_POLLERS : scenario.instances;
    const downBefore = redisDownLines;
    const latencies: number[] = [];
    let failed = 0;
    const failures = new Map<string, number>();
    const starts: Array<[number, string]> = [];
    let events = 0;
    const countFailure = (kind: string) => {
      failed += 1;
      failures.set(kind, (failures.get(kind) ?? 0) + 1);
    };
    const callsBefore = emulator.requestCount;
    const startedAt = Date.now();
    const endAt = startedAt + SECONDS * 1000;
    if (scenario.killRedis) setTimeout(() => void redis.kill(), (SECONDS * 1000) / 2);

    /** One SSE watcher: a stream at a time; a new watcher a second after the job's end. */
    const watch = async (id: string) => {
      let lastEventId: string | undefined;
      while (Date.now() < endAt) {
        const t0 = Date.now();
        const res = await dispatcher.use((baseUrl) =>
          readEvents(`${baseUrl}/jobs/media/${id}/events?bucket=${buckets[n]}`, lastEventId, endAt),
        );
        if (res.outcome === 'stopped' && res.status === 0) break; // the bench ended before the headers came
        latencies.push(res.ms);
        events += res.events;
        lastEventId = res.lastEventId;
        if (res.outcome === 'failure') countFailure(`${res.status} ${res.code}`.trim());
        if (res.outcome === 'end') lastEventId = undefined;
        if (res.outcome !== 'stopped') await sleep(Math.max(0, 1000 - (Date.now() - t0)));
      }
    };

    await Promise.all(
      Array.from({ length: pollers }, async (_, p) => {
        const id = jobs[p % jobs.length] as string;
        await sleep(Math.random() * 1000); // pollers do not start in lockstep
        if (scenario.mode === 'sse') return watch(id);
        while (Date.now() < endAt) {
          const t0 = Date.now();
          const longPoll = scenario.mode === 'long-poll';
          const res = await dispatcher.get(`/jobs/media/${id}?bucket=${buckets[n]}${longPoll ? '&wait=20' : ''}`);
          latencies.push(res.ms);
          if (res.status !== 200) countFailure(`${res.status} ${/"Code":"(\w+)"/.exec(res.body)?.[1] ?? ''}`.trim());
          starts.push([t0, id]);
          const settled = res.status === 200 && /"State":"(Success|Failed|Cancel)"/.test(res.body);
          if (!longPoll || settled || res.status !== 200) await sleep(Math.max(0, 1000 - (Date.now() - t0)));
        }
      }),
    );
    const elapsedMs = Date.now() - startedAt;
    const calls = emulator.requestCount - callsBefore;
    // Short polls: the same requests replayed through one cache. Long polls and streams re-fetch
    // inside the function where no one outside can see it, so their ideal is one call per running
    // job per TTL.
    const ideal =
      scenario.mode === 'short-poll'
        ? replayOneCache(starts, new Set(finished))
        : finished.length + running.length * Math.ceil(elapsedMs / ACTIVE_TTL_MS);
    if (failures.size) console.log(`  failures: ${[...failures].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    const instanceSeconds = dispatcher.busyMs / 1000;
    const per1000 = (instanceSeconds / latencies.length) * 1000;
    // Per 1,000 jobs each watched for a minute: what the docs' cost table uses.
    const watchMinutes = (jobs.length * elapsedMs) / 60_000;
    const gbsPer1000JobMinutes = ((instanceSeconds * (isWeb ? GB_PER_WEB_INSTANCE : GB_PER_INSTANCE)) / watchMinutes) * 1000;
    const callsPer1000JobMinutes = (calls / watchMinutes) * 1000;
    rows.push([
      scenario.name,
      scenario.mode,
      isWeb ? `${scenario.instances} × c${WEB_CONCURRENCY} (${dispatcher.used.size} used)` : String(scenario.instances),
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
    if (scenario.mode === 'sse') console.log(`  ${latencies.length} streams opened, ${events} state events received`);
    figures.push({ ...scenario, pollers, requests: latencies.length, failed, calls, ideal, amplification: calls / ideal });
    if (scenario.killRedis) await redis.start();
    console.log(`  done: ${scenario.name}, ${scenario.mode}, ${scenario.instances} instances, ${pollers} callers`);
  }

  console.log(
    table(
      `Fleet: ${JOBS} jobs (half finished, half running), ${SECONDS} s per row, CACHE_ACTIVE_TTL_MS=${ACTIVE_TTL_MS}; ` +
        `event instances 128 MB, web instances ${GB_PER_WEB_INSTANCE * 1024} MB; SSE: requests = streams, p50/p99 = time to headers`,
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
  const target = (f: Record<string, unknown>) => f.kind === 'event' && f.redis && f.mode === 'short-poll' && !f.killRedis;
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
