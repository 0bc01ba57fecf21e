/**
 * Web mode end to end: the built Web function bundle listening on loopback, the CI emulator behind
 * it, and plain HTTP clients in front. Routes answer as in event mode; GET …/events streams Server-
 * Sent Events (framing, Last-Event-ID, heartbeats, the end before the function's timeout); and one
 * process serves concurrent callers with one CI call between them.
 */
import { connect } from 'node:net';
import { loadBundle } from '../helpers/harness';
import { functionUrlEvent } from '../helpers/events';
import { scanForSecrets } from '../helpers/secret-scan';
import { MEDIA_RUNNING, MEDIA_SUCCESS, movingJobId } from '../helpers/seed-jobs';
import { parseFrames, readStream, startWebStack } from '../helpers/web-stack';

let stack: Awaited<ReturnType<typeof startWebStack>>;
const answers: string[] = [];
scanForSecrets({ answers: () => answers });

beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.setEnv();
  stack.emulator.requests.length = 0;
  stack.emulator.requestCount = 0;
  stack.emulator.fault = undefined;
});

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(`${stack.url}${path}`, init);
  const text = await res.text();
  answers.push(`${res.status} ${text}`);
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

async function stream(path: string, headers: Record<string, string> = {}, stopWhen?: (text: string) => boolean) {
  const result = await readStream(`${stack.url}${path}`, { headers }, stopWhen);
  answers.push(`${result.status} ${result.text}`);
  return { ...result, frames: parseFrames(result.text) };
}

const events = (path: string) => `/jobs/media/${path}/events`;

describe('routes', () => {
  test('health, a job, the query form and the OpenAPI document answer as in event mode', async () => {
    expect((await get('/health')).json).toEqual({ status: 'ok' });
    const job = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(job.status).toBe(200);
    expect(job.json.JobsDetail[0]).toMatchObject({ JobId: MEDIA_SUCCESS, State: 'Success' });
    expect(job.headers.get('x-content-type-options')).toBe('nosniff');

    const query = await get('/jobs/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'media', jobIds: [MEDIA_SUCCESS, 'jnotthere'] }),
    });
    expect(query.status).toBe(200);
    expect(query.json.NonExistJobIds).toEqual(['jnotthere']);
    expect((await get('/openapi.json')).json.openapi).toBe('3.1.0');
  });

  test('the same request gets the same answer from the event function and the web server', async () => {
    const web = await get(`/jobs/media/${MEDIA_RUNNING},jnotthere?region=ap-guangzhou`);
    const event = await loadBundle()(
      functionUrlEvent({ method: 'GET', path: `/jobs/media/${MEDIA_RUNNING},jnotthere`, query: { region: 'ap-guangzhou' } }),
    );
    const strip = (body: string) => ({ ...JSON.parse(body), RequestId: undefined });
    expect(web.status).toBe(event.statusCode);
    expect(strip(web.text)).toEqual(strip(event.body));
  });

  test('errors keep their envelope and status: unknown route, wrong method, bad input', async () => {
    expect((await get('/nope')).json.Error.Code).toBe('NoSuchRoute');
    const wrongMethod = await get(events(MEDIA_SUCCESS), { method: 'POST' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
    expect((await get('/jobs/video/j1/events')).json.Error.Code).toBe('InvalidJobType');
    const missing = await get(events('jnotthere'));
    expect([missing.status, missing.json.Error.Code]).toEqual([404, 'NoSuchJob']);
  });

  test('a body over 16 KiB is refused with 413 without reading it all', async () => {
    const body = JSON.stringify({ type: 'media', jobIds: ['x'.repeat(20_000)] });
    const res = await get('/jobs/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect(res.json.Error.Code).toBe('PayloadTooLarge');
    expect(stack.emulator.requests).toHaveLength(0);
  });

  test('malformed HTTP gets a plain 400 and the connection is closed', async () => {
    const { port } = new URL(stack.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.on('data', (c) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  test('a bad FUNCTION_TIMEOUT_S is a 500 naming the variable, not its value', async () => {
    stack.setEnv({ FUNCTION_TIMEOUT_S: 'soon' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(500);
    expect(res.json.Error).toMatchObject({ Code: 'ServerMisconfigured', Message: 'FUNCTION_TIMEOUT_S must be an integer from 1 to 86400' });
  });

  test('a browser may send Last-Event-ID cross-origin: the preflight allows it', async () => {
    const res = await get(events(MEDIA_SUCCESS), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'last-event-id',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('last-event-id');
  });
});

describe('Server-Sent Events', () => {
  test('a moving job: one event per change, each the GET envelope under a state id, then event: end', async () => {
    const id = movingJobId('move-success-2500ms');
    const res = await stream(events(id), { origin: 'https://app.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.endedByServer).toBe(true);

    expect(res.frames[0]).toEqual({ retry: '1000' });
    const states = res.frames.filter((f) => f.data !== undefined && f.event === undefined);
    const jobs = states.map((f) => JSON.parse(f.data!).JobsDetail[0]);
    expect(jobs[0].State).toBe('Submitted');
    expect(jobs.at(-1)).toMatchObject({ JobId: id, State: 'Success', Progress: 100 });
    expect(jobs.some((j) => j.State === 'Running')).toBe(true);
    // Every event is news: no two in a row carry the same state or id.
    for (let i = 1; i < jobs.length; i++) {
      expect(`${jobs[i].State}/${jobs[i].Progress}`).not.toBe(`${jobs[i - 1].State}/${jobs[i - 1].Progress}`);
      expect(states[i]!.id).not.toBe(states[i - 1]!.id);
    }
    for (const f of states) expect(f.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.frames.at(-1)).toEqual({ event: 'end', data: '{"reason":"terminal"}' });
  });

  test('a job already final: its state, then end; a reconnect that has that state gets 204 (stop)', async () => {
    const first = await stream(events(MEDIA_SUCCESS));
    const [retry, state, end] = first.frames;
    expect(retry).toEqual({ retry: '1000' });
    expect(JSON.parse(state!.data!).JobsDetail[0].State).toBe('Success');
    expect(end!.event).toBe('end');
    expect(first.frames).toHaveLength(3);

    const again = await get(events(MEDIA_SUCCESS), { headers: { 'last-event-id': state!.id! } });
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
  });

  test('Last-Event-ID naming the current state: nothing is replayed, the stream waits for news', async () => {
    stack.setEnv({ FUNCTION_TIMEOUT_S: '2', SSE_HEARTBEAT_MS: '300' });
    const first = await stream(events(MEDIA_RUNNING), {}, (text) => text.includes('data: '));
    const seen = parseFrames(first.text).find((f) => f.id)!.id!;

    const resumed = await stream(events(MEDIA_RUNNING), { 'last-event-id': seen });
    expect(resumed.status).toBe(200);
    expect(resumed.frames.filter((f) => f.data !== undefined)).toEqual([]);
    // The same id by query parameter, for clients that cannot set headers.
    const byQuery = await stream(`${events(MEDIA_RUNNING)}?lastEventId=${seen}`);
    expect(byQuery.frames.filter((f) => f.data !== undefined)).toEqual([]);
    // An id that is not ours is a fresh start: the state is sent once.
    const foreign = await stream(events(MEDIA_RUNNING), { 'last-event-id': 'not-one-of-ours' });
    expect(foreign.frames.filter((f) => f.data !== undefined)).toHaveLength(1);
  });

  test('while nothing changes: heartbeat comments, then the stream ends before the timeout with a retry hint', async () => {
    stack.setEnv({ FUNCTION_TIMEOUT_S: '3', SSE_HEARTBEAT_MS: '200' });
    const res = await stream(events(MEDIA_RUNNING));
    expect(res.endedByServer).toBe(true);
    // Closed by us within the function's 3 s, not cut by the platform at 3 s.
    expect(res.ms).toBeLessThan(3000);
    const heartbeats = res.frames.filter((f) => f.comment === 'keep-alive');
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(res.frames.filter((f) => f.data !== undefined)).toHaveLength(1);
    expect(res.frames.at(-2)!.comment).toMatch(/reconnect with Last-Event-ID/);
    expect(res.frames.at(-1)).toEqual({ retry: '1000' });
    expect(res.text.endsWith('retry: 1000\n\n')).toBe(true);
  });

  test('CI failing mid-stream: a failure event with the error envelope, and a retry hint', async () => {
    stack.emulator.fault = (_req, index) => (index > 0 ? { status: 500, code: 'InternalError' } : undefined);
    const res = await stream(events(MEDIA_RUNNING));
    const failure = res.frames.find((f) => f.event === 'failure')!;
    expect(JSON.parse(failure.data!).Error).toMatchObject({ Code: 'UpstreamError', Upstream: { Status: 500 } });
    expect(res.frames.at(-1)).toEqual({ retry: '1000' });
    expect(res.endedByServer).toBe(true);
  });

  test('a caller that leaves stops the polling: no CI calls after it is gone', async () => {
    stack.setEnv({ FUNCTION_TIMEOUT_S: '30' });
    await stream(events(MEDIA_RUNNING), {}, (text) => text.includes('data: '));
    // The poll notices within one pause; give it generous time, then watch for strays.
    await new Promise((r) => setTimeout(r, 1500));
    const after = stack.emulator.requests.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(stack.emulator.requests.length).toBe(after);
  });

  test('a long-poll whose caller leaves stops polling too', async () => {
    stack.setEnv({ FUNCTION_TIMEOUT_S: '30' });
    const controller = new AbortController();
    const pending = fetch(`${stack.url}/jobs/media/${MEDIA_RUNNING}?wait=20`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 1500));
    const after = stack.emulator.requests.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(stack.emulator.requests.length).toBe(after);
  });

  test('event mode cannot stream: 501 StreamingNotSupported pointing to ?wait=', async () => {
    const res = await loadBundle()(functionUrlEvent({ method: 'GET', path: `/jobs/media/${MEDIA_SUCCESS}/events` }), {
      request_id: 'scf-1',
    });
    expect(res.statusCode).toBe(501);
    expect(JSON.parse(res.body).Error).toMatchObject({ Code: 'StreamingNotSupported' });
    expect(JSON.parse(res.body).Error.Message).toContain('?wait=');
  });
});

describe('one instance, many callers', () => {
  test('20 concurrent GETs for one job cost one CI call (in-flight coalescing)', async () => {
    // The first CI call is held, so every other request arrives while it is in flight.
    stack.emulator.fault = (_req, index) => (index === 0 ? { delayMs: 1500 } : undefined);
    const results = await Promise.all(Array.from({ length: 20 }, () => get(`/jobs/media/${MEDIA_RUNNING}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.json.JobsDetail[0].Progress))).toEqual(new Set([30]));
    expect(stack.emulator.requests).toHaveLength(1);
  });

  test('10 concurrent event streams of one job share their CI calls', async () => {
    // Every CI call takes 100 ms, so calls that start close together overlap and coalesce.
    stack.emulator.fault = () => ({ delayMs: 100 });
    const alone = await stream(events(movingJobId('move-success-2500ms')));
    expect(alone.frames.at(-1)!.event).toBe('end');
    const oneWatcher = stack.emulator.requests.length;

    stack.emulator.requests.length = 0;
    const id = movingJobId('move-success-2500ms');
    const watchers = await Promise.all(Array.from({ length: 10 }, () => stream(events(id))));
    for (const w of watchers) expect(w.frames.at(-1)!.event).toBe('end');
    // Ten instances would make ten times one watcher's calls; here they poll on one schedule.
    expect(stack.emulator.requests.length).toBeLessThanOrEqual(2 * oneWatcher);
  });

  test('10 concurrent long-polls held at once, each answered, sharing their CI calls', async () => {
    stack.emulator.fault = (_req, index) => (index === 0 ? { delayMs: 800 } : undefined);
    const alone = await get(`/jobs/media/${MEDIA_RUNNING}?wait=2`);
    expect(alone.status).toBe(200);
    const oneCaller = stack.emulator.requests.length;

    stack.emulator.requests.length = 0;
    stack.emulator.requestCount = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => get(`/jobs/media/${MEDIA_RUNNING}?wait=2`)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    // Ten separate instances would make ten times one caller's calls; one process shares them.
    expect(stack.emulator.requests.length).toBeLessThanOrEqual(oneCaller + 2);
  });
});
