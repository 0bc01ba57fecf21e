// Build: (1) schemas → generated/ (validators precompiled, no ajv compile at run time), and from
// them the OpenAPI document and client/types.ts, (2) one minified CommonJS bundle per SCF function,
// (3) the dev tools (emulator, local server).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { lazyValidators } from './lazy-validators.mjs';

// SCF Web function start command. SCF runs it as the instance's start command: a bash script with
// the runtime's node at its absolute path (/var/lang/node20/bin/node for Nodejs20.x), listening on
// 0.0.0.0:9000 (index.js's defaults). exec hands SIGTERM straight to node, which ends streams cleanly.
export const SCF_BOOTSTRAP = [
  '#!/bin/bash',
  '# ci-job-status, SCF Web function (web mode): see docs/web-function.md',
  'export PORT=9000',
  'export HOST=0.0.0.0',
  'exec /var/lang/node20/bin/node "$(dirname "$0")/index.js"',
  '',
].join('\n');

const node = { platform: 'node', target: 'node20', bundle: true, format: 'cjs', logLevel: 'warning', legalComments: 'none' };

rmSync('dist', { recursive: true, force: true });
await build({
  ...node,
  entryPoints: ['scripts/generate-schemas.ts', 'scripts/generate-openapi.ts', 'scripts/generate-types.ts'],
  outdir: 'dist/.build',
  packages: 'external',
});
execFileSync(process.execPath, ['dist/.build/generate-schemas.js', 'generated'], { stdio: 'inherit' });
execFileSync(process.execPath, ['dist/.build/generate-openapi.js', 'generated', 'dist'], { stdio: 'inherit' });
// Checked in (client/types.ts), so .ci/run can tell when a build changed it.
execFileSync(process.execPath, ['dist/.build/generate-types.js', 'generated', 'client/types.ts'], { stdio: 'inherit' });

// The Redis client is used only with REDIS_URL set, so it is not in the function's bundle: it is
// bundled on its own (with its dependencies) where the bundle's require('ioredis') finds it, and
// loaded on first use. An instance without Redis neither reads nor compiles it at cold start.
const functionBuild = {
  ...node,
  outdir: 'dist',
  minify: true,
  // No keepNames here: it wraps every function and class in a naming call (~9 kB of the eager
  // bundle, the cold start's budget). Nothing of ours reads a minified name: every Error subclass
  // sets its `name` itself. The ioredis and jose bundles below keep theirs (their errors are logged by name).
  metafile: true,
  external: ['ioredis', 'jose'],
};
// The event function's code is function.js; its entry point index.js (below) loads it with the code
// cache, in a vm.Script, where Node 20 allows import() only behind --experimental-vm-modules: so
// its import() of ioredis and jose becomes require().
const fn = await build({
  ...functionBuild,
  entryPoints: { 'job-status/function': 'functions/job-status/index.ts' },
  supported: { 'dynamic-import': false },
  // Family validators and shapes go beside each bundle, one file each, loaded on first use.
  plugins: [lazyValidators('dist/job-status')],
});
const web = await build({
  ...functionBuild,
  entryPoints: { 'job-status-web/index': 'functions/job-status-web/index.ts' },
  plugins: [lazyValidators('dist/job-status-web')],
});
const redis = await build({
  ...node,
  // One copy beside each function: each is deployed as its own directory.
  // jose likewise: only AUTH_MODE=jwt loads it (shared/auth/jwt.ts).
  entryPoints: {
    'job-status/node_modules/ioredis/index': 'node_modules/ioredis/built/index.js',
    'job-status-web/node_modules/ioredis/index': 'node_modules/ioredis/built/index.js',
    'job-status/node_modules/jose/index': 'node_modules/jose/dist/webapi/index.js',
    'job-status-web/node_modules/jose/index': 'node_modules/jose/dist/webapi/index.js',
  },
  outdir: 'dist',
  minify: true,
  keepNames: true,
  metafile: true,
});
// The event function's entry point: a small loader that compiles function.js with the V8 code cache
// the trainer below writes (function.cache), or from source when that cache does not fit.
const entry = await build({
  ...node,
  entryPoints: { 'job-status/index': 'functions/job-status/load.ts' },
  outdir: 'dist',
  minify: true,
  metafile: true,
});
const outputs = { ...fn.metafile.outputs, ...web.metafile.outputs, ...entry.metafile.outputs, ...redis.metafile.outputs };
const bytes = Object.entries(outputs)
  .filter(([f]) => f.endsWith('.js'))
  .map(([f, o]) => `${f} ${(o.bytes / 1024).toFixed(1)} kB`);
console.log(`bundle: ${bytes.join(', ')} (validators/ beside each, loaded on first use)`);
copyFileSync('dist/openapi.json', 'dist/job-status-web/openapi.json');
// The Web function's start command (docs/web-function.md). SCF runs it from the code root with the
// runtime's node at an absolute path; it must be executable and end lines with LF.
writeFileSync('dist/job-status-web/scf_bootstrap', SCF_BOOTSTRAP, { mode: 0o755 });
chmodSync('dist/job-status-web/scf_bootstrap', 0o755); // mode above is masked by the umask

// function.cache: the bytecode of function.js after one lookup per family against the emulator,
// each in a fresh process. Built here, after generated/ exists, as the trainer imports the
// emulator (scripts/train-code-cache.ts).
await build({ ...node, entryPoints: ['scripts/train-code-cache.ts'], outdir: 'dist/.build', packages: 'external' });
execFileSync(process.execPath, ['dist/.build/train-code-cache.js', 'dist/job-status'], { stdio: 'inherit' });

// Dev tools and the deploy CLI keep node_modules external: they run from a checkout, never on SCF.
await build({
  ...node,
  entryPoints: {
    'dev/start': 'dev/start.ts',
    'dev/emulator-cli': 'dev/emulator/cli.ts',
    'dev/load': 'dev/load.ts',
    'deploy/cli': 'scripts/deploy/cli.ts',
  },
  outdir: 'dist',
  packages: 'external',
  sourcemap: true,
});

// The typed client for users: one ESM file, no dependencies, for browsers and Node alike.
await build({
  entryPoints: ['client/index.ts'],
  outfile: 'dist/client/index.mjs',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
});
// Its typings as one file beside it: copied together as x.mjs + x.d.mts, TypeScript finds them.
// tsconfig.client.json keeps the program to client/ alone (the whole project takes ~10 s, this ~2 s).
execFileSync(
  process.execPath,
  [
    'node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js',
    ...['--silent', '--no-check', '--no-banner', '--project', 'tsconfig.client.json'],
    ...['-o', 'dist/client/index.d.mts', 'client/index.ts'],
  ],
  { stdio: 'inherit' },
);
// …and its package.json, so dist/client is the installable package (npm run pack:client).
copyFileSync('client/package.json', 'dist/client/package.json');

// The demo page npm start serves at /: plain HTML plus the client, bundled for browsers.
await build({
  entryPoints: ['dev/demo/demo.ts'],
  outfile: 'dist/demo/demo.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
});
copyFileSync('dev/demo/index.html', 'dist/demo/index.html');
