/**
 * Build step: writes `<dir>/function.cache`, the V8 code cache the deployed entry point loads the
 * function with (functions/job-status/load.ts, shared/boot/code-cache.ts). The built function
 * answers GET lookups from the CI emulator on loopback first, so the cache holds the bytecode of
 * what a lookup runs, not only of the top level. Bundled by scripts/build.mjs after generated/
 * exists; run as `node dist/.build/train-code-cache.js dist/job-status`.
 *
 * One lookup per family, each in a fresh process that starts from the cache the one before it
 * wrote and adds what its family's lookup compiled. Not all in one process: measured in fresh
 * processes (docs/performance.md, "Code cache"), a cache taken after 15 lookups in one process
 * made the first request ~5 ms CPU slower than one taken after one lookup, and slower the more
 * lookups ran first (1 < 15 < 60), for every family; chained processes, one lookup each, do not
 * add up like that (one, three or fifteen links answered alike) and cover every family's code.
 *
 * The cache fits only the Node (V8 version and flags) that runs this script: build with the
 * runtime's Node version to get the saving there (docs/deploy.md). Elsewhere V8 refuses it and the
 * function compiles from source as before.
 */
import { execFile } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '../dev/emulator/server';
import { cacheFileContents, compileBundle, runBundle } from '../shared/boot/code-cache';

type Handler = (event: unknown, context?: unknown) => Promise<{ statusCode: number; body: string }>;

// Throwaway keys known only to this process and its emulator.
const KEYS = { secretId: 'AKIDTRAINCODECACHE001', secretKey: 'train-code-cache-not-a-secret', sessionToken: 'train-token' };

const runLink = promisify(execFile);

/** What of the builder's environment the training processes keep: nothing the function reads. */
const KEPT_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG'];

/** The parent: an emulator, then one child per family, each extending the cache. */
async function train(dir: string): Promise<void> {
  const cacheFile = join(dir, 'function.cache');
  rmSync(cacheFile, { force: true }); // the first link compiles from source, never from an old cache
  const emulator = await startEmulator({ keys: KEYS, record: false });
  // The function trains on the emulator's settings alone: a setting of the builder's shell
  // (AUTH_MODE, REDIS_URL, CACHE_*, ...) would otherwise fail a training lookup, or train it
  // against a live Redis.
  const env: Record<string, string> = {
    CI_ENDPOINT: emulator.endpoint,
    CI_BUCKET: 'examplebucket-1250000000',
    CI_REGION: 'ap-guangzhou',
    TENCENTCLOUD_SECRETID: KEYS.secretId,
    TENCENTCLOUD_SECRETKEY: KEYS.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: KEYS.sessionToken,
  };
  for (const name of KEPT_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const firstJobs = new Map<string, string>();
  for (const job of emulator.jobs.values()) if (!firstJobs.has(job.family)) firstJobs.set(job.family, job.jobId);
  try {
    // Not execFileSync: that would block this process's emulator, which the child's lookup needs.
    for (const [family, jobId] of firstJobs)
      await runLink(process.execPath, [__filename, '--link', dir, family, jobId], { env, timeout: 60_000 });
  } finally {
    await emulator.close();
  }
  console.log(
    `code cache: ${(statSync(cacheFile).size / 1024).toFixed(1)} kB → ${cacheFile} (${firstJobs.size} training lookups, one per process, Node ${process.version})`,
  );
}

/** One link: loads the function with the cache so far, answers one lookup, writes the cache. */
async function link(dir: string, family: string, jobId: string): Promise<void> {
  const file = resolve(dir, 'function.js');
  const cacheFile = join(dir, 'function.cache');
  const { script, status } = compileBundle(file, cacheFile);
  if (status !== 'accepted' && status !== 'absent') throw new Error(`the cache the last link wrote was ${status}`);
  const fn = runBundle(script, file, createRequire(file)) as { main_handler: Handler; shutdown: () => Promise<void> };
  const log = console.log;
  console.log = () => undefined; // the function's request log line
  try {
    const event = { httpMethod: 'GET', path: `/jobs/${family}/${jobId}`, headers: { host: 'build.local' }, queryString: {}, body: '' };
    const res = await fn.main_handler(event, { request_id: `train-${family}` });
    if (res.statusCode !== 200) throw new Error(`training lookup ${family}/${jobId} answered ${res.statusCode}: ${res.body}`);
  } finally {
    console.log = log;
    await fn.shutdown();
  }
  writeFileSync(cacheFile, cacheFileContents(script, file));
}

const args = process.argv.slice(2);
const run = args[0] === '--link' ? link(args[1] ?? '', args[2] ?? '', args[3] ?? '') : train(args[0] ?? 'dist/job-status');
run.then(
  () => process.exit(0), // the function's keep-alive sockets would hold the process open
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
