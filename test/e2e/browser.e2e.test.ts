/**
 * A real browser (Debian's Chromium, driven by playwright-core) opens the demo page from one origin
 * and follows an emulator job through the function on another origin: the web-mode server (as
 * npm start runs it), where the page follows the job through one Server-Sent Events stream, and an
 * event function, where it falls back to long-polling. An allowed origin gets to 100 %; a disallowed
 * origin is stopped by the browser's own CORS check. A credential typed into the page gets through
 * AUTH_MODE=apikey; a Failed job looks failed; an error never sits beside an old job; a phone-width
 * screen has no sideways scrolling. Screenshots go to test-artifacts/.
 *
 * The browser is CHROMIUM_PATH or one of the common install paths (helpers/chromium.ts). Without
 * one, these tests are skipped with a message locally and fail in CI (CI=true).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { startDemoServer } from '../../dev/demo/serve-demo';
import { findChromium } from '../helpers/chromium';
import { closeServer, startLocalStack } from '../helpers/local-stack';
import { MEDIA_SUCCESS } from '../helpers/seed-jobs';
import { startWebStack } from '../helpers/web-stack';

const lookup = findChromium();
const CHROMIUM = 'path' in lookup ? lookup.path : undefined;
if (!CHROMIUM && !process.env.CI) console.warn(`browser.e2e.test.ts skipped: ${'missing' in lookup ? lookup.missing : ''}`);
// Locally a missing browser skips; in CI it must fail, or the demo would go untested unnoticed.
const describeBrowser = CHROMIUM || process.env.CI ? describe : describe.skip;
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
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

describeBrowser('the demo page in Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(`the browser test needs Chromium: ${'missing' in lookup ? lookup.missing : ''}`);
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

  /**
   * Waits until the page shows Success; returns the progress values the bar showed on the way. The
   * page samples its own bar (every 20 ms, in the browser): sampling from here, one round trip per
   * sample, misses whole phases when other suites load the machine.
   */
  async function followToSuccess(page: Page): Promise<Set<number>> {
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      setInterval(() => seen.push((document.querySelector('#progress') as HTMLProgressElement).value), 20);
    });
    await page.locator('#state[data-state="Success"]').waitFor({ timeout: 20_000 });
    return new Set(await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen));
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
    // One zone on the page, UTC: CI's +0800 times are converted, its own text kept as the tooltip.
    const ended = await page.locator('#ended').textContent();
    const ciEnded = (await page.locator('#ended').getAttribute('title')) ?? '';
    expect(ended).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(ciEnded).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
    expect(Date.parse(`${ended?.replace(' UTC', 'Z').replace(' ', 'T')}`)).toBe(Date.parse(ciEnded.replace(/(\d\d)(\d\d)$/, '$1:$2')));
    expect(history.every((h) => / UTC /.test(h))).toBe(true);
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

  /** Opens the demo from the allowed origin with the form filled in, without starting anything. */
  async function openDemo(params: Record<string, string> = {}, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(`${allowed.url}/?${new URLSearchParams({ api: stack.url, type: 'media', ...params })}`);
    return page;
  }

  const cardText = (page: Page) =>
    page.evaluate(() => ['state', 'percent', 'tag', 'ended', 'code', 'outputs'].map((id) => document.getElementById(id)?.textContent));
  const EMPTY_CARD = ['—', '—', '—', '—', '—', '—'];

  test('a new lookup, an API error or a network failure clears the previous job card', async () => {
    const page = await openDemo({ job: MEDIA_SUCCESS });
    try {
      await page.click('#lookup');
      await page.locator('#state[data-state="Success"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#percent').textContent()).toBe('100 %');

      // An API error: the old Success must not stay beside it.
      await page.fill('#job', 'jnotthere');
      await page.click('#lookup');
      await page.locator('#error.shown').waitFor({ timeout: 10_000 });
      expect(await page.locator('#error strong').textContent()).toBe('JobStatusApiError: 404 NoSuchJob');
      expect(await cardText(page)).toEqual(EMPTY_CARD);
      expect(await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(0);
      expect(await page.locator('#status').getAttribute('data-state')).toBe('');

      // Success again, then a network failure (nothing listens there).
      await page.fill('#job', MEDIA_SUCCESS);
      await page.click('#lookup');
      await page.locator('#state[data-state="Success"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#error').isVisible()).toBe(false);
      const closed = await startDemoServer();
      await closeServer(closed.server);
      await page.fill('#api', closed.url);
      await page.click('#lookup');
      await page.locator('#error.shown').waitFor({ timeout: 10_000 });
      expect(await page.locator('#error strong').textContent()).toBe('JobStatusNetworkError');
      expect(await cardText(page)).toEqual(EMPTY_CARD);
      await page.screenshot({ path: join(ARTIFACTS, 'demo-error-clears-card.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);

  describe('with AUTH_MODE=apikey, as the shipped serverless.yml deploys', () => {
    const KEY = 'demo-page-test-key-0123456789';
    beforeAll(() =>
      stack.setEnv({ ALLOWED_ORIGINS: allowed.url, AUTH_MODE: 'apikey', API_KEY_SHA256: createHash('sha256').update(KEY).digest('hex') }),
    );
    afterAll(() => stack.setEnv({ ALLOWED_ORIGINS: allowed.url }));

    test('without a credential the page shows 401 and says what to do', async () => {
      const page = await openDemo({ job: MEDIA_SUCCESS });
      try {
        await page.click('#lookup');
        await page.locator('#error.shown').waitFor({ timeout: 10_000 });
        expect(await page.locator('#error strong').textContent()).toBe('JobStatusApiError: 401 Unauthorized');
        expect(await page.locator('#error').textContent()).toContain('choose API key or Bearer token');
      } finally {
        await page.close();
      }
    }, 30_000);

    test.each([
      ['apikey', 'x-api-key'],
      ['bearer', 'authorization'],
    ])(
      'a key typed in as %s follows a job cross-origin (preflighted), and is kept nowhere but memory',
      async (kind, header) => {
        const page = await openDemo({ job: `move-success-1500ms-${kind}${Date.now()}` });
        const sent: Array<string | undefined> = [];
        // (The preflight itself is not reported to page events; that these calls got answers at all is
        // the proof the function allowed the credential header.)
        page.on('request', (r) => void (r.url().startsWith(stack.url) && sent.push(r.headers()[header])));
        try {
          await page.selectOption('#credential-kind', kind);
          await page.fill('#credential', KEY);
          await page.click('#follow');
          await page.locator('#state[data-state="Success"]').waitFor({ timeout: 20_000 });
          expect(await page.locator('#error').isVisible()).toBe(false);
          expect(sent.length).toBeGreaterThanOrEqual(1);
          expect(sent.every((v) => v === (kind === 'apikey' ? KEY : `Bearer ${KEY}`))).toBe(true);
          const stored = await page.evaluate(() => ({
            url: location.href,
            local: JSON.stringify({ ...localStorage }),
            session: JSON.stringify({ ...sessionStorage }),
            cookie: document.cookie,
          }));
          expect(JSON.stringify(stored)).not.toContain(KEY);
        } finally {
          await page.close();
        }
      },
      40_000,
    );
  });

  test('a Failed job shows as failed: red state and a red bar, with its code and message', async () => {
    const page = await openDemo({ job: `move-failed-1000ms-browser${Date.now()}` });
    try {
      await page.click('#follow');
      await page.locator('#state[data-state="Failed"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('#status').getAttribute('data-state')).toBe('Failed');
      const colours = await page.evaluate(() => ({
        bar: getComputedStyle(document.getElementById('progress') as HTMLElement).accentColor,
        pill: getComputedStyle(document.getElementById('state') as HTMLElement).backgroundColor,
      }));
      expect(colours).toEqual({ bar: 'rgb(192, 40, 40)', pill: 'rgb(251, 224, 224)' });
      expect(await page.locator('#code').textContent()).toBe('InvalidInput The input file is not a valid media file');
      await page.screenshot({ path: join(ARTIFACTS, 'demo-failed.png'), fullPage: true });

      // A running job, by contrast, keeps the blue bar.
      await page.fill('#job', `move-success-60000ms-running${Date.now()}`);
      await page.click('#follow');
      await page.locator('#state[data-state="Running"]').waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => getComputedStyle(document.getElementById('progress') as HTMLElement).accentColor)).toBe(
        'rgb(47, 111, 206)',
      );
      await page.click('#stop');
    } finally {
      await page.close();
    }
  }, 60_000);

  test('at phone width (360 px) the page fits: no sideways scrolling, with a job and with an error', async () => {
    const page = await openDemo({ job: `move-success-1000ms-phone-with-a-rather-long-id${Date.now()}` }, { width: 360, height: 740 });
    const overflow = () =>
      page.evaluate(() => {
        const doc = document.documentElement;
        const wide = Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 0.5)
          .map((el) => el.id || el.tagName);
        return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide };
      });
    try {
      expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(360);
      await page.click('#follow');
      await page.locator('#state[data-state="Success"]').waitFor({ timeout: 20_000 });
      expect(await overflow()).toEqual({ scrollWidth: 360, clientWidth: 360, wide: [] });
      await page.screenshot({ path: join(ARTIFACTS, 'demo-phone.png'), fullPage: true });

      await page.fill('#job', 'jnotthere');
      await page.click('#lookup');
      await page.locator('#error.shown').waitFor({ timeout: 10_000 });
      expect(await overflow()).toEqual({ scrollWidth: 360, clientWidth: 360, wide: [] });
      await page.screenshot({ path: join(ARTIFACTS, 'demo-phone-error.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 40_000);
});
