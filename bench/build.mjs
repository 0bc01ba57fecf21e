// Builds the bench (after `npm run build`): the harness with node_modules external, and the SDK
// reference twice, as usually deployed (SDK loaded from node_modules) and bundled + minified.
import { build } from 'esbuild';

const node = { platform: 'node', target: 'node20', bundle: true, format: 'cjs', logLevel: 'warning', legalComments: 'none' };
const names = [
  'run',
  'emulator',
  'cold-start',
  'noop',
  'memory',
  'serve',
  'sdk-reference',
  'floor-function',
  'localhost-dns',
  'fleet',
  'serve-web',
  'lookup-worker',
  'stages',
];
await build({
  ...node,
  entryPoints: Object.fromEntries(names.map((n) => [`bench/${n}`, `bench/${n}.ts`])),
  outdir: 'dist',
  packages: 'external',
});
await build({ ...node, entryPoints: { 'bench/sdk-reference.bundled': 'bench/sdk-reference.ts' }, outdir: 'dist', minify: true });
