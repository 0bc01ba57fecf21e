/**
 * What a cold instance loads, in fresh Node processes (not jest's sandbox) running the built
 * function as SCF does: at load, the entry point alone (no validator part, no Redis or JWT client);
 * on each family's first lookup, only that family's parts. And the code cache
 * (shared/boot/code-cache.ts): used when it fits, and when it does not (made from another source,
 * refused by V8 under other flags, not deployed) the same answers, compiled from source.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '../../dev/emulator/server';
import { TEST_KEYS, ciEnv } from '../helpers/harness';

const DIST = resolve(__dirname, '..', '..', 'dist', 'job-status');
const run = promisify(execFile);

interface Lookup {
  family: string;
  status: number;
  body: unknown;
  added: string[];
}
interface ColdRun {
  codeCache: string;
  atLoad: string[];
  lookups: Lookup[];
}

// The child: loads the function, then answers one lookup per [family, id], and reports which files
// each step added to require.cache (relative to the function's folder). Plain JS: node runs it as is.
const CHILD = `
const { relative } = require('node:path');
const dir = process.env.FN_DIR;
const fn = require(dir + '/index.js');
const loaded = () => Object.keys(require.cache).map((f) => relative(dir, f));
const out = { codeCache: fn.codeCache, atLoad: loaded(), lookups: [] };
console.log = () => undefined;
(async () => {
  for (const [family, id] of JSON.parse(process.env.JOBS)) {
    const seen = new Set(loaded());
    const res = await fn.main_handler(
      { httpMethod: 'GET', path: '/jobs/' + family + '/' + id, headers: { host: 'cold.test' }, queryString: {}, body: '' },
      { request_id: 'cold-' + family },
    );
    const body = JSON.parse(res.body);
    delete body.RequestId; // the emulator's, new on every call
    out.lookups.push({ family, status: res.statusCode, body, added: loaded().filter((f) => !seen.has(f)) });
  }
  await fn.shutdown();
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();
`;

let emulator: Emulator;
let jobs: [string, string][];
const copies: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ keys: TEST_KEYS, record: false });
  // A media Transcode job first (the parts it needs are known), then the first job of every family.
  const transcode = [...emulator.jobs.values()].find((j) => j.family === 'media' && j.tag === 'Transcode');
  const first = new Map<string, string>();
  for (const job of emulator.jobs.values()) if (job.family !== 'media' && !first.has(job.family)) first.set(job.family, job.jobId);
  jobs = [['media', transcode!.jobId], ...first];
});

afterAll(async () => {
  await emulator.close();
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

async function coldRun(dir: string, nodeFlags: string[] = []): Promise<ColdRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    FN_DIR: dir,
    JOBS: JSON.stringify(jobs),
    ...ciEnv(emulator.endpoint),
    CACHE_TERMINAL_TTL_S: '0',
    CACHE_ACTIVE_TTL_MS: '0',
  };
  const { stdout } = await run(process.execPath, [...nodeFlags, '-e', CHILD], { env, timeout: 60_000 });
  return JSON.parse(stdout) as ColdRun;
}

function copyOfDist(change: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'cold-load-'));
  copies.push(dir);
  cpSync(DIST, dir, { recursive: true });
  change(dir);
  return dir;
}

let reference: ColdRun;

test('a cold start loads the entry point only; a family’s first lookup loads only its own parts', async () => {
  reference = await coldRun(DIST);
  // Built by this Node with no V8 flags: the cache fits.
  expect(reference.codeCache).toBe('accepted');
  // function.js is compiled from the cache by the entry point, not through require().
  expect(reference.atLoad).toEqual(['index.js']);
  const [transcode, ...others] = reference.lookups;
  expect(transcode).toMatchObject({ family: 'media', status: 200 });
  expect([...transcode!.added].sort()).toEqual([
    'validators/media/base.js',
    'validators/media/shape.js',
    'validators/media/tags/Transcode.js',
  ]);
  expect(others).toHaveLength(14);
  for (const { family, status, added } of others) {
    expect(status).toBe(200);
    expect(added).toEqual(expect.arrayContaining([`validators/${family}/base.js`, `validators/${family}/shape.js`]));
    for (const file of added) expect(file.startsWith(`validators/${family}/`)).toBe(true);
  }
}, 120_000);

test.each([
  ['stale', 'a cache made from another function.js', (dir: string) => flipFirstByte(join(dir, 'function.cache')), []],
  ['rejected', 'a cache V8 refuses (other V8 flags)', () => undefined, ['--max-old-space-size=200']],
  ['absent', 'no cache deployed', (dir: string) => rmSync(join(dir, 'function.cache')), []],
])(
  '%s: %s gives the same answers, compiled from source',
  async (status, _what, change, flags) => {
    const result = await coldRun(copyOfDist(change), flags);
    expect(result.codeCache).toBe(status);
    expect(result.lookups.map(({ family, status: s, body }) => ({ family, s, body }))).toEqual(
      reference.lookups.map(({ family, status: s, body }) => ({ family, s, body })),
    );
    expect(result.atLoad).toEqual(['index.js']);
  },
  120_000,
);

function flipFirstByte(file: string): void {
  const bytes = readFileSync(file);
  bytes[0] = bytes[0]! ^ 0xff;
  writeFileSync(file, bytes);
}

test('the build trains the cache whatever the builder’s shell has set for the function', async () => {
  // A copy without its cache: the trainer writes a new one there, not into the dist other tests load.
  const dir = copyOfDist((d) => rmSync(join(d, 'function.cache')));
  const trainer = resolve(DIST, '..', '.build', 'train-code-cache.js');
  const env = {
    PATH: process.env.PATH ?? '',
    // Each of these fails a training lookup, or points it at a Redis, if the trainer reads it.
    AUTH_MODE: 'apikey',
    REDIS_URL: 'redis://127.0.0.1:1',
    CACHE_TERMINAL_TTL_S: 'not-a-number',
  };
  await run(process.execPath, [trainer, dir], { env, timeout: 120_000 });
  expect((await coldRun(dir)).codeCache).toBe('accepted');
}, 180_000);
