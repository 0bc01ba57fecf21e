/**
 * `npm run bench`: the function against the floor (a bare signed GET, same Node modules) and
 * against the same lookup written with cos-nodejs-sdk-v5, side by side in one run, on the same
 * bodies, against the CI emulator in its own process on loopback. Every comparison is a ratio of
 * figures measured interleaved in this run; every table names its ratios. BENCH_QUICK=1 shortens
 * every section (for checking the harness, not for numbers).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import './localhost-dns';
import { lazyValidators } from '../scripts/lazy-validators.mjs';
import { ask, forkFor, forkInCgroup, here, stop, stopAll } from './children';
import { memoryCgroup } from './memory-cgroup';
import { coldStarts, medianOf } from './cold';
import type { StageCosts } from './cpu-breakdown';
import { cpuPerLookup, type LookupVariant, startLookupWorkers } from './cpu-per-lookup';
import { type FixtureJob, prepareBodies } from './fixtures';
import { CI_PATHS, signedHeaders } from './floor';
import { functionEnv } from './keys';
import { kb, median, ms, percentile, ratio, table, us } from './stats';
import { type LoadTarget, rotation, throughput } from './throughput';
import { MAX_ANSWER_BYTES } from '../shared/ci/upstream-budget';

const QUICK = process.env.BENCH_QUICK === '1';
const COLD_SPAWNS = QUICK ? 2 : 15;
const CPU_ROUNDS = QUICK ? 2 : 30;
/** Each block runs this long in every variant's process (the 100 kB rows: twice as long, a third of the rounds). */
const CPU_BLOCK_MS = QUICK ? 10 : 100;
const LOAD_ROUNDS = QUICK ? 1 : 5;
const LOAD_SECONDS = QUICK ? 1 : 2;
const STAGE_ITERATIONS = QUICK ? 50 : 1000;
const STAGE_ROUNDS = QUICK ? 2 : 10;
const BUDGET_MB = 128;

const OURS = resolve('dist/job-status/index.js');
const SDK = resolve('dist/bench/sdk-reference.js');
const SDK_BUNDLED = resolve('dist/bench/sdk-reference.bundled.js');
const FLOOR = resolve('dist/bench/floor-function.js');

const NOISE =
  'Absolute figures are noisy: this machine is shared with other jobs (load average at start: LOAD). Compare the ratios: ' +
  'each is measured side by side in this one run, the variants interleaved in random order.';

/** [target, measured, measured ÷ limit, verdict] */
const verdicts: string[][] = [];
function target(name: string, value: number, limit: number, kind: 'max' | 'min', show: (v: number) => string): void {
  const met = kind === 'max' ? value <= limit : value >= limit;
  verdicts.push([name, show(value), `${(value / limit).toFixed(2)} of the limit`, met ? 'met' : 'missed']);
}

async function main() {
  const bodies = prepareBodies();
  const { child: emulatorProcess, message: emulator } = await forkFor<{ endpoint: string; port: number }>(here('emulator'), [bodies.dir]);
  const ciCalls = async () => (await ask<{ count: number }>(emulatorProcess, 'count')).count;
  const out: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  out.push(
    `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${QUICK ? ' (BENCH_QUICK: numbers not meaningful)' : ''}`,
    '',
    NOISE.replace(
      'LOAD',
      loadavg()
        .map((l) => l.toFixed(1))
        .join(', '),
    ),
    '',
  );

  // --- Bundle -------------------------------------------------------------------------------
  // Eager: the loader SCF calls (index.js) and the function it compiles (function.js); V8's code
  // cache for the function (function.cache) is read at load too, but is bytecode, not source.
  const loader = readFileSync(OURS);
  const fnSource = readFileSync(join(resolve(OURS, '..'), 'function.js'));
  const bundle = Buffer.concat([loader, fnSource]);
  const codeCacheFile = join(resolve(OURS, '..'), 'function.cache');
  const codeCacheBytes = existsSync(codeCacheFile) ? statSync(codeCacheFile).size : 0;
  const lazyDir = join(resolve(OURS, '..'), 'validators');
  const lazyFiles = filesUnder(lazyDir);
  const lazyBytes = lazyFiles.reduce((sum, f) => sum + statSync(f).size, 0);
  const largestLazy = lazyFiles.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
  const part = (p: string) => readFileSync(join(lazyDir, p));
  const sdkBundle = readFileSync(SDK_BUNDLED);
  out.push(
    table(
      'Bundle: what SCF loads eagerly, and what it loads on first use',
      ['file', 'raw', 'gzip'],
      [
        ['dist/job-status/index.js + function.js (eager: loader + function)', kb(bundle.length), kb(gzipSync(bundle).length)],
        ['dist/job-status/function.cache (V8 bytecode read at load; not source)', kb(codeCacheBytes), '—'],
        [`dist/job-status/validators/ (${lazyFiles.length} files, each loaded on first use)`, kb(lazyBytes), '—'],
        [
          '  first media Transcode answer loads: media/base.js + media/shape.js + media/tags/Transcode.js',
          kb(part('media/base.js').length + part('media/shape.js').length + part('media/tags/Transcode.js').length),
          '—',
        ],
        [`  largest part: ${largestLazy.slice(lazyDir.length + 1)}`, kb(statSync(largestLazy).size), '—'],
        ['SDK reference, bundled + minified (for scale)', kb(sdkBundle.length), kb(gzipSync(sdkBundle).length)],
      ],
    ),
  );
  target('eager bundle ≤ 150 kB (issue 9)', bundle.length / 1024, 150, 'max', (v) => `${v.toFixed(1)} kB`);
  target('bundle ≤ 100 kB minified (first brief; eager part)', bundle.length / 1024, 100, 'max', (v) => `${v.toFixed(1)} kB`);
  out.push(table('What the eager bundle is made of (largest parts, minified)', ['part', 'size'], await bundleParts(6)));

  // --- Cold start ---------------------------------------------------------------------------
  const coldVariants = [
    { name: 'Node alone (start-up, loads nothing)', path: undefined },
    { name: 'floor: signed GET only (bench/floor-function.ts)', path: FLOOR },
    { name: 'ours (dist/job-status/index.js)', path: OURS },
    { name: 'SDK reference (node_modules, as usually deployed)', path: SDK },
    { name: 'SDK reference (bundled + minified)', path: SDK_BUNDLED },
  ];
  const cold = await coldStarts(coldVariants, bodies.transcode, COLD_SPAWNS, functionEnv(emulator.endpoint, 'on'));
  const c = (i: number) => medianOf(cold.get(coldVariants[i]!.name)!);
  const [floorCold, oursCold, sdkCold] = [c(1), c(2), c(3)];
  out.push(
    table(
      `Cold start in process: load + first request (${bodies.transcode.file}), median of ${COLD_SPAWNS} fresh processes per row, in shuffled order (ms)`,
      ['function', 'load', 'first request', 'load + first', 'this ÷ floor', 'this ÷ SDK (node_modules)'],
      coldVariants.slice(1).map((v, i) => {
        const r = c(i + 1);
        return [v.name, ms(r.load), ms(r.first), ms(r.own), ratio(r.own / floorCold.own), ratio(r.own / sdkCold.own)];
      }),
    ),
    table(
      'Cold start as a whole process: spawn → first answer → exit, Node start-up included (same processes, ms)',
      ['function', 'spawn → exit', 'this ÷ floor', 'this ÷ SDK (node_modules)'],
      coldVariants.map((v, i) => [v.name, ms(c(i).wall), ratio(c(i).wall / floorCold.wall), ratio(c(i).wall / sdkCold.wall)]),
    ),
  );
  target(
    'cold start in process (load + first) ≤ 1.5× the floor',
    oursCold.own / floorCold.own,
    1.5,
    'max',
    (v) => `${v.toFixed(2)}× the floor`,
  );
  target(
    'cold init ≤ 1/10 of the SDK reference (node_modules; first brief)',
    oursCold.own / sdkCold.own,
    0.1,
    'max',
    (v) => `${(v * 100).toFixed(0)} % of it`,
  );

  // --- CPU per uncached lookup, each function in its own process ------------------------------
  // As SCF runs them: one process per function (the cache-hit row is one more instance, cache on).
  const lookupVariants: LookupVariant[] = [
    { name: 'floor: bare signed GET', module: FLOOR, env: functionEnv(emulator.endpoint, 'off') },
    { name: 'ours: main_handler, cache off', module: OURS, env: functionEnv(emulator.endpoint, 'off') },
    { name: 'SDK reference: main_handler', module: SDK, env: functionEnv(emulator.endpoint, 'off') },
    { name: 'ours: main_handler, cache hit (no CI call)', module: OURS, env: functionEnv(emulator.endpoint, 'on') },
  ];
  const [floorName, oursName, sdkName, cacheHitName] = lookupVariants.map((v) => v.name) as [string, string, string, string];
  const workers = await startLookupWorkers(lookupVariants);
  const meanBytes = bodies.all.reduce((sum, j) => sum + bodyBytes(bodies.dir, j), 0) / bodies.all.length;
  // label, the jobs each block's calls take in turn, the body column.
  const cpuBodies = [
    ['~1 kB', [bodies.small], kb(bodyBytes(bodies.dir, bodies.small))],
    ['5 kB Transcode', [bodies.transcode], kb(bodyBytes(bodies.dir, bodies.transcode))],
    ['100 kB VideoTag', [bodies.large], kb(bodyBytes(bodies.dir, bodies.large))],
    // As an instance serving a mixed workload: each call another family or Tag, so per-Tag code
    // and the shared code's inline caches are exercised the way the throughput rows do.
    [`all ${bodies.all.length} fixtures, ids rotating`, bodies.all, `mean ${kb(meanBytes)}`],
  ] as const;
  const cpuRows: string[][] = [];
  let oursCpu5k = NaN;
  let floorCpu5k = NaN;
  let large100k = { ours: NaN, floor: NaN, sdk: NaN };
  let rotating = { ours: NaN, floor: NaN, sdk: NaN };
  const latency: Record<string, number[]> = {};
  for (const [label, jobs, size] of cpuBodies) {
    const large = jobs[0] === bodies.large;
    const rotates = jobs.length > 1;
    // Rotating over every fixture, the cache-hit instance would also miss on the active jobs (their
    // entries live only CACHE_ACTIVE_TTL_MS): that row is left out rather than mislabelled.
    const measured = rotates ? new Map([...workers].filter(([name]) => name !== cacheHitName)) : workers;
    const costs = await cpuPerLookup(
      measured,
      [...jobs],
      large ? Math.ceil(CPU_ROUNDS / 3) : CPU_ROUNDS,
      large ? 2 * CPU_BLOCK_MS : CPU_BLOCK_MS,
    );
    const floorCost = costs.get(floorName)!;
    const sdkCost = costs.get(sdkName)!;
    for (const v of lookupVariants) {
      const r = costs.get(v.name);
      if (!r) continue;
      cpuRows.push([
        `${label} (${size})`,
        v.name,
        String(r.calls),
        us(r.cpuUs),
        us(r.gcUs),
        ms(median(r.wallMs)),
        ms(percentile(r.wallMs, 99)),
        ratio(r.cpuUs / floorCost.cpuUs),
        ratio(r.cpuUs / sdkCost.cpuUs),
      ]);
    }
    if (large) large100k = { ours: costs.get(oursName)!.cpuUs, floor: floorCost.cpuUs, sdk: sdkCost.cpuUs };
    if (rotates) rotating = { ours: costs.get(oursName)!.cpuUs, floor: floorCost.cpuUs, sdk: sdkCost.cpuUs };
    if (jobs[0] === bodies.transcode) {
      oursCpu5k = costs.get(oursName)!.cpuUs;
      floorCpu5k = floorCost.cpuUs;
      for (const v of lookupVariants) latency[v.name] = costs.get(v.name)!.wallMs;
    }
  }
  for (const worker of workers.values()) await stop(worker);
  out.push(
    table(
      `CPU per lookup, each function in its own process (as SCF runs it), sequential calls in blocks of ${CPU_BLOCK_MS} ms, ${CPU_ROUNDS} rounds (100 kB: ${2 * CPU_BLOCK_MS} ms, ${Math.ceil(CPU_ROUNDS / 3)} rounds), the processes driven one block at a time in shuffled order after 3 warm-up rounds; CPU and GC of the function's process only`,
      [
        'body',
        'variant',
        'calls',
        'CPU µs per call (median of blocks)',
        'GC pause µs per call (mean)',
        'wall p50 ms',
        'wall p99 ms',
        'CPU: this ÷ floor',
        'CPU: this ÷ SDK',
      ],
      cpuRows,
    ),
  );
  target('CPU per uncached lookup ≤ 0.8 ms (5 kB, own process)', oursCpu5k / 1000, 0.8, 'max', (v) => `${v.toFixed(3)} ms`);
  target(
    'CPU per uncached lookup ≤ 2.2× the floor (5 kB, each in its own process)',
    oursCpu5k / floorCpu5k,
    2.2,
    'max',
    (v) => `${v.toFixed(2)}× the floor`,
  );
  // The issue asks for the 100 kB body to be reported beside the 5 kB targets; it has no limit of its own.
  verdicts.push([
    'CPU per uncached lookup, 100 kB (reported, no limit)',
    `${(large100k.ours / 1000).toFixed(2)} ms = ${(large100k.ours / large100k.floor).toFixed(2)}× the floor, ${(large100k.ours / large100k.sdk).toFixed(2)}× the SDK`,
    '—',
    'reported',
  ]);
  verdicts.push([
    `CPU per uncached lookup, ids rotating over all ${bodies.all.length} fixtures (reported, no limit)`,
    `${(rotating.ours / 1000).toFixed(3)} ms = ${(rotating.ours / rotating.floor).toFixed(2)}× the floor, ${(rotating.ours / rotating.sdk).toFixed(2)}× the SDK`,
    '—',
    'reported',
  ]);
  const p = (name: string, q: number) => percentile(latency[name]!, q);
  target(
    'added latency p50 ≤ 0.3 ms (cache off, 5 kB; first brief)',
    p(oursName, 50) - p(floorName, 50),
    0.3,
    'max',
    (v) => `${v.toFixed(3)} ms over the floor`,
  );
  target(
    'added latency p99 ≤ 1 ms (cache off, 5 kB; first brief)',
    p(oursName, 99) - p(floorName, 99),
    1,
    'max',
    (v) => `${v.toFixed(3)} ms over the floor`,
  );

  // --- Throughput over HTTP -----------------------------------------------------------------
  // Each function behind the same local server code, each in a process of its own.
  const serve = async (path: string, cache: 'on' | 'off') => {
    const { child, message } = await forkFor<{ url: string }>(here('serve'), [path], functionEnv(emulator.endpoint, cache));
    return { origin: message.url, serverCpuUs: () => cpuOf(child) };
  };
  const cpuOf = async (child: ChildProcess) => {
    const { user, system } = await ask<NodeJS.CpuUsage>(child, 'cpu');
    return user + system;
  };
  const fnPath = (j: FixtureJob) => `/jobs/${j.family}/${j.id}`;
  const ciPath = (j: FixtureJob) => `${CI_PATHS[j.family]}/${j.id}`;
  // Signed once per path: the signatures stay valid for the run, and the emulator checks each one.
  const ciHeaders = new Map(bodies.all.map((j) => [ciPath(j), signedHeaders(emulator.port, ciPath(j))]));
  const [floorServer, oursOffServer, oursOnServer, sdkServer] = [
    await serve(FLOOR, 'off'),
    await serve(OURS, 'off'),
    await serve(OURS, 'on'),
    await serve(SDK, 'off'),
  ];
  const loads: LoadTarget[] = [
    {
      name: 'straight at the emulator (ceiling)',
      origin: `http://127.0.0.1:${emulator.port}`,
      next: rotation(bodies.all, ciPath),
      headersFor: (path) => ciHeaders.get(path) ?? {},
      serverCpuUs: () => cpuOf(emulatorProcess),
    },
    { name: 'floor via local server, uncached', ...floorServer, next: rotation(bodies.all, fnPath) },
    { name: 'ours via local server, uncached (cache off, ids rotate)', ...oursOffServer, next: rotation(bodies.all, fnPath) },
    { name: 'SDK reference via local server, uncached', ...sdkServer, next: rotation(bodies.all, fnPath) },
    { name: 'ours, coalescing (cache off, every request the same id)', ...oursOffServer, next: rotation([bodies.transcode], fnPath) },
    { name: 'ours, caching (cache on, ids rotate)', ...oursOnServer, next: rotation(bodies.all, fnPath) },
  ];
  const rps = await throughput(loads, LOAD_ROUNDS, LOAD_SECONDS, QUICK ? 1 : 3, ciCalls);
  const sdkRps = rps.get(loads[3]!.name)!.rps;
  const floorRps = rps.get(loads[1]!.name)!.rps;
  const sdkServerCpu = rps.get(loads[3]!.name)!.serverCpuUsPerRequest;
  out.push(
    table(
      `Throughput, autocannon 10 connections, ${LOAD_ROUNDS} rounds × ${LOAD_SECONDS} s per row, rows in shuffled order, each function behind the same local server in its own process; ids rotate over all ${bodies.all.length} fixtures (all families) unless the row says otherwise; server CPU = that process's CPU over the row ÷ requests (the emulator's, for the ceiling)`,
      [
        'target',
        'req/s',
        'server CPU µs per request',
        'p50 ms',
        'p99 ms',
        'CI calls per request',
        'failed',
        'req/s: this ÷ SDK',
        'req/s: this ÷ floor',
        'server CPU: this ÷ SDK',
      ],
      loads.map((t) => {
        const r = rps.get(t.name)!;
        return [
          t.name,
          r.rps.toFixed(0),
          us(r.serverCpuUsPerRequest),
          String(r.p50),
          String(r.p99),
          r.ciCallsPerRequest.toFixed(2),
          String(r.failures),
          ratio(r.rps / sdkRps),
          ratio(r.rps / floorRps),
          ratio(r.serverCpuUsPerRequest / sdkServerCpu),
        ];
      }),
    ),
  );
  target(
    'uncached throughput ≥ 1.4× the SDK reference',
    rps.get(loads[2]!.name)!.rps / sdkRps,
    1.4,
    'min',
    (v) => `${v.toFixed(2)}× the SDK`,
  );
  target(
    'uncached throughput ≥ 2× the SDK reference (first brief)',
    rps.get(loads[2]!.name)!.rps / sdkRps,
    2,
    'min',
    (v) => `${v.toFixed(2)}× the SDK`,
  );
  // The least noisy view of the same rows on a shared machine: what a request costs the server process.
  const oursServerCpu = rps.get(loads[2]!.name)!.serverCpuUsPerRequest;
  verdicts.push([
    'uncached server CPU per request, throughput rows (reported, no limit)',
    `${us(oursServerCpu)} µs = ${ratio(oursServerCpu / sdkServerCpu)} the SDK's: the SDK's CPU would serve ${(sdkServerCpu / oursServerCpu).toFixed(2)}× ours' requests`,
    '—',
    'reported',
  ]);

  // --- Memory -------------------------------------------------------------------------------
  const { message: mem } = await forkFor<{ status: number; error?: string; answerBytes: number; loadedKb: number; peakKb: number }>(
    here('memory'),
    [OURS, bodies.worst.ids.join(',')],
    {
      ...functionEnv(emulator.endpoint, 'default'),
      // Memory is measured here, not time: on a loaded machine 10 MiB of XML may outlast the 5 s default.
      UPSTREAM_TIMEOUT_MS: '60000',
    },
  );
  if (mem.status !== 200) throw new Error(`memory row answered ${mem.status}: ${mem.error}`);
  const mb = (k: number) => `${(k / 1024).toFixed(1)} MB`;
  out.push(
    table(
      `Memory: the worst legitimate request in a fresh process (${bodies.worst.ids.length} media ids, each answer ${kb(bodies.worst.jobBytes)}: 5 CI calls that together fill the ${MAX_ANSWER_BYTES / 2 ** 20} MiB one lookup may read; cache as deployed)`,
      ['measure', 'value'],
      [
        ['RSS after loading the function', mb(mem.loadedKb)],
        ['peak RSS after answering', mb(mem.peakKb)],
        ['answer size', kb(mem.answerBytes)],
        [`peak ÷ the ${BUDGET_MB} MB SCF memory budget`, ratio(mem.peakKb / 1024 / BUDGET_MB)],
      ],
    ),
  );
  target(
    `peak RSS, worst legitimate request ≤ ${BUDGET_MB} MB, no memory limit (Node sizes its heap from the host's ${Math.round(totalmem() / 2 ** 30)} GiB)`,
    mem.peakKb / 1024,
    BUDGET_MB,
    'max',
    (v) => `${v.toFixed(1)} MB`,
  );

  // The same request in a process held to 128 MB by a memory cgroup, as SCF holds an instance: Node
  // sizes its heap from the limit, and the kernel kills the process rather than let it pass.
  const cgroup = memoryCgroup(`ci-job-status-bench-${process.pid}`, BUDGET_MB * 2 ** 20);
  if (typeof cgroup === 'string') out.push(`Memory under a ${BUDGET_MB} MB cgroup: not measured here (${cgroup}).\n`);
  else {
    try {
      const limited = await forkInCgroup<{ status: number; peakKb: number; constrainedBytes: number; heapLimitBytes: number }>(
        here('memory'),
        [OURS, bodies.worst.ids.join(',')],
        { ...functionEnv(emulator.endpoint, 'default'), UPSTREAM_TIMEOUT_MS: '60000' },
        cgroup.procsFile,
      );
      const peak = cgroup.peakBytes();
      const answered = 'message' in limited ? limited.message : undefined;
      out.push(
        table(
          `Memory: the same request in a process held to ${BUDGET_MB} MB by a memory cgroup (as SCF runs an instance)`,
          ['measure', 'value'],
          [
            [
              'answer',
              answered ? String(answered.status) : `none: the process was stopped (${(limited as { killedBy: string }).killedBy})`,
            ],
            ['limit Node saw (process.constrainedMemory)', answered ? mb(answered.constrainedBytes / 1024) : '—'],
            ['heap limit Node chose', answered ? mb(answered.heapLimitBytes / 1024) : '—'],
            ['peak RSS of the process', answered ? mb(answered.peakKb) : '—'],
            // The Node binary's pages were already cached (charged to the parent cgroup), so this is below the RSS.
            ['peak memory charged to the cgroup (new anonymous and cache pages)', peak === undefined ? '—' : mb(peak / 1024)],
          ],
        ),
      );
      target(`worst legitimate request answered inside a ${BUDGET_MB} MB cgroup`, answered?.status === 200 ? 1 : 0, 1, 'min', (v) =>
        v === 1 ? '200' : 'not answered',
      );
      if (answered)
        target(
          `peak RSS, worst legitimate request ≤ ${BUDGET_MB} MB, inside the ${BUDGET_MB} MB cgroup (as on SCF)`,
          answered.peakKb / 1024,
          BUDGET_MB,
          'max',
          (v) => `${v.toFixed(1)} MB`,
        );
    } finally {
      cgroup.remove();
    }
  }

  // --- Where the CPU goes -------------------------------------------------------------------
  // Its own process too: our modules built from source into stages.js, cache off, nothing else loaded.
  const { child: stagesProcess } = await forkFor(here('stages'), [String(emulator.port)], functionEnv(emulator.endpoint, 'off'));
  const stageRows: string[][] = [];
  const stageColumns = ['sign', 'fetch', 'parse', 'convert', 'validate', 'serialise', 'abort', 'log'] as const;
  // The stages run on media bodies one size at a time (the stage loop asks for media by id).
  for (const [label, [job]] of cpuBodies.filter(([, jobs]) => jobs.length === 1)) {
    const iterations = job === bodies.large ? Math.ceil(STAGE_ITERATIONS / 5) : STAGE_ITERATIONS;
    const s = await ask<StageCosts | { error: string }>(stagesProcess, { id: job.id, iterations, rounds: STAGE_ROUNDS });
    if ('error' in s) throw new Error(`stage table, ${label}: ${s.error}`);
    const sum = stageColumns.reduce((total, stage) => total + s.cpuUs[stage], 0);
    // The issue asks what the abort plumbing, GC and logging cost: the 5 kB lookup, accounted for.
    if (job === bodies.transcode)
      verdicts.push([
        'where a 5 kB uncached lookup’s CPU goes (stage table; reported, no limit)',
        `whole ${us(s.cpuUs.whole)} µs = stages ${us(sum)} (fetch ${us(s.cpuUs.fetch)}, parse ${us(s.cpuUs.parse)}, abort ${us(s.cpuUs.abort)}, log ${us(s.cpuUs.log)}) + unaccounted ${us(s.cpuUs.whole - sum)}; GC pauses ${us(s.gcUs.whole)}`,
        '—',
        'reported',
      ]);
    stageRows.push([
      `${label} (${kb(s.bytes)})`,
      ...stageColumns.map((stage) => us(s.cpuUs[stage])),
      us(sum),
      us(s.cpuUs.whole),
      `${us(s.cpuUs.whole - sum)} (${((100 * (s.cpuUs.whole - sum)) / s.cpuUs.whole).toFixed(0)} %)`,
      us(s.gcUs.whole),
      us(s.cpuUs.floorFetch),
    ]);
  }
  await stop(stagesProcess);
  out.push(
    table(
      `CPU per stage (µs per call), in one process of its own (our modules from source, cache off): each stage alone in a loop, and the whole lookup (main_handler) in the same process; stages and whole lookup in blocks interleaved in shuffled order, ${STAGE_ROUNDS} rounds, CPU the median of the blocks. fetch = our bounded GET (shared/ci/http-get.ts); abort = the signals and listeners one single-call lookup sets up; log = one request log line; unaccounted = whole − sum of stages (the glue between the stages, and the stages running colder inside the pipeline than alone in a loop); GC = the whole lookup's GC pauses V8 reported (mean; wall time, inflated on a loaded machine); floor fetch = the floor’s GET of the same body, for scale`,
      ['body', ...stageColumns, 'sum of stages', 'ours whole lookup', 'unaccounted', 'GC per lookup', 'floor fetch'],
      stageRows,
    ),
  );

  out.push(table('Targets (each from this run)', ['target', 'measured', 'measured ÷ limit', 'verdict'], verdicts));
  console.log(out.join('\n'));

  await stopAll();
  rmSync(bodies.dir, { recursive: true, force: true });
  process.exit(0);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

function bodyBytes(dir: string, job: FixtureJob): number {
  const file = job.file.replace(/ \(synthetic\)$/, '');
  return statSync(join(dir, file)).size;
}

/** The eager bundle rebuilt in memory with the build's settings, to say where its bytes come from. */
async function bundleParts(top: number): Promise<string[][]> {
  const { metafile } = await build({
    entryPoints: ['functions/job-status/index.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    outfile: 'bundle-parts.js',
    // As scripts/build.mjs: Redis and JWT code load from beside the bundle when first used.
    external: ['ioredis', 'jose'],
    logLevel: 'silent',
    plugins: [lazyValidators(undefined)],
  });
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(metafile.outputs)[0]?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const name = pkg
      ? `${pkg} (package)`
      : input.startsWith('shared/') || input.startsWith('functions/')
        ? 'our code (shared/, functions/)'
        : input;
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => [name, kb(bytes)]);
}

main().catch(async (err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  await stopAll();
  process.exit(1);
});
