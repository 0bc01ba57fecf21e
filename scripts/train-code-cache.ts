/**
 * Build step: writes `<dir>/function.cache`, the V8 code cache the deployed entry point loads the
 * function with (functions/job-status/load.ts, shared/boot/code-cache.ts). The built function
 * answers one GET lookup from the CI emulator on loopback first, so the cache holds the bytecode of
 * what a lookup runs, not only of the top level. Bundled by scripts/build.mjs after generated/
 * exists; run as `node dist/.build/train-code-cache.js dist/job-status`.
 *
 * One lookup, not one per family: measured in fresh processes (docs/performance.md, "Code cache"),
 * a cache taken after 15 lookups made the first request ~5 ms CPU slower than one taken after one,
 * and slower the more lookups ran first (1 < 15 < 60 media lookups), for the families it had been
 * trained on and the others alike. The lookup path is shared by every family (their validators and
 * shapes are separate files, not in this cache), so one lookup already covers almost all of it
 * (252 of 261 kB); what only another family runs is compiled on that family's first request.
 *
 * The cache fits only the Node (V8 version and flags) that runs this script: build with the
 * runtime's Node version to get the saving there (docs/deploy.md). Elsewhere V8 refuses it and the
 * function compiles from source as before.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startEmulator } from '../dev/emulator/server';
import { cacheFileContents, compileBundle, runBundle } from '../shared/boot/code-cache';

type Handler = (event: unknown, context?: unknown) => Promise<{ statusCode: number; body: string }>;

// Throwaway keys known only to this process and its emulator.
const KEYS = { secretId: 'AKIDTRAINCODECACHE001', secretKey: 'train-code-cache-not-a-secret', sessionToken: 'train-token' };

/** What of the builder's environment the training process keeps: nothing the function reads. */
const KEPT_ENV = new Set(['PATH', 'HOME', 'TMPDIR', 'LANG']);

async function main(dir: string): Promise<void> {
  const file = resolve(dir, 'function.js');
  const emulator = await startEmulator({ keys: KEYS, record: false });
  // The function trains on the emulator's settings alone: a setting of the builder's shell
  // (AUTH_MODE, REDIS_URL, CACHE_*, ...) would otherwise fail a training lookup, or train it
  // against a live Redis. The process exits once the cache is written.
  for (const name of Object.keys(process.env)) if (!KEPT_ENV.has(name)) delete process.env[name];
  Object.assign(process.env, {
    CI_ENDPOINT: emulator.endpoint,
    CI_BUCKET: 'examplebucket-1250000000',
    CI_REGION: 'ap-guangzhou',
    TENCENTCLOUD_SECRETID: KEYS.secretId,
    TENCENTCLOUD_SECRETKEY: KEYS.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: KEYS.sessionToken,
  });
  const requireBeside = createRequire(file);
  const { script } = compileBundle(file, undefined);
  const fn = runBundle(script, file, requireBeside) as { main_handler: Handler; shutdown: () => Promise<void> };
  // The emulator's first job, whichever family that is: see the header for why only one.
  const first = emulator.jobs.values().next();
  if (first.done === true) throw new Error('the emulator has no job to train on');
  const { family, jobId } = first.value;
  const log = console.log;
  console.log = () => undefined; // the function's request log lines
  try {
    const event = { httpMethod: 'GET', path: `/jobs/${family}/${jobId}`, headers: { host: 'build.local' }, queryString: {}, body: '' };
    const res = await fn.main_handler(event, { request_id: `train-${family}` });
    if (res.statusCode !== 200) throw new Error(`training lookup ${family}/${jobId} answered ${res.statusCode}: ${res.body}`);
  } finally {
    console.log = log;
    await fn.shutdown();
    await emulator.close();
  }
  const cache = cacheFileContents(script, file);
  writeFileSync(join(dir, 'function.cache'), cache);
  console.log(
    `code cache: ${(cache.length / 1024).toFixed(1)} kB → ${join(dir, 'function.cache')} (trained on one ${family} lookup, Node ${process.version})`,
  );
}

main(process.argv[2] ?? 'dist/job-status').then(
  () => process.exit(0), // the function's keep-alive sockets would hold the process open
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
