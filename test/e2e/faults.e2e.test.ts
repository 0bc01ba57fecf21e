/**
 * The fault matrix: the built bundle against an emulator that misbehaves in every way the issue
 * lists. Each row asserts the answer (status, code), how many upstream attempts were made, a time
 * bound, and — for the whole file — that no promise was left to reject unhandled.
 */
import type { Fault } from '../../dev/emulator/server';
import { functionUrlEvent } from '../helpers/events';
import { startHarness } from '../helpers/harness';
import { scanForSecrets } from '../helpers/secret-scan';

const JOB = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
let h: Awaited<ReturnType<typeof startHarness>>;
const logged = scanForSecrets({ answers: () => h.answers });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  h = await startHarness();
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 50)); // let any stray rejection surface
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  await h.close();
});
// Time bounds here sit between the right answer and the wrong one (waiting out the deadline or a
// stalled CI), with room on both sides: jest runs suites in parallel on a machine that other builds
// share, so a retry or a parse may take far longer than it would alone.
const TIMEOUT_MS = 3000;
const QUICK_MS = 2500; // an answer that did not wait for the deadline
beforeEach(() => {
  h.setEnv({ UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
  h.emulator.requests.length = 0;
  h.emulator.requestCount = 0; // fault indexes count from each test's first request
  h.emulator.fault = undefined;
});

async function lookup(context: object = { request_id: 'faults' }) {
  const started = performance.now();
  const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${JOB}` }), context);
  return { ...res, elapsedMs: performance.now() - started, attempts: h.emulator.requests.length };
}

/** A fault for the first `times` requests only, then normal behaviour. */
const firstN = (times: number, fault: Fault) => (_req: unknown, index: number) => (index < times ? fault : undefined);

const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Response>&lol3;</Response>`;

type Row = [
  name: string,
  status: number,
  code: string,
  attempts: number,
  maxMs: number,
  fault: (req: unknown, index: number) => Fault | undefined,
];

const matrix: Row[] = [
  ['503 twice, then fine', 200, 'ok', 3, QUICK_MS, firstN(2, { status: 503, code: 'ServiceUnavailable' })],
  ['500 on every attempt', 502, 'UpstreamError', 3, QUICK_MS, () => ({ status: 500, code: 'InternalError' })],
  ['502 then fine', 200, 'ok', 2, QUICK_MS, firstN(1, { status: 502, code: 'BadGateway' })],
  ['504 then fine', 200, 'ok', 2, QUICK_MS, firstN(1, { status: 504, code: 'GatewayTimeout' })],
  ['connection reset once', 200, 'ok', 2, QUICK_MS, firstN(1, { reset: true })],
  ['connection reset every time', 502, 'UpstreamUnavailable', 3, QUICK_MS, () => ({ reset: true })],
  ['connection dropped mid-body every time', 502, 'UpstreamUnavailable', 3, QUICK_MS, () => ({ truncateConnection: true })],
  ['403 AccessDenied is not retried', 502, 'UpstreamAccessDenied', 1, QUICK_MS, () => ({ status: 403, code: 'AccessDenied' })],
  ['404 NoSuchBucket is not retried', 502, 'UpstreamError', 1, QUICK_MS, () => ({ status: 404, code: 'NoSuchBucket' })],
  [
    'truncated XML in a complete response',
    502,
    'UpstreamInvalidResponse',
    1,
    QUICK_MS,
    () => ({ body: '<Response><JobsDetail><JobId>x</JobId>' }),
  ],
  ['garbled XML', 502, 'UpstreamInvalidResponse', 1, QUICK_MS, () => ({ body: '<Response><JobsDetail></Response></JobsDetail>' })],
  // Its status shows it was cut by the budget, not the deadline; moving 7 MiB is slow on a busy machine.
  ['7 MiB body (over the 6 MiB answer budget)', 502, 'ResponseTooLarge', 1, TIMEOUT_MS + 2500, () => ({ oversizeBytes: 7 * 1024 * 1024 })],
  ['DOCTYPE entity bomb', 502, 'UpstreamInvalidResponse', 1, QUICK_MS, () => ({ body: bomb })],
  [
    'HTML instead of XML',
    502,
    'UpstreamInvalidResponse',
    1,
    QUICK_MS,
    () => ({ body: '<html><body>gateway</body></html>', contentType: 'text/html' }),
  ],
  ['JSON body on a 200', 502, 'UpstreamInvalidResponse', 1, QUICK_MS, () => ({ body: '{"Response":{}}', contentType: 'application/json' })],
  [
    'JSON error body',
    502,
    'UpstreamAccessDenied',
    1,
    QUICK_MS,
    () => ({ status: 403, body: '{"code":"AccessDenied","message":"no","request_id":"abc123"}', contentType: 'application/json' }),
  ],
  // Cut at the deadline, well before CI's 8 s.
  ['headers never come', 504, 'UpstreamTimeout', 1, TIMEOUT_MS + 2500, () => ({ delayMs: 8000 })],
  ['body stalls after the headers', 504, 'UpstreamTimeout', 1, TIMEOUT_MS + 2500, () => ({ stallBodyMs: 8000 })],
];

describe('fault matrix', () => {
  test.each(matrix)('%s → %i %s, %i attempt(s)', async (_name, status, code, attempts, maxMs, fault) => {
    h.emulator.fault = fault;
    const res = await lookup();
    expect(res.status).toBe(status);
    if (code !== 'ok') expect(res.json.Error.Code).toBe(code);
    else expect(res.json.JobsDetail[0].JobId).toBe(JOB);
    expect(res.attempts).toBe(attempts);
    expect(res.elapsedMs).toBeLessThan(maxMs);
    expect(res.body).not.toContain('injected fault'); // CI's text never reaches the caller
  });

  test('the CI code and request id of a JSON error body are reported', async () => {
    h.emulator.fault = () => ({
      status: 403,
      body: '{"code":"AccessDenied","message":"secret detail","request_id":"abc123"}',
      contentType: 'application/json',
    });
    const res = await lookup();
    expect(res.json.Error.Upstream).toEqual({ Status: 403, Code: 'AccessDenied', RequestId: 'abc123' });
    expect(res.body).not.toContain('secret detail');
  });

  test('a non-XML answer says what it was', async () => {
    h.emulator.fault = () => ({ body: '<html/>', contentType: 'text/html; charset=utf-8' });
    expect((await lookup()).json.Error.Message).toContain('content-type text/html');
  });
});

describe('429 SlowDown and Retry-After', () => {
  test('Retry-After is honoured before the retry', async () => {
    h.emulator.fault = firstN(1, { status: 429, code: 'SlowDown', retryAfter: '1' });
    const res = await lookup();
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(1000);
  });

  test('a wait that would pass the deadline is not started: 503 UpstreamThrottled with Retry-After', async () => {
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '800' });
    h.emulator.fault = () => ({ status: 429, code: 'SlowDown', retryAfter: '2' });
    const res = await lookup();
    expect(res.status).toBe(503);
    expect(res.json.Error).toMatchObject({ Code: 'UpstreamThrottled', Upstream: { Status: 429, Code: 'SlowDown' } });
    expect(res.headers['retry-after']).toBe('2');
    expect(res.attempts).toBe(1);
    expect(res.elapsedMs).toBeLessThan(1500); // waiting the 2 s would take 2 s
  });
});

describe('deadline', () => {
  test('the SCF invocation’s remaining time caps the deadline (minus the safety margin)', async () => {
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '5000' });
    h.emulator.fault = () => ({ stallBodyMs: 5000 });
    const res = await lookup({ request_id: 'short', getRemainingTimeInMillis: () => 650 });
    expect(res.status).toBe(504);
    // 650 ms left − 250 ms margin = a 400 ms deadline: answered after it, and before the
    // invocation ends (a hard limit: SCF stops the instance there; the margin is the slack).
    expect(res.elapsedMs).toBeGreaterThanOrEqual(390);
    expect(res.elapsedMs).toBeLessThan(650);
  });

  test('time_limit_in_ms works when getRemainingTimeInMillis is absent', async () => {
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '5000' });
    h.emulator.fault = () => ({ delayMs: 5000 });
    const res = await lookup({ request_id: 'old-runtime', time_limit_in_ms: 600 });
    expect(res.status).toBe(504);
    // A 350 ms deadline, answered before the invocation's 600 ms end.
    expect(res.elapsedMs).toBeGreaterThanOrEqual(340);
    expect(res.elapsedMs).toBeLessThan(600);
  });

  test('backoff never runs past the deadline', async () => {
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '300' });
    h.emulator.fault = () => ({ status: 503, code: 'ServiceUnavailable', delayMs: 120 });
    const res = await lookup();
    expect([502, 504]).toContain(res.status);
    expect(res.elapsedMs).toBeLessThan(300 + 50);
  });

  test('when one of several calls fails, its siblings are cancelled and the request fails fast', async () => {
    h.emulator.fault = (req) =>
      (req as { path: string }).path.includes('jbad') ? { status: 403, code: 'AccessDenied' } : { delayMs: 3000 };
    const ids = [...Array.from({ length: 10 }, (_, i) => `jslow${i}`), 'jbad'];
    const started = performance.now();
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${ids.join(',')}` }));
    expect(res.status).toBe(502);
    expect(performance.now() - started).toBeLessThan(2000); // waiting for the siblings would take 3 s
  });
});

describe('clock skew', () => {
  test('a skewed CI clock: one refusal, the offset is learned from Date, then it just works', async () => {
    h.emulator.fault = () => ({ clockSkewMs: 20 * 60 * 1000 });
    const first = await lookup();
    expect(first.status).toBe(200);
    expect(first.attempts).toBe(2);
    h.emulator.requests.length = 0;
    const second = await lookup();
    expect(second.status).toBe(200);
    expect(second.attempts).toBe(1); // signed with the learned offset straight away
    // CI's clock back to normal: the offset is re-learned the same way.
    h.emulator.fault = undefined;
    h.emulator.requests.length = 0;
    const third = await lookup();
    expect(third.status).toBe(200);
    expect(third.attempts).toBe(2);
  });
});

describe('the log line says what CI answered, as each lookup returned or raised it', () => {
  const requestLine = () => logged.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request') ?? {};
  beforeEach(() => void (logged.length = 0));

  test('an error answer: its status, the attempts and its request id', async () => {
    h.emulator.fault = () => ({ status: 403, code: 'AccessDenied', headers: { 'x-ci-request-id': 'ci-req-403' } });
    expect((await lookup()).status).toBe(502);
    expect(requestLine()).toMatchObject({
      outcome: 'UpstreamAccessDenied',
      upstreamStatus: 403,
      attempts: 1,
      ciRequestIds: ['ci-req-403'],
    });
  });

  test('503, then fine: the last status, every attempt, and the id of the answer used', async () => {
    h.emulator.fault = firstN(1, { status: 503, code: 'ServiceUnavailable' });
    const res = await lookup();
    expect(res.status).toBe(200);
    expect(requestLine()).toMatchObject({
      outcome: 'ok',
      upstreamStatus: 200,
      attempts: 2,
      ciRequestIds: [res.headers['x-ci-request-id']],
    });
  });

  test('several calls: the log names the answers the x-ci-request-id header names, in its order', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `jmany${i}`);
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${ids.join(',')}` }));
    expect(res.status).toBe(200);
    const header = res.headers['x-ci-request-id'] as string;
    expect(header.split(', ')).toHaveLength(2);
    expect(requestLine()).toMatchObject({ upstreamStatus: 200, attempts: 2, ciRequestIds: header.split(', ') });
  });

  test('a call that fails after its sibling answered: both answers are named', async () => {
    // The failure comes a second late, long after the sibling's answer (however loaded the machine).
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '8000' });
    h.emulator.fault = (req) =>
      (req as { path: string }).path.includes('jbad')
        ? { status: 404, code: 'NoSuchBucket', delayMs: 1000, headers: { 'x-ci-request-id': 'ci-req-bad' } }
        : undefined;
    const ids = [...Array.from({ length: 10 }, (_, i) => `jfine${i}`), 'jbad'];
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${ids.join(',')}` }));
    expect(res.json.Error.Code).toBe('UpstreamError');
    const line = requestLine();
    expect(line).toMatchObject({ outcome: 'UpstreamError', upstreamStatus: 404, attempts: 2 });
    expect(line.ciRequestIds).toHaveLength(2);
    expect(line.ciRequestIds).toContain('ci-req-bad');
  });
});
