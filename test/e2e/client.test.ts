/**
 * The typed client in Node against the npm start stack (local server → built bundle → CI emulator)
 * over loopback HTTP, with emulator jobs that really move. The packed, installed client is tested
 * in client-package.test.ts.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import {
  JobStatusApiError,
  JobStatusNetworkError,
  JobStatusTimeoutError,
  JobStatusUnexpectedResponseError,
  type MediaJob,
  createJobStatusClient,
} from '../../client';
import { parseRetryAfter } from '../../client/request';
import { closeServer, startLocalStack } from '../helpers/local-stack';
import { MEDIA_RUNNING, MEDIA_SUCCESS, PIC, movingJobId as unique } from '../helpers/seed-jobs';

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let calls: string[] = [];
/** When each call in `calls` started (Date.now()), for the pacing tests. */
let callTimes: number[] = [];
let logSpy: jest.SpyInstance;
const countingFetch: typeof fetch = (input, init) => {
  calls.push(String(input));
  callTimes.push(Date.now());
  return fetch(input, init);
};
const api = () => createJobStatusClient({ baseUrl: `${stack.url}/`, fetch: countingFetch });

beforeAll(async () => {
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack.close();
  logSpy.mockRestore();
});
beforeEach(() => {
  calls = [];
  callTimes = [];
  stack.setEnv();
  stack.emulator.fault = undefined;
});

describe('getJobs and queryJobs', () => {
  test('getJobs answers the typed envelope, ids in order, unknown ones listed', async () => {
    const envelope = await api().getJobs('media', [MEDIA_RUNNING, MEDIA_SUCCESS, 'jnotthere']);
    expect(envelope.JobsDetail.map((j) => j.JobId)).toEqual([MEDIA_RUNNING, MEDIA_SUCCESS]);
    expect(envelope.NonExistJobIds).toEqual(['jnotthere']);
    expect(calls).toEqual([`${stack.url}/jobs/media/${MEDIA_RUNNING},${MEDIA_SUCCESS},jnotthere`]);
  });

  test('getJobs passes bucket and region; the API error arrives typed, with its envelope', async () => {
    const err = await api()
      .getJobs('pic', PIC, { bucket: 'otherbucket-1250000000', region: 'ap-beijing' })
      .catch((e: unknown) => e);
    expect(calls[0]).toBe(`${stack.url}/jobs/pic/${PIC}?bucket=otherbucket-1250000000&region=ap-beijing`);
    expect(err).toBeInstanceOf(JobStatusApiError);
    const apiError = err as JobStatusApiError;
    expect([apiError.status, apiError.code]).toEqual([403, 'BucketNotAllowed']);
    expect(apiError.envelope.Error.Message).toBe(apiError.message.replace(/^403 BucketNotAllowed: /, ''));
    expect(apiError.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('one unknown id is a typed 404 NoSuchJob', async () => {
    await expect(api().getJobs('media', 'jnotthere')).rejects.toMatchObject({ name: 'JobStatusApiError', status: 404, code: 'NoSuchJob' });
  });

  test('ids are percent-encoded, so nothing odd reaches the path unescaped', async () => {
    await expect(api().getJobs('media', 'a/b')).rejects.toMatchObject({ status: 400, code: 'InvalidJobId' });
    expect(calls[0]).toBe(`${stack.url}/jobs/media/a%2Fb`);
  });

  test('queryJobs posts JSON and answers the family envelope', async () => {
    const envelope = await api().queryJobs({ type: 'pic', jobIds: [PIC, 'cnotthere'] });
    const tag: string | undefined = envelope.JobsDetail[0]?.Tag;
    expect([tag, envelope.NonExistJobIds]).toEqual(['PicProcess', ['cnotthere']]);
  });

  test('a server that is not the API gives JobStatusUnexpectedResponseError', async () => {
    const html = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', () => r()));
    const client = createJobStatusClient({ baseUrl: `http://127.0.0.1:${(html.address() as AddressInfo).port}` });
    const err = await client.getJobs('media', 'j1').catch((e: unknown) => e);
    await closeServer(html);
    expect(err).toBeInstanceOf(JobStatusUnexpectedResponseError);
    expect(err).toMatchObject({ status: 502, bodySnippet: '<html>Bad Gateway</html>' });
  });

  test('nothing listening gives JobStatusNetworkError', async () => {
    const client = createJobStatusClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(client.getJobs('media', 'j1')).rejects.toBeInstanceOf(JobStatusNetworkError);
  });

  test('an aborted call rejects with the signal reason', async () => {
    const controller = new AbortController();
    const pending = api().getJobs('media', MEDIA_RUNNING, { wait: 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('waitForJob', () => {
  test('follows a job Submitted → Running → Success with a handful of long-poll calls', async () => {
    const id = unique('move-success-2500ms');
    const seen: Array<[string, number | string | null | undefined]> = [];
    const job = await api().waitForJob('media', id, { onProgress: (j: MediaJob) => seen.push([j.State, j.Progress]) });
    expect(job).toMatchObject({ JobId: id, State: 'Success', Progress: 100 });
    expect(seen[0]).toEqual(['Submitted', 0]);
    expect(seen.at(-1)).toEqual(['Success', 100]);
    expect(seen.some(([s]) => s === 'Running')).toBe(true);
    const progress = seen.map(([, p]) => (typeof p === 'number' ? p : 0));
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes backwards
    expect(new Set(seen.map(([s, p]) => `${s}/${p}`)).size).toBe(seen.length); // reported once per change
    expect(calls[0]).toMatch(/\?wait=0$/); // where the job is now, at once
    expect(calls.slice(1).every((url) => /\?wait=20$/.test(url))).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(6); // ~1 s apart at most once per change, not a tight loop
  });

  test('resolves with the job when it ends Failed (the caller checks State)', async () => {
    const job = await api().waitForJob('media', unique('move-failed-1000ms'));
    expect(job.State).toBe('Failed');
    expect(job.Code).toBe('InvalidInput');
  });

  test('a job that is already done costs one call', async () => {
    expect((await api().waitForJob('media', MEDIA_SUCCESS)).State).toBe('Success');
    expect(calls).toHaveLength(1);
  });

  test('an unknown job fails at once with NoSuchJob, without retrying', async () => {
    await expect(api().waitForJob('media', 'jnotthere')).rejects.toMatchObject({ status: 404, code: 'NoSuchJob' });
    expect(calls).toHaveLength(1);
  });

  test('timeoutMs ends the wait with JobStatusTimeoutError carrying the last state seen', async () => {
    const started = Date.now();
    const err = await api()
      .waitForJob('media', MEDIA_RUNNING, { timeoutMs: 1200 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobStatusTimeoutError);
    expect((err as JobStatusTimeoutError<MediaJob>).lastJob).toMatchObject({ State: 'Running', Progress: 30 });
    // The job never ends: without the timeout this would wait until jest gives up.
    expect(Date.now() - started).toBeLessThan(6000);
  });

  test('an AbortSignal stops it mid-wait with the signal reason', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('user left the page')), 300);
    // waitSeconds 1 keeps the abandoned server-side wait short, so nothing outlives the test.
    await expect(
      api().waitForJob('media', MEDIA_RUNNING, { signal: controller.signal, waitSeconds: 1, minIntervalMs: 50 }),
    ).rejects.toThrow('user left the page');
    // The job never ends: without the abort this would wait until jest gives up.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('transient CI failures are retried with backoff, then the job is followed to the end', async () => {
    // Long enough that the first answer, after the function's own retries, is not the last one.
    const id = unique('move-success-2500ms');
    let failing = 2;
    stack.emulator.fault = () => (failing-- > 0 ? { status: 503, code: 'ServiceUnavailable' } : undefined);
    const job = await api().waitForJob('media', id, { minIntervalMs: 100 });
    expect(job.State).toBe('Success');
    expect(calls.length).toBeGreaterThanOrEqual(3);
  });

  test('gives up after `retries` consecutive failures and throws the last one', async () => {
    stack.emulator.fault = () => ({ status: 503, code: 'ServiceUnavailable' });
    const err = await api()
      .waitForJob('media', MEDIA_RUNNING, { retries: 2, minIntervalMs: 50 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'UpstreamError' });
    expect(calls).toHaveLength(3);
  });

  test('a 503 UpstreamThrottled is retried after its Retry-After, not after the short backoff', async () => {
    // CI keeps answering 429 with Retry-After: 2; with an 800 ms budget the function does not wait
    // itself but answers 503 UpstreamThrottled + Retry-After: 2, which the client must honour.
    stack.setEnv({ UPSTREAM_TIMEOUT_MS: '800', CACHE_ACTIVE_TTL_MS: '0', CACHE_TERMINAL_TTL_S: '0' });
    let throttled = 1;
    stack.emulator.fault = () => (throttled-- > 0 ? { status: 429, code: 'SlowDown', retryAfter: '2' } : undefined);
    const job = await api().waitForJob('media', MEDIA_SUCCESS, { minIntervalMs: 50 });
    expect(job.State).toBe('Success');
    expect(callTimes).toHaveLength(2);
    expect(callTimes[1]! - callTimes[0]!).toBeGreaterThanOrEqual(1990); // backoff alone would be ≤ 50 ms
  });

  test('the throttled answer carries retryAfterMs on the typed error', async () => {
    stack.setEnv({ UPSTREAM_TIMEOUT_MS: '800', CACHE_ACTIVE_TTL_MS: '0', CACHE_TERMINAL_TTL_S: '0' });
    stack.emulator.fault = () => ({ status: 429, code: 'SlowDown', retryAfter: '3' });
    const err = await api()
      .getJobs('media', MEDIA_RUNNING)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobStatusApiError);
    expect(err).toMatchObject({ status: 503, code: 'UpstreamThrottled', retryAfterMs: 3000 });
  });

  test('without long-poll (waitSeconds 0) it still paces itself, backing off while nothing changes', async () => {
    // Time is the test's: each pause moves a virtual clock, and the wait ends when it passes 1.6 s.
    let t = 0;
    const pauses: number[] = [];
    const stop = new AbortController();
    const sleep = (ms: number) => {
      pauses.push(ms);
      t += ms;
      if (t > 1600) stop.abort(new Error('virtual time is up'));
      return Promise.resolve();
    };
    await expect(
      api().waitForJob('media', MEDIA_RUNNING, { waitSeconds: 0, minIntervalMs: 100, signal: stop.signal, now: () => t, sleep }),
    ).rejects.toThrow('virtual time is up');
    // The first answer is news: one minimum interval; then every answer without news doubles it.
    expect(pauses).toEqual([100, 200, 400, 800, 1600]);
    expect(callTimes).toHaveLength(pauses.length); // one call before each pause, none after the stop
  });
});

describe('headers', () => {
  const SECRET = 'a-jwt-secret-for-the-client-test-32b+';
  const signToken = (n: number) =>
    new SignJWT({ n })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://idp.example')
      .setAudience('ci-job-status')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(SECRET));

  test('an async headers function runs before every call: each long-poll round carries a fresh JWT', async () => {
    // jwt mode requires an issuer and an audience (a shared key set would otherwise take any app's tokens).
    stack.setEnv({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'ci-job-status' });
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get('authorization') ?? '');
      return countingFetch(input, init);
    };
    let minted = 0;
    const client = createJobStatusClient({
      baseUrl: stack.url,
      fetch: recording,
      headers: async () => ({ authorization: `Bearer ${await signToken(++minted)}` }),
    });
    const job = await client.waitForJob('media', unique('move-success-1500ms'));
    expect(job.State).toBe('Success');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(minted).toBe(sent.length);
    expect(new Set(sent).size).toBe(sent.length); // a different token on every call
    // Without the function the same server refuses: the token really was what let the calls in.
    await expect(api().getJobs('media', MEDIA_SUCCESS)).rejects.toMatchObject({ status: 401, code: 'Unauthorized' });
  });

  test('a sync headers function works too, and its failure rejects the call with its own error', async () => {
    stack.setEnv({ AUTH_MODE: 'apikey', API_KEY_SHA256: createHash('sha256').update('the-key').digest('hex') });
    const ok = createJobStatusClient({ baseUrl: stack.url, fetch: countingFetch, headers: () => ({ 'x-api-key': 'the-key' }) });
    expect((await ok.getJobs('media', MEDIA_SUCCESS)).JobsDetail[0]?.State).toBe('Success');
    const refreshFailed = new Error('token refresh failed');
    const broken = createJobStatusClient({ baseUrl: stack.url, fetch: countingFetch, headers: () => Promise.reject(refreshFailed) });
    calls = [];
    await expect(broken.getJobs('media', MEDIA_SUCCESS)).rejects.toBe(refreshFailed);
    expect(calls).toEqual([]); // nothing was sent without the credential
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  test.each<[string | null, number | undefined]>([
    ['2', 2000],
    [' 0 ', 0],
    ['Thu, 26 Nov 2026 10:00:05 GMT', 5000],
    ['Thu, 26 Nov 2026 09:59:00 GMT', 0], // already past: retry now, never a negative wait
    ['soon', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j → %j ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});
