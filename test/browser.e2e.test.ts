/**
 * A real browser (Debian's Chromium, driven by playwright-core) opens the demo page from one origin
 * and follows an emulator job through the function on another origin: the web-mode server (as
 * npm start runs it), where the page follows the job through one Server-Sent Events stream, and an
 * event function, where it falls back to long-polling. An allowed origin gets to 100 %; a disallowed
 * origin is stopped by the browser's own CORS check. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { startDemoServer } from '../dev/demo/serve-demo';
import { closeServer, startLocalStack } from './helpers/local-stack';
import { startWebStack } from './helpers/web-stack';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let stack: Awaited<ReturnType<typeof startWebStack>>;
let eventMode: Awaited<ReturnType<typeof startLocalStack>>;
let allowed: Awaited<ReturnType<typeof startDemoServer>>;
let disallowed: Awaited<ReturnType<typeof startDemoServer>>;
let browser: BrowserContext;
let profile: string;
let logSpy: jest.SpyInstance;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`);
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  stack = await startWebStack();
  eventMode = await startLocalStack();
  allowed = await startDemoServer();
  disallowed = await startDemoServer();
  // Env is read per invocation, so the page's origin can be allowed once its port is known.
  stack.setEnv({ ALLOWED_ORIGINS: allowed.url });
  mkdirSync(ARTIFACTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  // A persistent context is how playwright takes a fresh --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await Promise.all([allowed && closeServer(allowed.server), disallowed && closeServer(disallowed.server)]);
  await stack?.close();
  await eventMode?.close();
  logSpy?.mockRestore();
});

const demoUrl = (origin: string, job: string, api = stack.url) =>
  `${origin}/?${new URLSearchParams({ api, type: 'media', job, follow: '1' })}`;

/** Samples the progress bar until the page shows Success; returns the values seen on the way. */
async function followToSuccess(page: Page): Promise<Set<number>> {
  const progressSeen = new Set<number>();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    progressSeen.add(await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value));
    if ((await page.locator('#state').textContent()) === 'Success') break;
    await page.waitForTimeout(100);
  }
  await page.locator('#state[data-state="Success"]').waitFor({ timeout: 1000 });
  return progressSeen;
}

test('from an allowed origin the page follows a job through the event stream to 100 %', async () => {
  const page = await browser.newPage();
  const job = `move-success-4000ms-browser${Date.now()}`;
  await page.goto(demoUrl(allowed.url, job));
  expect(allowed.url).not.toBe(stack.url); // really cross-origin: the API is on another port

  const progressSeen = await followToSuccess(page);
  expect(await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(100);
  expect(await page.locator('#percent').textContent()).toBe('100 %');
  // It moved through the middle, not straight from nothing to done.
  expect([...progressSeen].some((p) => p > 0 && p < 100)).toBe(true);
  const history = await page.locator('#history li').allTextContents();
  expect(history[0]).toMatch(/Submitted 0 %$/);
  expect(history.at(-1)).toMatch(/Success 100 %$/);
  expect(history.filter((h) => h.includes('Success'))).toHaveLength(1); // each state shown once
  expect(await page.locator('#ended').textContent()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
  expect(await page.locator('#outputs').textContent()).toContain(`written: output/${job}.mp4`);
  expect(JSON.parse((await page.locator('#raw').textContent()) ?? '')).toMatchObject({ JobId: job, State: 'Success' });
  // One call: the whole run came through a single Server-Sent Events stream.
  expect(Number(await page.locator('#calls').textContent())).toBe(1);
  expect(await page.locator('#transport').textContent()).toBe('event stream (SSE)');
  expect(await page.locator('#error').isVisible()).toBe(false);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-success.png'), fullPage: true });
  await page.close();
}, 30_000);

test('against an event function (no stream: 501) the page falls back to long-polling and still gets to 100 %', async () => {
  // Both servers run in this process and read the same environment, set up by stack.setEnv.
  const page = await browser.newPage();
  const job = `move-success-3000ms-fallback${Date.now()}`;
  await page.goto(demoUrl(allowed.url, job, eventMode.url));
  const progressSeen = await followToSuccess(page);
  expect(await page.locator('#percent').textContent()).toBe('100 %');
  expect([...progressSeen].some((p) => p > 0 && p < 100)).toBe(true);
  expect(await page.locator('#transport').textContent()).toBe('long-poll');
  // The stream was asked for once, then long-polls: a handful of calls for a three-second job.
  expect(Number(await page.locator('#calls').textContent())).toBeLessThanOrEqual(8);
  expect(await page.locator('#error').isVisible()).toBe(false);
  await page.close();
}, 30_000);

test('from a disallowed origin the browser blocks the answer (CORS), and the page says so', async () => {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  const job = `move-success-4000ms-blocked${Date.now()}`;
  stack.emulator.requests.length = 0;
  await page.goto(demoUrl(disallowed.url, job));

  await page.locator('#error.shown').waitFor({ timeout: 15_000 });
  expect(await page.locator('#error strong').textContent()).toBe('JobStatusNetworkError');
  expect(await page.locator('#error').textContent()).toContain(`ALLOWED_ORIGINS must include ${disallowed.url}`);
  expect(await page.locator('#state').textContent()).toBe('—');
  // The request reached the function (a simple GET needs no preflight)...
  expect(stack.emulator.requests.some((r) => r.path.endsWith(job))).toBe(true);
  // ...and it was the browser that refused to hand the answer to the page.
  expect(consoleErrors.join('\n')).toMatch(/has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header/);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-cors-blocked.png'), fullPage: true });
  await page.close();
}, 30_000);

test('a cross-origin page can read Retry-After on a 503 UpstreamThrottled, so the client can honour it', async () => {
  stack.setEnv({ ALLOWED_ORIGINS: allowed.url, UPSTREAM_TIMEOUT_MS: '800', CACHE_ACTIVE_TTL_MS: '0', CACHE_TERMINAL_TTL_S: '0' });
  stack.emulator.fault = () => ({ status: 429, code: 'SlowDown', retryAfter: '3' });
  const page = await browser.newPage();
  try {
    await page.goto(`${allowed.url}/`);
    const seen = await page.evaluate(async (api) => {
      const res = await fetch(`${api}/jobs/media/jthrottled1`);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), code: (await res.json()).Error.Code };
    }, stack.url);
    // Without retry-after in Access-Control-Expose-Headers the browser would hand the page null.
    expect(seen).toEqual({ status: 503, retryAfter: '3', code: 'UpstreamThrottled' });
  } finally {
    stack.emulator.fault = undefined;
    stack.setEnv({ ALLOWED_ORIGINS: allowed.url });
    await page.close();
  }
}, 30_000);
