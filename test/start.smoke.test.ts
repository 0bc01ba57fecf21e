/**
 * `npm start` smoke: the built local runner starts the emulator and the function, and every curl
 * line it prints answers as promised. Runs the real process, as a user would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

let child: ChildProcess;
let output = '';

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  for (const name of ['CI_ENDPOINT', 'CI_BUCKET', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SESSIONTOKEN']) delete env[name];
  child = spawn(process.execPath, [join('dist', 'dev', 'start.js')], { cwd: join(__dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const started = Date.now();
  while (!output.includes('Ctrl-C to stop')) {
    if (Date.now() - started > 10_000 || child.exitCode !== null) throw new Error(`start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

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
    else if (!url.endsWith('/health')) expect(json.JobsDetail.length).toBeGreaterThanOrEqual(1);
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
