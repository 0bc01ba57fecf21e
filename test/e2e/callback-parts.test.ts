/**
 * The parts behind POST /callbacks/ci, one at a time: reading callbacks, choosing families, the
 * token check, the settings, Standard Webhooks signing (checked against the `standardwebhooks`
 * library), delivery retries under an injected clock and sleep against a real loopback receiver.
 * (The long-poll wake-up a callback causes is the cache's, tested end to end in callbacks.e2e.)
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { candidateFamilies } from '../../shared/callbacks/job-families';
import { jsonDepthExceeds, parseCallback } from '../../shared/callbacks/parse-callback';
import { readCallbackConfig } from '../../shared/config/callback-env';
import { createDeadline } from '../../shared/deadline';
import { tokenMatches } from '../../shared/handlers/ci-callback';
import { ApiError } from '../../shared/http/errors';
import { MAX_DELIVERY_ATTEMPTS, deliveryBackoffMs, forwardWebhook } from '../../shared/webhooks/forward';
import { signWebhook, webhookId } from '../../shared/webhooks/sign';
import { closeServer } from '../helpers/local-stack';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const KEY = Buffer.from(SECRET.slice(6), 'base64');

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? `${err.status} ${err.code}` : String(err);
  }
  return 'no error';
};

describe('parseCallback', () => {
  test('XML TaskFinish with one JobsDetail, and with several', () => {
    expect(
      parseCallback('<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>j1</JobId><Tag>Transcode</Tag></JobsDetail></Response>'),
    ).toEqual({
      event: 'TaskFinish',
      jobs: [{ id: 'j1', tag: 'Transcode', batchType: undefined }],
    });
    const two = parseCallback(
      '<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>j1</JobId></JobsDetail><JobsDetail><JobId>j2</JobId></JobsDetail></Response>',
    );
    expect(two.jobs.map((j) => j.id)).toEqual(['j1', 'j2']);
  });

  test('JSON with JobsDetail as an object or an array, with or without a Response root', () => {
    const bodies = [
      '{"EventName":"TaskFinish","JobsDetail":{"JobId":"c1","Tag":"PicProcess"}}',
      '{"EventName":"TaskFinish","JobsDetail":[{"JobId":"c1","Tag":"PicProcess"}]}',
      '{"Response":{"EventName":"TaskFinish","JobsDetail":[{"JobId":"c1","Tag":"PicProcess"}]}}',
    ];
    for (const body of bodies) expect(parseCallback(body).jobs).toEqual([{ id: 'c1', tag: 'PicProcess', batchType: undefined }]);
  });

  test('WorkflowFinish: the tasks, by JobId and Type; a task with no job yet is skipped', () => {
    const xml =
      '<Response><EventName>WorkflowFinish</EventName><WorkflowExecution><RunId>i1</RunId>' +
      '<Tasks><Type>Snapshot</Type><JobId>j1</JobId></Tasks><Tasks><Type>Transcode</Type><JobId></JobId></Tasks>' +
      '<Tasks><Type>Transcode</Type><JobId>j2</JobId></Tasks></WorkflowExecution></Response>';
    expect(parseCallback(xml)).toEqual({
      event: 'WorkflowFinish',
      jobs: [
        { id: 'j1', tag: 'Snapshot', batchType: undefined },
        { id: 'j2', tag: 'Transcode', batchType: undefined },
      ],
    });
  });

  test('a batch job entry (Type, no Tag), and duplicates named once', () => {
    const body = '{"EventName":"TaskFinish","JobsDetail":[{"JobId":"b1","Type":"Job"},{"JobId":"b1","Type":"Job"}]}';
    expect(parseCallback(body).jobs).toEqual([{ id: 'b1', tag: undefined, batchType: 'Job' }]);
  });

  test('what is not a callback is 400 InvalidCallback', () => {
    const bad = [
      '',
      'plain text',
      '<Response><EventName>TaskFinish</EventName></Response>',
      '<Response><EventName>Other</EventName><JobsDetail><JobId>j1</JobId></JobsDetail></Response>',
      '<Response><JobsDetail><Tag>Transcode</Tag></JobsDetail></Response>',
      '<Response><JobsDetail><JobId>j/1</JobId></JobsDetail></Response>',
      '{"EventName":"TaskFinish","JobsDetail":[{"JobId":7}]}',
      '["EventName"]',
      `{"EventName":"TaskFinish","JobsDetail":[${Array.from({ length: 51 }, (_, i) => `{"JobId":"j${i}"}`).join(',')}]}`,
    ];
    for (const body of bad)
      expect([body.slice(0, 40), code(() => parseCallback(body))]).toEqual([body.slice(0, 40), '400 InvalidCallback']);
  });

  test('whatever the body, the answer is ids that are CI ids, or 400 InvalidCallback: never another failure', () => {
    const idish = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      fc.string({ maxLength: 70 }),
      fc.constantFrom('../x', '%2e', 'a,b', '<x>', '__proto__'),
    );
    const entry = fc.record(
      { JobId: fc.oneof(idish, fc.integer(), fc.constant(null)), Tag: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(undefined)) },
      { requiredKeys: [] },
    );
    const jsonBody = fc
      .record(
        {
          EventName: fc.constantFrom('TaskFinish', 'WorkflowFinish', 'Other', 7),
          JobsDetail: fc.oneof(entry, fc.array(entry, { maxLength: 60 })),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o));
    const xmlBody = fc
      .array(idish, { maxLength: 5 })
      .map(
        (ids) =>
          `<Response><EventName>TaskFinish</EventName>${ids.map((id) => `<JobsDetail><JobId>${id}</JobId></JobsDetail>`).join('')}</Response>`,
      );
    const body = fc.oneof(jsonBody, xmlBody, fc.string({ maxLength: 200 }), fc.json({ maxDepth: 6 }));
    fc.assert(
      fc.property(body, (text) => {
        let parsed;
        try {
          parsed = parseCallback(text);
        } catch (err) {
          return err instanceof ApiError && err.status === 400 && err.code === 'InvalidCallback';
        }
        return parsed.jobs.length <= 50 && parsed.jobs.every((j) => /^[A-Za-z0-9_-]{1,64}$/.test(j.id));
      }),
      { numRuns: 3000 },
    );
  });

  test('jsonDepthExceeds counts brackets outside strings only', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[[[["}', 2)).toBe(false);
  });
});

test('candidateFamilies: own endpoint first for pic and ai Tags, then /jobs; batch by Type', () => {
  const job = (tag?: string, batchType?: string) => ({ id: 'x', tag, batchType });
  expect(candidateFamilies(job('Transcode'))).toEqual(['media']);
  expect(candidateFamilies(job('SomeTagCiAddsLater'))).toEqual(['media']);
  expect(candidateFamilies(job('PicProcess'))).toEqual(['pic', 'media']);
  expect(candidateFamilies(job('Translation'))).toEqual(['ai', 'media']);
  expect(candidateFamilies(job(undefined, 'Workflow'))).toEqual(['batch']);
  expect(candidateFamilies(job(undefined, 'Something'))).toEqual(['media']);
  expect(candidateFamilies(job())).toEqual(['media']);
});

test('tokenMatches: only the exact token, whatever the lengths', () => {
  const token = 'a'.repeat(40);
  expect(tokenMatches(token, token)).toBe(true);
  for (const given of [undefined, '', 'a'.repeat(39), 'a'.repeat(41), `${'a'.repeat(39)}b`]) expect(tokenMatches(token, given)).toBe(false);
  expect(tokenMatches(undefined, token)).toBe(false);
  expect(tokenMatches(undefined, undefined)).toBe(false);
});

describe('readCallbackConfig', () => {
  test('valid settings', () => {
    const config = readCallbackConfig({
      CALLBACK_TOKEN: 'T'.repeat(32),
      WEBHOOK_URLS: 'https://hooks.example.com/ci?k=1, http://localhost:8080/x,http://[::1]:9/y',
      WEBHOOK_SECRET: `${SECRET} ${SECRET}`,
    });
    expect(config.token).toBe('T'.repeat(32));
    expect(config.webhookUrls.map(String)).toEqual(['https://hooks.example.com/ci?k=1', 'http://localhost:8080/x', 'http://[::1]:9/y']);
    expect(config.webhookKeys).toEqual([KEY, KEY]);
    expect(readCallbackConfig({})).toEqual({ token: undefined, webhookUrls: [], webhookKeys: [] });
  });

  test.each([
    [{ CALLBACK_TOKEN: 'x'.repeat(31) }],
    [{ CALLBACK_TOKEN: `${'x'.repeat(40)}&y` }],
    [{ WEBHOOK_URLS: 'http://10.0.0.8/hook', WEBHOOK_SECRET: SECRET }],
    [{ WEBHOOK_URLS: 'ftp://hooks.example.com', WEBHOOK_SECRET: SECRET }],
    [{ WEBHOOK_URLS: 'https://hooks.example.com/#frag', WEBHOOK_SECRET: SECRET }],
    [{ WEBHOOK_URLS: Array(11).fill('https://h.example.com').join(','), WEBHOOK_SECRET: SECRET }],
    [{ WEBHOOK_URLS: 'https://hooks.example.com' }],
    [{ WEBHOOK_SECRET: 'whsec_' }],
    [{ WEBHOOK_SECRET: `whsec_${randomBytes(65).toString('base64')}` }],
  ])('refused: %j', (env) => {
    expect(code(() => readCallbackConfig(env))).toBe('500 ServerMisconfigured');
  });
});

describe('Standard Webhooks signing', () => {
  test('the standardwebhooks library verifies what we sign, and signs what we sign', () => {
    const body = JSON.stringify({ RequestId: 'r', JobsDetail: [{ JobId: 'j1', State: 'Success', Text: '中文 \u2028 "quoted"' }] });
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook('msg_1', now, body, [KEY]);
    expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(new Webhook(SECRET).sign('msg_1', new Date(now * 1000), body));
  });

  test('a wrong key, a changed body or a stale timestamp fail the library check', () => {
    const body = '{"a":1}';
    const now = Math.floor(Date.now() / 1000);
    const other = Buffer.from(randomBytes(32));
    expect(() => new Webhook(SECRET).verify(body, { ...signWebhook('m', now, body, [other]) })).toThrow();
    expect(() => new Webhook(SECRET).verify('{"a":2}', { ...signWebhook('m', now, body, [KEY]) })).toThrow();
    expect(() => new Webhook(SECRET).verify(body, { ...signWebhook('m', now - 3600, body, [KEY]) })).toThrow();
  });

  test('several keys: one signature each, and a receiver holding either key accepts', () => {
    const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const headers = signWebhook('m', Math.floor(Date.now() / 1000), '{}', [KEY, Buffer.from(otherSecret.slice(6), 'base64')]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(SECRET).verify('{}', { ...headers })).toEqual({});
    expect(new Webhook(otherSecret).verify('{}', { ...headers })).toEqual({});
  });

  test('webhookId: the same for the same job and state, different otherwise', () => {
    const base = { family: 'media', bucket: 'b-1250000000', region: 'ap-guangzhou', jobId: 'j1', state: 'Success' };
    expect(webhookId(base)).toBe(webhookId({ ...base }));
    for (const change of [{ state: 'Failed' }, { jobId: 'j2' }, { family: 'pic' }, { bucket: 'c-1250000000' }, { region: 'ap-beijing' }])
      expect(webhookId({ ...base, ...change })).not.toBe(webhookId(base));
  });
});

describe('forwardWebhook (real loopback receiver, injected clock and sleep)', () => {
  let server: Server;
  let url: URL;
  let statuses: number[];
  let received: { id: string; ts: string }[];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']), ts: String(req.headers['webhook-timestamp']) });
        res.writeHead(statuses.shift() ?? 204, statuses.length === 0 ? {} : { 'retry-after': '0' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?secret-ish=1`);
  });
  afterAll(() => closeServer(server));
  beforeEach(() => {
    statuses = [];
    received = [];
  });

  /** A clock that moves only when the forwarder sleeps: backoff is observed, never waited for. */
  function fakeTime() {
    let now = 1_700_000_000_800; // 0.2 s before a second turns, so backoff crosses it
    const slept: number[] = [];
    return {
      slept,
      deps: {
        now: () => now,
        random: () => 0.5,
        sleep: async (ms: number) => {
          slept.push(ms);
          now += ms;
        },
      },
    };
  }

  test('retries 503s with growing backoff, then delivers; each attempt re-signed with the time of the attempt', async () => {
    statuses = [503, 503];
    const time = fakeTime();
    const deadline = createDeadline(60_000);
    const delivery = await forwardWebhook(url, { id: 'msg_x', body: '{}' }, [KEY], { ...deadline, remainingMs: () => 60_000 }, time.deps);
    deadline.dispose();
    expect(delivery).toEqual({ target: `${url.origin}/hook`, outcome: 'delivered', status: 204, attempts: 3 });
    expect(time.slept).toEqual([deliveryBackoffMs(1, () => 0.5), deliveryBackoffMs(2, () => 0.5)]);
    expect(time.slept[1]!).toBeGreaterThan(time.slept[0]!);
    expect(received.map((r) => r.id)).toEqual(['msg_x', 'msg_x', 'msg_x']);
    // Attempts at 0.800 s, 0.987 s and 1.362 s: the third falls in the next second, and says so.
    expect(received.map((r) => Number(r.ts) - 1_700_000_000)).toEqual([0, 0, 1]);
  });

  test(`gives up after ${MAX_DELIVERY_ATTEMPTS} attempts`, async () => {
    statuses = Array(10).fill(500);
    const time = fakeTime();
    const deadline = createDeadline(60_000);
    const delivery = await forwardWebhook(url, { id: 'm', body: '{}' }, [KEY], { ...deadline, remainingMs: () => 60_000 }, time.deps);
    deadline.dispose();
    expect(delivery).toMatchObject({ outcome: 'failed', status: 500, failure: 'rejected', attempts: MAX_DELIVERY_ATTEMPTS });
    expect(time.slept).toHaveLength(MAX_DELIVERY_ATTEMPTS - 1);
  });

  test('stops retrying when the next attempt would not fit in the deadline', async () => {
    statuses = Array(10).fill(503);
    const time = fakeTime();
    const end = time.deps.now() + 1000;
    const deadline = createDeadline(60_000);
    const short = { ...deadline, remainingMs: (t = time.deps.now()) => Math.max(0, end - t) };
    const delivery = await forwardWebhook(url, { id: 'm', body: '{}' }, [KEY], short, time.deps);
    deadline.dispose();
    expect(delivery.outcome).toBe('failed');
    expect(time.slept.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
    expect(delivery.attempts).toBeLessThan(MAX_DELIVERY_ATTEMPTS);
  });

  test('a refused connection is retried and reported as network', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await closeServer(closed);
    const time = fakeTime();
    const deadline = createDeadline(60_000);
    const delivery = await forwardWebhook(
      new URL(`http://127.0.0.1:${port}/`),
      { id: 'm', body: '{}' },
      [KEY],
      { ...deadline, remainingMs: () => 60_000 },
      time.deps,
    );
    deadline.dispose();
    expect(delivery).toMatchObject({ outcome: 'failed', failure: 'network', attempts: MAX_DELIVERY_ATTEMPTS });
  });

  test('a redirect is reported, not followed', async () => {
    statuses = [302];
    const deadline = createDeadline(60_000);
    const delivery = await forwardWebhook(url, { id: 'm', body: '{}' }, [KEY], deadline, fakeTime().deps);
    deadline.dispose();
    expect(delivery).toMatchObject({ outcome: 'failed', status: 302, failure: 'redirected', attempts: 1 });
    expect(received).toHaveLength(1);
  });
});
