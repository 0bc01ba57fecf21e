/**
 * `npm start` smoke: the built local runner starts the emulator and the function, and every curl
 * line it prints answers as promised. Runs the real process, as a user would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FAMILIES, isJobFamily } from '../../shared/ci/families';

let child: ChildProcess;
let output = '';

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  for (const name of ['CI_ENDPOINT', 'CI_BUCKET', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SESSIONTOKEN'])
    delete env[name];
  child = spawn(process.execPath, [join('dist', 'dev', 'start.js')], {
    cwd: join(__dirname, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  // Generous: the machine may be busy with other suites and builds.
  const started = Date.now();
  while (!output.includes('Ctrl-C to stop')) {
    if (Date.now() - started > 40_000 || child.exitCode !== null) throw new Error(`start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(() => {
  child.kill();
});

test('prints the URL and curl examples that work', async () => {
  const curls = output.split('\n').filter((l) => l.trim().startsWith('curl '));
  expect(curls.length).toBeGreaterThanOrEqual(8); // health, openapi, four families, a long-poll, one POST
  for (const line of curls) {
    const url = /(http:\/\/127\.0\.0\.1:\d+\/[^\s']*)/.exec(line)![1]!;
    const body = /-d '([^']+)'/.exec(line)?.[1];
    const res = await fetch(url, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body } : {});
    expect([line, res.status]).toEqual([line, 200]);
    if (url.endsWith('/events')) {
      // npm start runs web mode: the stream follows the moving job to its end and closes.
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const text = await res.text();
      expect(text).toContain('"State":"Success"');
      expect(text.trimEnd().endsWith('event: end\ndata: {"reason":"terminal"}')).toBe(true);
      continue;
    }
    const json = await res.json();
    if (url.endsWith('/openapi.json')) expect(json.openapi).toBe('3.1.0');
    else if (!url.endsWith('/health')) {
      // The family's list: JobsDetail, or WorkflowExecution for /jobs/workflow/….
      const type = /\/jobs\/([a-z-]+)\//.exec(url)?.[1];
      const list = type !== undefined && isJobFamily(type) ? FAMILIES[type].list : 'JobsDetail';
      expect(json[list].length).toBeGreaterThanOrEqual(1);
    }
  }
  expect(curls.some((l) => l.includes('?wait=20'))).toBe(true);
  expect(curls.some((l) => l.endsWith('/events'))).toBe(true);
});

test('serves the demo page and its script at the printed address', async () => {
  const page = /Demo page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!;
  const html = await fetch(page);
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const text = await html.text();
  expect(text).toContain('<progress id="progress"');
  expect(text).toContain('<script type="module" src="demo.js">');
  const script = await fetch(new URL('demo.js', page));
  expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(await script.text()).toContain('waitForJob');
});

describe('when it cannot start, it says what to change, without a stack trace', () => {
  /** Runs start.js to its exit; resolves with its exit code and everything it printed. */
  const runStart = (vars: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
      for (const name of ['CI_ENDPOINT', 'CI_BUCKET', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SESSIONTOKEN'])
        delete env[name];
      execFile(
        process.execPath,
        [join('dist', 'dev', 'start.js')],
        { cwd: join(__dirname, '..', '..'), env, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, out: `${stdout}${stderr}` }),
      );
    });
  const noStack = (out: string) => expect(out).not.toMatch(/^\s+at /m);

  let busy: ReturnType<typeof createServer>;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  test('PORT busy: names PORT and the port', async () => {
    const { code, out } = await runStart({ PORT: String(busyPort) });
    expect(code).toBe(1);
    expect(out).toContain(
      `npm start failed: port ${busyPort} on 127.0.0.1 is already in use (another npm start?): set PORT to a free port`,
    );
    noStack(out);
  }, 40_000);

  test('EMULATOR_PORT busy: names EMULATOR_PORT', async () => {
    const { code, out } = await runStart({ PORT: '0', EMULATOR_PORT: String(busyPort) });
    expect(code).toBe(1);
    expect(out).toContain(`npm start failed: CI emulator: port ${busyPort} on 127.0.0.1 is already in use`);
    expect(out).toContain('set EMULATOR_PORT to a free port');
    noStack(out);
  }, 40_000);

  test('PORT that is not a port: says so', async () => {
    const { code, out } = await runStart({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(out).toContain('npm start failed: PORT=eighty is not a port: use 0–65535');
    noStack(out);
  }, 40_000);
});
