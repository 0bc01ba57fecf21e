/**
 * POST /callbacks/ci through the built bundle, end to end over loopback: CI callback bodies (XML and
 * JSON, from CI's docs) in, a lookup at the CI emulator, and signed webhooks out to a real HTTP
 * receiver that verifies them with the `standardwebhooks` library.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { key } from '../../dev/emulator/fixtures';
import { functionUrlEvent } from '../helpers/events';
import { startHarness } from '../helpers/harness';
import { closeServer } from '../helpers/local-stack';
import { scanForSecrets } from '../helpers/secret-scan';
import { MEDIA_RUNNING, MEDIA_SUCCESS } from '../helpers/seed-jobs';

const TOKEN = randomBytes(24).toString('base64url');
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const CALLBACKS = join(__dirname, '..', '..', 'dev', 'fixtures', 'callbacks');
const fixture = (name: string) => readFileSync(join(CALLBACKS, name), 'utf8');

const SNAPSHOT = 'j4e431ba0f86711ecb8546d80f2baf56f';
const TRANSCODE = MEDIA_SUCCESS;
const PIC_SUCCESS = 'cfec51cc91f0b57e731dc635e84ab8c46';
const AI_WORDS = 'ac34be3aa0bf411ed9ce39d7cc972e427';
const MEDIA_PICPROCESS = 'jfec51cc91f0b57e731dc635e84ab8c46'; // a PicProcess job submitted through /jobs

// ---------------------------------------------------------------------------------------------
// A webhook receiver on loopback: records every delivery, answers what the test tells it to.
// ---------------------------------------------------------------------------------------------

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Status for the n-th delivery (0-based); 204 unless a test says otherwise. */
  answer: (n: number) => number;
  close(): Promise<void>;
}

async function startReceiver(path = '/hooks/ci'): Promise<Receiver> {
  const receiver: Receiver = { url: '', deliveries: [], answer: () => 204, close: () => closeServer(server) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = receiver.deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }) - 1;
      res.writeHead(receiver.answer(n), { 'content-type': 'text/plain' });
      res.end('receiver says hello');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

/** What a receiver does with the library: throws unless the signature and timestamp check out. */
function verified(delivery: Delivery): any {
  return new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>);
}

// ---------------------------------------------------------------------------------------------

let h: Awaited<ReturnType<typeof startHarness>>;
let receiver: Receiver;
const logLines = scanForSecrets({ answers: () => h?.answers ?? [], extraSecrets: [TOKEN, SECRET, SECRET.slice(6)] });

beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});
beforeEach(() => {
  // A generous deadline: the machine is shared, and retries must fit in it.
  h.setEnv({ CALLBACK_TOKEN: TOKEN, WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET, UPSTREAM_TIMEOUT_MS: '20000' });
  h.emulator.requests.length = 0;
  h.emulator.fault = undefined;
  receiver.deliveries.length = 0;
  receiver.answer = () => 204;
});

const callback = (body: string, query: Record<string, string> = { token: TOKEN }, contentType = 'application/xml') =>
  h.call(functionUrlEvent({ method: 'POST', path: '/callbacks/ci', query, headers: { 'content-type': contentType }, body }));
const get = (path: string) => h.call(functionUrlEvent({ method: 'GET', path }));
const ciPaths = () => h.emulator.requests.map((r) => r.path);
const taskFinish = (detail: string) => `<Response><EventName>TaskFinish</EventName><JobsDetail>${detail}</JobsDetail></Response>`;

describe('real callback bodies are verified with CI and forwarded, signed', () => {
  test('XML TaskFinish: one delivery the standardwebhooks library accepts, carrying what GET answers', async () => {
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect([res.status, res.body]).toEqual([204, '']);
    expect(ciPaths()).toEqual([`/jobs/${SNAPSHOT}`]);

    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries as [Delivery];
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verified(delivery);

    const { RequestId: _ours, ...lookedUp } = (await get(`/jobs/media/${SNAPSHOT}`)).json;
    const { RequestId, ...forwarded } = payload;
    expect(forwarded).toEqual(lookedUp);
    expect(payload.JobsDetail[0]).toMatchObject({ JobId: SNAPSHOT, State: 'Success', Tag: 'Snapshot' });
    expect(Object.keys(payload)[0]).toBe('RequestId');
  });

  test('JSON TaskFinish with JobsDetail as one object (PicProcess): looked up at /pic_jobs', async () => {
    const res = await callback(fixture('taskfinish-picprocess.json'), { token: TOKEN }, 'application/json');
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/pic_jobs/${PIC_SUCCESS}`]);
    expect(verified(receiver.deliveries[0]!).JobsDetail[0]).toMatchObject({ JobId: PIC_SUCCESS, Tag: 'PicProcess', State: 'Success' });
  });

  test('JSON TaskFinish with JobsDetail as an array (WordsGeneralize): looked up at /ai_jobs', async () => {
    const res = await callback(fixture('taskfinish-wordsgeneralize.json'), { token: TOKEN }, 'application/json');
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/ai_jobs/${AI_WORDS}`]);
    expect(verified(receiver.deliveries[0]!).JobsDetail[0]).toMatchObject({ JobId: AI_WORDS, Tag: 'WordsGeneralize' });
  });

  test('a PicProcess job submitted through /jobs is found there when /pic_jobs does not know it', async () => {
    const res = await callback(taskFinish(`<JobId>${MEDIA_PICPROCESS}</JobId><State>Success</State><Tag>PicProcess</Tag>`));
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/pic_jobs/${MEDIA_PICPROCESS}`, `/jobs/${MEDIA_PICPROCESS}`]);
    expect(verified(receiver.deliveries[0]!).JobsDetail[0].JobId).toBe(MEDIA_PICPROCESS);
  });

  test('a batch job (Type, no Tag) is looked up at /inventorytriggerjob', async () => {
    const batch = 'bca83b3d926c58a29e6e04eadf0513b11';
    const res = await callback(
      `{"EventName":"TaskFinish","JobsDetail":{"JobId":"${batch}","Type":"Job","State":"Success"}}`,
      { token: TOKEN },
      'application/json',
    );
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/inventorytriggerjob/${batch}`]);
    expect(verified(receiver.deliveries[0]!)).toMatchObject({ JobsDetail: [{ JobId: batch, Type: 'Job', State: 'Success' }] });
  });

  test('WorkflowFinish: each task job is verified and forwarded as its own message', async () => {
    const res = await callback(fixture('workflowfinish.xml'));
    expect(res.status).toBe(204);
    expect(ciPaths().sort()).toEqual([`/jobs/${SNAPSHOT}`, `/jobs/${TRANSCODE}`].sort());
    const jobs = receiver.deliveries.map((d) => verified(d).JobsDetail[0].JobId).sort();
    expect(jobs).toEqual([SNAPSHOT, TRANSCODE].sort());
    expect(new Set(receiver.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(2);
  });

  test('the query names the bucket for a job outside CI_BUCKET, within ALLOWED_BUCKETS', async () => {
    h.setEnv({
      CALLBACK_TOKEN: TOKEN,
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
      ALLOWED_BUCKETS: 'otherbucket-1250000000',
      ALLOWED_REGIONS: 'ap-chongqing',
    });
    const res = await callback(fixture('taskfinish-snapshot.xml'), {
      token: TOKEN,
      bucket: 'otherbucket-1250000000',
      region: 'ap-chongqing',
    });
    expect(res.status).toBe(204);
    expect(h.emulator.requests.map((r) => [r.bucket, r.region])).toEqual([['otherbucket-1250000000', 'ap-chongqing']]);
    const denied = await callback(fixture('taskfinish-snapshot.xml'), { token: TOKEN, bucket: 'stranger-1250000000' });
    expect([denied.status, denied.json.Error.Code]).toEqual([403, 'BucketNotAllowed']);
  });
});

describe('the body is not trusted', () => {
  test('a forged Success for a job CI reports Running forwards Running, and nothing else from the forgery', async () => {
    const forged = taskFinish(
      `<Code>Success</Code><JobId>${MEDIA_RUNNING}</JobId><State>Success</State><Progress>100</Progress><Tag>Transcode</Tag>` +
        '<Operation><MediaResult><OutputFile><ObjectName>evil/payload.mp4</ObjectName></OutputFile></MediaResult></Operation>',
    );
    const res = await callback(forged);
    expect(res.status).toBe(204);
    const payload = verified(receiver.deliveries[0]!);
    expect(payload.JobsDetail[0]).toMatchObject({ JobId: MEDIA_RUNNING, State: 'Running', Progress: 30 });
    expect(receiver.deliveries[0]!.body).not.toContain('evil/payload.mp4');
  });

  test('an id CI does not know is not forwarded, and the answer is the same as for a real job', async () => {
    const known = await callback(fixture('taskfinish-snapshot.xml'));
    receiver.deliveries.length = 0;
    const unknown = await callback(
      taskFinish('<JobId>jdoesnotexist00000000000000000000</JobId><State>Success</State><Tag>Transcode</Tag>'),
    );
    expect(ciPaths()).toContain('/jobs/jdoesnotexist00000000000000000000');
    expect(receiver.deliveries).toHaveLength(0);
    const shape = (r: typeof known) => [r.status, r.body, Object.keys(r.headers).sort()];
    expect(shape(unknown)).toEqual(shape(known));
  });

  test('CI refusing the id outright (400) is treated like an unknown id, not reported', async () => {
    h.emulator.fault = () => ({ status: 400, code: 'InvalidArgument' });
    const res = await callback(taskFinish('<JobId>jmalformedbutplausible</JobId><Tag>Transcode</Tag>'));
    expect([res.status, res.body]).toEqual([204, '']);
    expect(receiver.deliveries).toHaveLength(0);
  });

  test('CI failing is not verification: the callback fails (so CI may send it again) and nothing is forwarded', async () => {
    h.emulator.fault = () => ({ status: 503, code: 'ServiceUnavailable' });
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect([res.status, res.json.Error.Code]).toEqual([502, 'UpstreamError']);
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe('delivery', () => {
  test('duplicate callbacks give one webhook-id (receivers drop the second)', async () => {
    await callback(fixture('taskfinish-snapshot.xml'));
    await callback(fixture('taskfinish-snapshot.xml'));
    expect(receiver.deliveries).toHaveLength(2);
    const ids = receiver.deliveries.map((d) => verified(d) && d.headers['webhook-id']);
    expect(ids[0]).toBe(ids[1]);
    // A different job, or the same job in another state, is another message.
    await callback(taskFinish(`<JobId>${MEDIA_RUNNING}</JobId><Tag>Transcode</Tag>`));
    expect(receiver.deliveries[2]!.headers['webhook-id']).not.toBe(ids[0]);
  });

  test('a receiver that fails twice and then accepts gets the same message three times, each signed afresh', async () => {
    receiver.answer = (n) => (n < 2 ? 503 : 200);
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect(res.status).toBe(204);
    expect(receiver.deliveries.map((d) => d.headers['webhook-id'])).toEqual(Array(3).fill(receiver.deliveries[0]!.headers['webhook-id']));
    for (const d of receiver.deliveries) expect(verified(d).JobsDetail[0].JobId).toBe(SNAPSHOT);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'webhook' && l.jobId === SNAPSHOT && l.attempts === 3);
    expect(line).toMatchObject({ level: 'info', outcome: 'delivered', status: 200 });
  });

  test('a receiver that keeps failing: CI still gets 204; the failure is logged with target and status only', async () => {
    receiver.answer = () => 500;
    h.setEnv({
      CALLBACK_TOKEN: TOKEN,
      WEBHOOK_URLS: `${receiver.url}?receiver-token=abc123`,
      WEBHOOK_SECRET: SECRET,
      UPSTREAM_TIMEOUT_MS: '20000',
    });
    const before = logLines.length;
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect(res.status).toBe(204);
    expect(receiver.deliveries.length).toBe(5);
    const logged = logLines
      .slice(before)
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'webhook');
    expect(logged).toEqual([
      expect.objectContaining({ level: 'warn', outcome: 'failed', status: 500, failure: 'rejected', attempts: 5, target: receiver.url }),
    ]);
    const text = logLines.slice(before).join('\n');
    expect(text).not.toContain('abc123');
    expect(text).not.toContain(receiver.deliveries[0]!.headers['webhook-signature']);
    expect(text).not.toContain('JobsDetail');
  });

  test('a 4xx from the receiver is final: no retry', async () => {
    receiver.answer = () => 400;
    await callback(fixture('taskfinish-snapshot.xml'));
    expect(receiver.deliveries).toHaveLength(1);
  });

  test('every WEBHOOK_URLS entry gets the message', async () => {
    const second = await startReceiver('/other');
    try {
      h.setEnv({ CALLBACK_TOKEN: TOKEN, WEBHOOK_URLS: `${receiver.url}, ${second.url}`, WEBHOOK_SECRET: SECRET });
      await callback(fixture('taskfinish-snapshot.xml'));
      expect([receiver.deliveries.length, second.deliveries.length]).toEqual([1, 1]);
      expect(verified(second.deliveries[0]!).JobsDetail[0].JobId).toBe(SNAPSHOT);
    } finally {
      await second.close();
    }
  });

  test('without WEBHOOK_URLS the job is still verified (cache, long-polls) and CI gets 204', async () => {
    h.setEnv({ CALLBACK_TOKEN: TOKEN });
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/jobs/${SNAPSHOT}`]);
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe('cache and long-poll', () => {
  test('the verified job is cached: the next GET is answered without calling CI', async () => {
    h.setEnv({ CALLBACK_TOKEN: TOKEN, CACHE_TERMINAL_TTL_S: '300' });
    h.newInstance();
    await callback(fixture('taskfinish-snapshot.xml'));
    h.emulator.requests.length = 0;
    const res = await get(`/jobs/media/${SNAPSHOT}`);
    expect([res.status, res.headers['x-cache'], res.json.JobsDetail[0].State]).toEqual([200, 'hit', 'Success']);
    expect(ciPaths()).toEqual([]);
  });

  test('a callback wakes a waiting long-poll, which answers from the cache at once', async () => {
    h.setEnv({ CALLBACK_TOKEN: TOKEN, CACHE_TERMINAL_TTL_S: '300', UPSTREAM_TIMEOUT_MS: '20000' });
    h.newInstance();
    // A job of our own that stays Running until the test says it has finished.
    const id = `jwake${randomBytes(12).toString('hex')}`;
    const running = h.emulator.jobs.get(key('media', MEDIA_RUNNING))!;
    const fragment = running.fragment.replace(MEDIA_RUNNING, id);
    h.emulator.jobs.set(key('media', id), { ...running, jobId: id, fragment });

    const poll = h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}`, query: { wait: '20' } }), {
      request_id: 'lp',
      time_limit_in_ms: 30_000,
    });
    let polledAt = Date.now();
    // Let the poller settle into its longer pauses (0.5 s, 0.75 s, 1.1 s, then 1.7 s) before the job ends.
    while (h.emulator.requests.filter((r) => r.path === `/jobs/${id}`).length < 4) {
      await new Promise((r) => setTimeout(r, 20));
      polledAt = Date.now();
    }
    h.emulator.jobs.set(key('media', id), {
      ...running,
      jobId: id,
      fragment: fragment.replace('<State>Running</State>', '<State>Success</State>'),
    });
    const cb = await callback(taskFinish(`<JobId>${id}</JobId><Tag>Transcode</Tag>`), { token: TOKEN });
    const callbackDoneAt = Date.now();
    const res = await poll;
    const pollDoneAt = Date.now();

    expect(cb.status).toBe(204);
    expect([res.status, res.json.JobsDetail[0].State]).toEqual([200, 'Success']);
    // Four polls and the callback's own lookup; the woken poller read the cache.
    expect(h.emulator.requests.filter((r) => r.path === `/jobs/${id}`)).toHaveLength(5);
    // Without the wake-up it would have slept on until its next poll (1.7 s after the 4th).
    expect(pollDoneAt - callbackDoneAt).toBeLessThan(Math.max(200, 1600 - (callbackDoneAt - polledAt)));
  });
});

describe('the token guards the route', () => {
  test.each([
    ['missing', {}],
    ['wrong', { token: `${TOKEN.slice(0, -1)}x` }],
    ['empty', { token: '' }],
    ['a prefix', { token: TOKEN.slice(0, 10) }],
  ])('%s token: 401, no CI call, nothing forwarded', async (_name, query) => {
    const res = await callback(fixture('taskfinish-snapshot.xml'), query);
    expect([res.status, res.json.Error.Code]).toEqual([401, 'Unauthorized']);
    expect(ciPaths()).toEqual([]);
    expect(receiver.deliveries).toHaveLength(0);
  });

  test('with CALLBACK_TOKEN unset every callback is refused', async () => {
    h.setEnv({ WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET });
    const res = await callback(fixture('taskfinish-snapshot.xml'), { token: TOKEN });
    expect(res.status).toBe(401);
    expect(ciPaths()).toEqual([]);
  });

  test('the token is checked before the body is even looked at', async () => {
    const res = await callback('x'.repeat(2 * 1024 * 1024), {});
    expect(res.status).toBe(401);
  });
});

describe('bad input', () => {
  const expectRefused = async (body: string, status: number, code: string, contentType?: string) => {
    const res = await callback(body, { token: TOKEN }, contentType);
    expect([res.status, res.json.Error.Code]).toEqual([status, code]);
    expect(ciPaths()).toEqual([]);
    expect(receiver.deliveries).toHaveLength(0);
    return res;
  };

  test('oversize: 413', async () => {
    await expectRefused(taskFinish(`<JobId>${SNAPSHOT}</JobId><Pad>${'x'.repeat(1024 * 1024)}</Pad>`), 413, 'PayloadTooLarge');
  });

  test('an entity-expansion bomb is refused before it can expand', async () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      `<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>${SNAPSHOT}</JobId><Tag>&c;</Tag></JobsDetail></Response>`;
    const res = await expectRefused(bomb, 400, 'InvalidCallback');
    expect(res.json.Error.Message).toContain('doctype');
  });

  test('deep nesting, XML and JSON', async () => {
    await expectRefused(`<Response>${'<a>'.repeat(500)}${'</a>'.repeat(500)}</Response>`, 400, 'InvalidCallback');
    await expectRefused(
      `{"EventName":"TaskFinish","JobsDetail":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      400,
      'InvalidCallback',
      'application/json',
    );
  });

  test('malformed or foreign bodies', async () => {
    await expectRefused('', 400, 'InvalidCallback');
    await expectRefused('<Response><JobsDetail><JobId>j1</JobId>', 400, 'InvalidCallback');
    await expectRefused('{"EventName":"TaskFinish","JobsDetail":{"JobId":"j1",}}', 400, 'InvalidCallback', 'application/json');
    await expectRefused('EventName=TaskFinish&JobId=j1', 400, 'InvalidCallback', 'application/x-www-form-urlencoded');
    await expectRefused('<Response><EventName>ObjectCreated</EventName></Response>', 400, 'InvalidCallback');
    await expectRefused('{"EventName":"TaskFinish"}', 400, 'InvalidCallback', 'application/json');
  });

  test('a job id that is not a CI id never reaches a CI path', async () => {
    for (const id of ['../../admin', 'j1/../../x', 'a'.repeat(65), 'j1,j2', '%2e%2e']) {
      h.emulator.requests.length = 0;
      await expectRefused(taskFinish(`<JobId>${id}</JobId><Tag>Transcode</Tag>`), 400, 'InvalidCallback');
    }
  });

  test('__proto__ and constructor keys are just data', async () => {
    const res = await callback(
      `{"__proto__":{"EventName":"TaskFinish"},"constructor":{"prototype":{"x":1}},"EventName":"TaskFinish","JobsDetail":[{"__proto__":{"JobId":"jx"},"JobId":"${SNAPSHOT}","Tag":"Snapshot"}]}`,
      { token: TOKEN },
      'application/json',
    );
    expect(res.status).toBe(204);
    expect(ciPaths()).toEqual([`/jobs/${SNAPSHOT}`]);
  });

  test('GET on the route is 405 with Allow: POST', async () => {
    const res = await h.call(functionUrlEvent({ method: 'GET', path: '/callbacks/ci', query: { token: TOKEN } }));
    expect([res.status, res.headers.allow]).toEqual([405, 'POST']);
  });
});

describe('configuration', () => {
  test.each([
    ['WEBHOOK_URLS', { WEBHOOK_URLS: 'http://hooks.example.com/ci' }],
    ['WEBHOOK_URLS', { WEBHOOK_URLS: 'hooks-without-scheme' }],
    ['WEBHOOK_URLS', { WEBHOOK_URLS: 'https://user:pw@hooks.example.com/ci' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'plain-secret-without-prefix' }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: `whsec_${randomBytes(8).toString('base64')}` }],
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: undefined }],
    ['CALLBACK_TOKEN', { CALLBACK_TOKEN: 'short' }],
  ])('an invalid %s is 500 ServerMisconfigured naming it, never its value', async (name, override) => {
    h.setEnv({ CALLBACK_TOKEN: TOKEN, WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET, ...override });
    const res = await callback(fixture('taskfinish-snapshot.xml'));
    expect([res.status, res.json.Error.Code]).toEqual([500, 'ServerMisconfigured']);
    expect(res.json.Error.Message).toContain(name);
    for (const value of Object.values(override)) if (value) expect(res.body).not.toContain(value);
    expect(ciPaths()).toEqual([]);
  });

  test('a bad webhook setting does not break the lookups', async () => {
    h.setEnv({ WEBHOOK_URLS: 'http://hooks.example.com/ci' });
    expect((await get(`/jobs/media/${SNAPSHOT}`)).status).toBe(200);
  });
});
