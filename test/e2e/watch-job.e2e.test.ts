/**
 * watchJob() in Node against real servers over loopback: the web-mode server (event stream, with a
 * reconnect when the server ends a stream early) and the event-mode local server (no stream: 501,
 * so it long-polls instead). Plus the SSE parser on the spec's tricky inputs.
 */
import { JobStatusApiError, JobStatusTimeoutError, createJobStatusClient, createSseParser, type ServerSentEvent } from '../../client';
import { startLocalStack } from '../helpers/local-stack';
import { MEDIA_RUNNING, movingJobId } from '../helpers/seed-jobs';
import { startWebStack } from '../helpers/web-stack';

let web: Awaited<ReturnType<typeof startWebStack>>;
let eventMode: Awaited<ReturnType<typeof startLocalStack>>;
let logSpy: jest.SpyInstance;

beforeAll(async () => {
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  web = await startWebStack();
  eventMode = await startLocalStack();
});
afterAll(async () => {
  await web?.close();
  await eventMode?.close();
  logSpy?.mockRestore();
});
// Both servers run in this process and read the same environment (web.setEnv's): the last stack
// started pointed it at its own emulator, so it is set once more here, for every test.
beforeEach(() => {
  web.setEnv();
});

/** A fetch that records each call's URL and Last-Event-ID. */
function recording() {
  const calls: Array<{ url: string; lastEventId: string | null }> = [];
  const f: typeof fetch = (input, init) => {
    calls.push({ url: String(input), lastEventId: new Headers(init?.headers).get('last-event-id') });
    return fetch(input, init);
  };
  return { calls, fetch: f };
}

async function collect<T>(states: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const s of states) out.push(s);
  return out;
}

test('web mode: follows a moving job through one stream to Success 100 %, each state once', async () => {
  const rec = recording();
  const api = createJobStatusClient({ baseUrl: web.url, fetch: rec.fetch });
  const states = await collect(api.watchJob('media', movingJobId('move-success-2500ms')));
  expect(states[0]!.State).toBe('Submitted');
  expect(states.at(-1)).toMatchObject({ State: 'Success', Progress: 100 });
  expect(states.filter((s) => s.State === 'Success')).toHaveLength(1);
  const keys = states.map((s) => `${s.State}/${s.Progress}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(rec.calls).toHaveLength(1);
  expect(rec.calls[0]!.url).toMatch(/\/jobs\/media\/move-success-2500ms-\d+\/events$/);
});

test('web mode: a stream the server ends early is resumed with Last-Event-ID, nothing repeated', async () => {
  // Each stream lives 2 s - 1 s margin = about 1 s; the job takes 4 s, so several streams are needed.
  web.setEnv({ FUNCTION_TIMEOUT_S: '2' });
  const rec = recording();
  const api = createJobStatusClient({ baseUrl: web.url, fetch: rec.fetch });
  const states = await collect(api.watchJob('media', movingJobId('move-success-4000ms')));
  expect(states.at(-1)).toMatchObject({ State: 'Success', Progress: 100 });
  expect(rec.calls.length).toBeGreaterThanOrEqual(2);
  expect(rec.calls[0]!.lastEventId).toBeNull();
  for (const call of rec.calls.slice(1)) expect(call.lastEventId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const keys = states.map((s) => `${s.State}/${s.Progress}`);
  expect(new Set(keys).size).toBe(keys.length);
});

test('event mode (501 StreamingNotSupported): falls back to long-polling and still reaches the end', async () => {
  const rec = recording();
  const api = createJobStatusClient({ baseUrl: eventMode.url, fetch: rec.fetch });
  const states = await collect(api.watchJob('media', movingJobId('move-success-2500ms')));
  expect(states.at(-1)).toMatchObject({ State: 'Success', Progress: 100 });
  expect(rec.calls[0]!.url).toMatch(/\/events$/);
  expect(rec.calls.slice(1).every((c) => !c.url.includes('/events'))).toBe(true);
  expect(rec.calls.some((c) => c.url.includes('wait='))).toBe(true);

  // The same client remembers there is no stream here: the next watch polls at once.
  rec.calls.length = 0;
  const again = await collect(api.watchJob('media', movingJobId('move-success-1000ms')));
  expect(again.at(-1)!.State).toBe('Success');
  expect(rec.calls.some((c) => c.url.includes('/events'))).toBe(false);
});

test("transport: 'sse' does not fall back: the 501 is the caller's answer", async () => {
  const api = createJobStatusClient({ baseUrl: eventMode.url });
  const err = await collect(api.watchJob('media', MEDIA_RUNNING, { transport: 'sse' })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(JobStatusApiError);
  expect((err as JobStatusApiError).code).toBe('StreamingNotSupported');
});

test('an unknown job is a 404 NoSuchJob, not a reason to fall back', async () => {
  const rec = recording();
  const api = createJobStatusClient({ baseUrl: web.url, fetch: rec.fetch });
  const err = await collect(api.watchJob('media', 'jnotthere')).catch((e: unknown) => e);
  expect((err as JobStatusApiError).code).toBe('NoSuchJob');
  expect(rec.calls).toHaveLength(1);
});

test('an AbortSignal ends the watch with its reason, mid-stream and mid-poll', async () => {
  for (const baseUrl of [web.url, eventMode.url]) {
    const controller = new AbortController();
    const api = createJobStatusClient({ baseUrl });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const job of api.watchJob('media', MEDIA_RUNNING, { signal: controller.signal })) {
        seen.push(job.State);
        setTimeout(() => controller.abort(new Error('user left')), 100);
      }
    })().catch((e: unknown) => e);
    expect([baseUrl, (err as Error).message]).toEqual([baseUrl, 'user left']);
    expect(seen).toEqual(['Running']);
  }
});

test('timeoutMs gives JobStatusTimeoutError with the last state', async () => {
  const api = createJobStatusClient({ baseUrl: web.url });
  const err = await collect(api.watchJob('media', MEDIA_RUNNING, { timeoutMs: 800 })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(JobStatusTimeoutError);
  expect((err as JobStatusTimeoutError<{ Progress: number }>).lastJob?.Progress).toBe(30);
});

describe('SSE parser', () => {
  function parse(chunks: string[]) {
    const events: ServerSentEvent[] = [];
    const retries: number[] = [];
    const parser = createSseParser(
      (e) => events.push(e),
      (ms) => retries.push(ms),
    );
    for (const c of chunks) parser.feed(c);
    return { events, retries };
  }

  test('fields, comments, multi-line data and the default type', () => {
    const { events, retries } = parse([': hi\n\nretry: 1500\n\nid: a\ndata: one\ndata: two\n\nevent: end\ndata:x\n\n']);
    expect(retries).toEqual([1500]);
    expect(events).toEqual([
      { event: 'message', data: 'one\ntwo', id: 'a' },
      { event: 'end', data: 'x', id: 'a' },
    ]);
  });

  test('any chunking gives the same events, CRLF and CR included', () => {
    const text = '\ufeffid: 1\r\ndata: {"a":1}\r\n\r\ndata: b\r\rdata: c\n\n';
    const whole = parse([text]).events;
    expect(whole).toEqual([
      { event: 'message', data: '{"a":1}', id: '1' },
      { event: 'message', data: 'b', id: '1' },
      { event: 'message', data: 'c', id: '1' },
    ]);
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)]).events).toEqual(whole);
    expect(parse([...text]).events).toEqual(whole);
  });

  test('a frame without data dispatches nothing; a bad retry is ignored; an unfinished frame waits', () => {
    expect(parse(['event: x\n\nretry: soon\n\ndata: half']).events).toEqual([]);
    expect(parse(['retry: soon\n\n']).retries).toEqual([]);
  });
});
