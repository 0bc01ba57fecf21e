/**
 * The Web function package as the build writes it (dist/job-status-web/): a scf_bootstrap that
 * follows Tencent's start-command rules, and an index.js that, run the way scf_bootstrap runs it,
 * listens and answers, then ends cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', 'dist', 'job-status-web');

test('scf_bootstrap: bash, executable, LF only, the runtime node by absolute path, 0.0.0.0:9000', () => {
  const text = readFileSync(join(DIR, 'scf_bootstrap'), 'utf8');
  expect(statSync(join(DIR, 'scf_bootstrap')).mode & 0o777).toBe(0o755);
  expect(text.startsWith('#!/bin/bash\n')).toBe(true);
  expect(text).not.toContain('\r');
  expect(text.endsWith('\n')).toBe(true);
  expect(text).toContain('export PORT=9000\n');
  expect(text).toContain('export HOST=0.0.0.0\n');
  // exec: node becomes the process SCF signals; the path is the Nodejs20 runtime's.
  expect(text).toMatch(/^exec \/var\/lang\/node20\/bin\/node "\$\(dirname "\$0"\)\/index\.js"$/m);
});

test('the package is self-contained: index.js, openapi.json and validators/ beside the bootstrap', () => {
  expect(statSync(join(DIR, 'index.js')).size).toBeGreaterThan(0);
  expect(JSON.parse(readFileSync(join(DIR, 'openapi.json'), 'utf8')).openapi).toBe('3.1.0');
  // Nothing required from node_modules (not deployed): node's own modules only. (A require inside a
  // string literal, as ajv keeps for its code generator, is not a call.)
  // The validators it loads on first use are files inside the package (./validators/…): each must
  // be there and itself need nothing but node's modules.
  const requiresOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?<!['"])require\("([^"]+)"\)/g)].map((m) => m[1]!);
  const requires = requiresOf(join(DIR, 'index.js'));
  expect(requires.length).toBeGreaterThan(0);
  const local = requires.filter((r) => r.startsWith('./validators/'));
  expect(local.length).toBeGreaterThan(0);
  for (const r of local) expect(requiresOf(join(DIR, r)).filter((x) => !x.startsWith('node:'))).toEqual([]);
  expect(requires.filter((r) => !r.startsWith('node:') && !r.startsWith('./validators/'))).toEqual([]);
});

describe('index.js run as a process', () => {
  let child: ChildProcess;
  let output = '';
  afterEach(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  test('listens on PORT, answers, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, [join(DIR, 'index.js')], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const started = Date.now();
    let port: number | undefined;
    while (port === undefined) {
      if (Date.now() - started > 10_000 || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
      port = Number(/"msg":"listening","port":(\d+)/.exec(output)?.[1]) || undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('a PORT that is not a port number stops the start with a clear message', async () => {
    child = spawn(process.execPath, [join(DIR, 'index.js')], {
      env: { PATH: process.env.PATH, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain('PORT must be a port number');
  });
});
