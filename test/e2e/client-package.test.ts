/**
 * The client as a user gets it: `npm run pack:client` output (dist/client packed by npm pack),
 * installed offline into an empty project, imported by name in plain Node against the local stack,
 * and type-checked by a strict TypeScript consumer through the package's `exports`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLocalStack } from '../helpers/local-stack';
import { MEDIA_SUCCESS } from '../helpers/seed-jobs';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

let dir: string;
let tarball: string;
let packed: { name: string; filename: string; files: Array<{ path: string }> };
let stack: Awaited<ReturnType<typeof startLocalStack>>;
let logSpy: jest.SpyInstance;

beforeAll(async () => {
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  dir = mkdtempSync(join(tmpdir(), 'client-package-'));
  const { stdout } = await npm(['pack', join(ROOT, 'dist', 'client'), '--pack-destination', dir, '--json'], dir);
  packed = (JSON.parse(stdout) as Array<typeof packed>)[0] as typeof packed;
  tarball = join(dir, packed.filename);
  stack = await startLocalStack();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
  logSpy.mockRestore();
});

test('the tarball holds the ESM bundle, its typings and a package.json with exports and no dependencies', () => {
  expect(packed.files.map((f) => f.path).sort()).toEqual(['index.d.mts', 'index.mjs', 'package.json']);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'client', 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({
    name: packed.name,
    type: 'module',
    exports: { '.': { types: './index.d.mts', default: './index.mjs' } },
  });
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) expect(manifest[field]).toBeUndefined();
  // The bundle imports nothing: it runs wherever fetch does.
  expect(readFileSync(join(ROOT, 'dist', 'client', 'index.mjs'), 'utf8')).not.toMatch(/^\s*import\s|require\(/m);
});

test('installed offline into an empty project, it imports by name, calls the API and type-checks strictly', async () => {
  const app = join(dir, 'app');
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --offline: with no dependencies, the tarball alone is the whole install.
  await npm(['install', '--offline', tarball], app);

  const script = `
    import { createJobStatusClient, JobStatusApiError } from '${packed.name}';
    const api = createJobStatusClient({ baseUrl: process.argv[2], headers: async () => ({ 'x-trace': 'fresh' }) });
    const envelope = await api.getJobs('media', '${MEDIA_SUCCESS}');
    const err = await api.getJobs('media', 'jnotthere').catch((e) => e);
    console.log(JSON.stringify({ state: envelope.JobsDetail[0].State, typed: err instanceof JobStatusApiError, code: err.code }));
  `;
  writeFileSync(join(app, 'run.mjs'), script);
  const { stdout } = await run(process.execPath, ['run.mjs', stack.url], { cwd: app });
  expect(JSON.parse(stdout)).toEqual({ state: 'Success', typed: true, code: 'NoSuchJob' });

  writeFileSync(
    join(app, 'consumer.mts'),
    `import { createJobStatusClient, JobStatusApiError, type MediaJob, type MediaTranscodeJob } from '${packed.name}';
const api = createJobStatusClient({ baseUrl: 'https://example.test', headers: () => ({ authorization: 'Bearer t' }) });
const envelope = await api.getJobs('media', ['j1']);
const state: string = envelope.JobsDetail[0]!.State;
const job: MediaJob = await api.waitForJob('media', 'j1', { timeoutMs: 1000 });
if (job.Tag === 'Snapshot') console.log(job.Operation?.Snapshot?.Count);
try { await api.queryJobs({ type: 'ai', jobIds: ['a1'] }); } catch (e) { if (e instanceof JobStatusApiError) console.log(e.code, e.retryAfterMs ?? 0); }
const t: MediaTranscodeJob['Tag'] = 'Transcode';
// @ts-expect-error: not a family
await api.getJobs('video', 'j1');
// @ts-expect-error: Progress is a number
const p: string = envelope.JobsDetail[0]!.Progress;
console.log(state, t, p);
`,
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    '--noEmit',
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--lib',
    'es2022,dom',
    'consumer.mts',
  ];
  await expect(run(process.execPath, [tsc, ...args], { cwd: app })).resolves.toMatchObject({ stdout: '' });

  // Without the package's typings the same file is an implicit-any import: the check above used them.
  rmSync(join(app, 'node_modules', packed.name, 'index.d.mts'));
  const bare = await run(process.execPath, [tsc, ...args], { cwd: app }).catch((e: { stdout: string }) => e);
  expect(bare.stdout).toContain('TS7016');
}, 300_000);
