// Refuses to test a dist/ older than its sources: many suites run the built bundle, and a stale one
// would test yesterday's code while reporting on today's. `npm test` builds first; `npm run test:unit`
// (jest alone) relies on this check.
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SOURCES = ['shared', 'schemas', 'functions', 'client', 'dev', 'scripts'];
const BUILT = join(ROOT, 'dist', 'job-status', 'index.js');

function newest(dir) {
  let latest = { time: 0, path: dir };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newest(path) : { time: statSync(path).mtimeMs, path };
    if (candidate.time > latest.time) latest = candidate;
  }
  return latest;
}

module.exports = async function refuseStaleBuild() {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (or `npm test`, which builds first)');
  const built = statSync(BUILT).mtimeMs;
  const source = SOURCES.map((d) => newest(join(ROOT, d))).reduce((a, b) => (b.time > a.time ? b : a));
  if (source.time > built)
    throw new Error(
      `dist/ is older than ${source.path.slice(ROOT.length + 1)}: run \`npm run build\` (or \`npm test\`, which builds first)`,
    );
};
