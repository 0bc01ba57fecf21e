/**
 * `npm run bench`: the function against the physical floor (a bare signed GET) and against the
 * same lookup written with cos-nodejs-sdk-v5, side by side in one run, on the same bodies, against
 * the CI emulator on loopback. Prints Markdown tables and whether each target is met.
 * BENCH_QUICK=1 shortens every section (for checking the harness, not for numbers).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import './localhost-dns';
import { stageCosts } from './cpu-breakdown';
import { prepareBodies } from './fixtures';
import { bareGet, ciHost, signedHeaders } from './floor';
import { functionEnv, getEvent } from './keys';
import { kb, median, ms, percentile, ratio, table, us } from './stats';

type Handler = (event: unknown, context?: unknown) => Promise<{ statusCode: number }>;

const QUICK = process.env.BENCH_QUICK === '1';
const COLD_SPAWNS = QUICK ? 3 : 11;
const LATENCY_ROUNDS = QUICK ? 200 : 3000;
const LOAD_SECONDS = QUICK ? 1 : 5;
const CPU_ITERATIONS = QUICK ? 50 : 1000;

const OURS = resolve('dist/job-status/index.js');
const SDK = resolve('dist/bench/sdk-reference.js');
const SDK_BUNDLED = resolve('dist/bench/sdk-reference.bundled.js');
const FLOOR = resolve('dist/bench/floor-function.js');
const here = (name: string) => resolve(__dirname, `${name}.js`);

const children: ChildProcess[] = [];

/** Forks a bench helper and waits for its first message (its address, or its measurement). */
function forkFor<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: ['--require', here('localhost-dns')] });
  children.push(child);
  return new Promise((resolveMessage, reject) => {
    child.once('message', (message) => resolveMessage({ child, message: message as T }));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before reporting`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill();
  });

async function main() {
  const bodies = prepareBodies();
  const { child: emulatorProcess, message: emulator } = await forkFor<{ endpoint: string; port: number }>(here('emulator'), [bodies.dir]);
  const out: string[] = [];
  const verdicts: string[][] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  out.push(`Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}; ${new Date().toISOString().slice(0, 10)}${QUICK ? ' (BENCH_QUICK: numbers not meaningful)' : ''}`, '');

  // --- Bundle -------------------------------------------------------------------------------
  const bundle = readFileSync(OURS);
  const sdkBundle = readFileSync(SDK_BUNDLED);
  out.push(
    table('Bundle', ['file', 'raw', 'gzip'], [
      ['dist/job-status/index.js', kb(bundle.length), kb(gzipSync(bundle).length)],
      ['SDK reference, bundled + minified (for scale)', kb(sdkBundle.length), kb(gzipSync(sdkBundle).length)],
    ]),
  );
  verdicts.push(target('bundle ≤ 100 kB minified', bundle.length / 1024, 100, 'max', (v) => `${v.toFixed(1)} kB`));
  out.push(table('What the bundle is made of (largest parts, minified)', ['part', 'size'], await bundleParts(6)));

  // --- Cold init ----------------------------------------------------------------------------
  const coldEnv = functionEnv(emulator.endpoint, 'on');
  const coldVariants = [
    { name: 'ours (dist/job-status/index.js)', path: OURS },
    { name: 'floor: signed GET only (bench/floor-function.ts)', path: FLOOR },
    { name: 'SDK reference (node_modules, as usually deployed)', path: SDK },
    { name: 'SDK reference (bundled + minified)', path: SDK_BUNDLED },
  ];
  const cold = new Map(coldVariants.map((v) => [v.name, { own: [] as number[], load: [] as number[], first: [] as number[], wall: [] as number[] }]));
  for (let i = 0; i < COLD_SPAWNS; i++) {
    for (const v of coldVariants) {
      const began = performance.now();
      const { child, message } = await forkFor<{ status: number; loadMs: number; firstRequestMs: number }>(here('cold-start'), [v.path, bodies.transcode.id], coldEnv);
      await stop(child);
      if (message.status !== 200) throw new Error(`${v.name} answered ${message.status} on a cold start`);
      const r = cold.get(v.name)!;
      r.own.push(message.loadMs + message.firstRequestMs);
      r.load.push(message.loadMs);
      r.first.push(message.firstRequestMs);
      r.wall.push(performance.now() - began);
    }
  }
  const ownOf = (name: string) => median(cold.get(name)!.own);
  const oursCold = ownOf(coldVariants[0]!.name);
  out.push(
    table(`Cold init: fresh process, load + first request (median of ${COLD_SPAWNS} spawns, ms)`, ['function', 'load', 'first request', 'load + first', 'vs ours', 'whole process (spawn → exit)'], coldVariants.map((v) => {
      const r = cold.get(v.name)!;
      return [v.name, ms(median(r.load)), ms(median(r.first)), ms(median(r.own)), ratio(median(r.own) / oursCold), ms(median(r.wall))];
    })),
  );
  verdicts.push(target('cold init ≤ 1/10 of the SDK reference (node_modules)', oursCold / ownOf(coldVariants[2]!.name), 0.1, 'max', (v) => `${(v * 100).toFixed(0)} % of it`));
  verdicts.push(target('cold init ≤ 1/10 of the SDK reference (bundled)', oursCold / ownOf(coldVariants[3]!.name), 0.1, 'max', (v) => `${(v * 100).toFixed(0)} % of it`));

  // --- Warm latency, in process -------------------------------------------------------------
  Object.assign(process.env, functionEnv(emulator.endpoint, 'off'));
  // The function logs one line per request; it goes to /dev/null so the cost stays but the noise does not.
  const devNull = openSync('/dev/null', 'w');
  const realLog = console.log;
  console.log = (...args: unknown[]) => void writeSync(devNull, `${args.join(' ')}\n`);
  const ours = (require(OURS) as { main_handler: Handler }).main_handler;
  // A second instance of the bundle for the cache-hit runs: the cache-off runs would expire its entries.
  delete require.cache[OURS];
  const oursCached = (require(OURS) as { main_handler: Handler }).main_handler;
  const sdk = (require(SDK) as { main_handler: Handler }).main_handler;
  const event = getEvent(bodies.transcode.id);
  const expect200 = async (call: Promise<{ statusCode: number }>) => {
    const res = await call;
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  };
  const withCache = async () => {
    Object.assign(process.env, functionEnv(emulator.endpoint, 'on'));
    try {
      await expect200(oursCached(event));
    } finally {
      Object.assign(process.env, functionEnv(emulator.endpoint, 'off'));
    }
  };
  const latencyVariants: [string, () => Promise<unknown>][] = [
    ['bare signed GET (floor)', () => bareGet(emulator.port, `/jobs/${bodies.transcode.id}`)],
    ['ours: main_handler, cache off', () => expect200(ours(event))],
    ['ours: main_handler, cache hit', withCache],
    ['SDK reference: main_handler', () => expect200(sdk(event))],
  ];
  const samples = new Map(latencyVariants.map(([name]) => [name, [] as number[]]));
  for (let round = -200; round < LATENCY_ROUNDS; round++) {
    // Interleaved, so drift (GC, CPU frequency, the emulator's state) hits every variant alike.
    for (const [name, call] of latencyVariants) {
      const t = performance.now();
      await call();
      if (round >= 0) samples.get(name)!.push(performance.now() - t);
    }
  }
  console.log = realLog;
  const p = (name: string, q: number) => percentile(samples.get(name)!, q);
  const floor = latencyVariants[0]![0];
  out.push(
    table(`Warm latency per request, ${bodies.transcode.file} (${LATENCY_ROUNDS} interleaved rounds, ms)`, ['variant', 'p50', 'p99', 'p50 − floor', 'p99 − floor'], latencyVariants.map(([name]) => [
      name, ms(p(name, 50)), ms(p(name, 99)), name === floor ? '—' : ms(p(name, 50) - p(floor, 50)), name === floor ? '—' : ms(p(name, 99) - p(floor, 99)),
    ])),
  );
  const oursName = latencyVariants[1]![0];
  verdicts.push(target('added latency p50 ≤ 0.3 ms (cache off)', p(oursName, 50) - p(floor, 50), 0.3, 'max', (v) => `${v.toFixed(3)} ms`));
  verdicts.push(target('added latency p99 ≤ 1 ms (cache off)', p(oursName, 99) - p(floor, 99), 1, 'max', (v) => `${v.toFixed(3)} ms`));

  // --- Throughput over HTTP -----------------------------------------------------------------
  const serve = async (path: string, cache: 'on' | 'off') => (await forkFor<{ url: string }>(here('serve'), [path], functionEnv(emulator.endpoint, cache))).message.url;
  const jobPath = `/jobs/media/${bodies.transcode.id}`;
  const ciPath = `/jobs/${bodies.transcode.id}`;
  const loads: [string, autocannon.Options][] = [
    // Signed once: the signature stays valid for the run, and the emulator verifies it every time.
    ['straight at the emulator (ceiling)', { url: `http://127.0.0.1:${emulator.port}${ciPath}`, headers: signedHeaders(emulator.port, ciPath) }],
    ['ours via local server, cache off', { url: `${await serve(OURS, 'off')}${jobPath}` }],
    ['ours via local server, cache on', { url: `${await serve(OURS, 'on')}${jobPath}` }],
    ['SDK reference via local server', { url: `${await serve(SDK, 'off')}${jobPath}` }],
  ];
  const rps = new Map<string, autocannon.Result>();
  for (const [name, options] of loads) {
    await autocannon({ ...options, connections: 10, duration: 1 }); // warm-up, discarded
    const result = await autocannon({ ...options, connections: 10, duration: LOAD_SECONDS });
    if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    rps.set(name, result);
  }
  const ceiling = rps.get(loads[0]![0])!.requests.average;
  const sdkRps = rps.get(loads[3]![0])!.requests.average;
  out.push(
    table(`Throughput, autocannon 10 connections × ${LOAD_SECONDS} s (all processes on this machine)`, ['target', 'req/s', 'p50 ms', 'p99 ms', 'vs emulator', 'vs SDK'], loads.map(([name]) => {
      const r = rps.get(name)!;
      return [name, r.requests.average.toFixed(0), String(r.latency.p50), String(r.latency.p99), ratio(r.requests.average / ceiling), ratio(r.requests.average / sdkRps)];
    })),
  );
  verdicts.push(target('throughput ≥ 2× the SDK reference (cache off)', rps.get(loads[1]![0])!.requests.average / sdkRps, 2, 'min', (v) => `${v.toFixed(2)}×`));

  // --- CPU per stage ------------------------------------------------------------------------
  const sizes = [
    ['~1 kB', bodies.small],
    ['5 kB Transcode', bodies.transcode],
    ['100 kB VideoTag', bodies.large],
  ] as const;
  const rows: string[][] = [];
  for (const [label, body] of sizes) {
    const c = await stageCosts(emulator.port, body.id, body === bodies.large ? Math.ceil(CPU_ITERATIONS / 5) : CPU_ITERATIONS);
    const ownCpu = c.cpuUs.sign + c.cpuUs.parse + c.cpuUs.convert + c.cpuUs.validate + c.cpuUs.serialise;
    rows.push([`${label} (${kb(c.bytes)}, ${body.file})`, us(c.cpuUs.sign), us(c.cpuUs.fetch), us(c.cpuUs.parse), us(c.cpuUs.convert), us(c.cpuUs.validate), us(c.cpuUs.serialise), us(ownCpu), us(c.fetchWallUs)]);
  }
  out.push(table('CPU per request by stage (µs of CPU per call; fetch = client side of the round trip)', ['body', 'sign', 'fetch', 'parse', 'convert', 'validate', 'serialise', 'ours without fetch', 'fetch wall µs'], rows));

  out.push(table('Targets', ['target', 'result', 'verdict'], verdicts));
  console.log(out.join('\n'));

  for (const child of children) await stop(child);
  await stop(emulatorProcess);
  rmSync(bodies.dir, { recursive: true, force: true });
  process.exit(0);
}

/** The bundle rebuilt in memory with the build's settings, to say where its bytes come from. */
async function bundleParts(top: number): Promise<string[][]> {
  const { metafile } = await build({
    entryPoints: ['functions/job-status/index.ts'],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, keepNames: true, legalComments: 'none',
    write: false, metafile: true, outfile: 'bundle-parts.js', logLevel: 'silent',
  });
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const name = pkg ? `${pkg} (package)` : input.startsWith('shared/') || input.startsWith('functions/') ? 'our code (shared/, functions/)' : input;
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return [...parts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, bytes]) => [name, kb(bytes)]);
}

function target(name: string, value: number, limit: number, kind: 'max' | 'min', show: (v: number) => string): string[] {
  const met = kind === 'max' ? value <= limit : value >= limit;
  const by = kind === 'max' ? value / limit : limit / value;
  return [name, show(value), met ? 'met' : `missed (${by.toFixed(1)}× off)`];
}

main().catch(async (err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  for (const child of children) child.kill();
  process.exit(1);
});
