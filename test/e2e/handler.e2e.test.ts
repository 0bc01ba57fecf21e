/**
 * The built bundle's main_handler, driven with SCF Function URL and API Gateway events, against
 * the CI emulator over loopback HTTP. Every behaviour of the public API is asserted here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiGatewayEvent, functionUrlEvent } from '../helpers/events';
import { BUCKET, REGION, TEST_KEYS } from '../helpers/harness';
import { useHarness } from '../helpers/use-harness';
import { scanForSecrets } from '../helpers/secret-scan';

// Seed samples, served by the emulator from dev/fixtures.
const MEDIA_SUCCESS = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
const MEDIA_RUNNING = 'j8d121820f5e411ec926ef19d53ba9c6f';
const ANIMATION = 'je8f65004eb8511eaaed4f377124a303c';
const PIC = 'c93984788066911ed89ed352d4d9d2084';
const AI = 'a8d121820f5e411ec926ef19d53ba9c6f';
const BATCH = 'b3deffea2f84911ec9cb15254008618d9';
const ORIGIN = 'https://app.example.com';

const h = useHarness();
const logged = scanForSecrets({ answers: () => h.answers, extraSecrets: ['wrong-secret-value', 'some-other-secret', 'rotated-token'] });

const get = (path: string, query?: Record<string, string>, headers?: Record<string, string>) =>
  h.call(functionUrlEvent({ method: 'GET', path, ...(query ? { query } : {}), ...(headers ? { headers } : {}) }));
const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  h.call(functionUrlEvent({ method: 'POST', path: '/jobs/query', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));

describe('routes', () => {
  test('GET /health answers without touching CI', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test.each([
    ['media', MEDIA_SUCCESS, '/jobs/', 'Transcode'],
    ['pic', PIC, '/pic_jobs/', 'PicProcess'],
    ['ai', AI, '/ai_jobs/', 'Translation'],
    ['batch', BATCH, '/inventorytriggerjob/', undefined],
  ])('GET /jobs/%s/{id} queries %s and returns JSON', async (type, id, ciPath, tag) => {
    const res = await get(`/jobs/${type}/${id}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail).toHaveLength(1);
    expect(res.json.JobsDetail[0].JobId).toBe(id);
    expect(res.json.JobsDetail[0].Tag).toBe(tag);
    expect(res.json.NonExistJobIds).toEqual([]);
    expect(h.emulator.requests.map((r) => r.path)).toEqual([`${ciPath}${id}`]);
    expect(h.emulator.requests[0]!.host).toBe(`${BUCKET}.ci.${REGION}.localhost:${h.emulator.port}`);
    expect(res.headers['x-ci-request-id']).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  test('the seed Transcode success converts with arrays, types and nulls from the schema', async () => {
    const job = (await get(`/jobs/media/${MEDIA_SUCCESS}`)).json.JobsDetail[0];
    expect(job.Progress).toBe(100);
    expect(job.Operation.WatermarkTemplateId).toHaveLength(3);
    expect(job.Operation.MediaInfo.Stream.Audio[0].CodecTag).toBe('0x6134706d');
    expect(job.Operation.MediaInfo.Stream.Video).toHaveLength(1);
    expect(job.Operation.MediaResult.OutputFile.ObjectName).toEqual(['output/out.mp4']);
    expect(job.Operation.MediaResult.OutputFile.Md5Info).toEqual([
      { Md5: '3df1f845d2ffd20a525a93ec40014d90', ObjectName: 'output/out.mp4' },
    ]);
    expect(job.Operation.DigitalWatermark.IgnoreError).toBe(false);
    expect(job.Operation.DigitalWatermark.Message).toBe('123456789ab');
    const running = (await get(`/jobs/media/${MEDIA_RUNNING}`)).json.JobsDetail[0];
    expect(running).toMatchObject({ State: 'Running', Progress: 30, StartTime: '2022-06-27T15:23:13+0800', EndTime: null });
    const submitted = (await get(`/jobs/pic/${PIC}`)).json.JobsDetail[0];
    expect(submitted).toMatchObject({ State: 'Submitted', StartTime: null, EndTime: null, Message: '' });
  });

  test('batch jobs carry CI’s own RequestId from the body', async () => {
    const res = await get(`/jobs/batch/${BATCH}`);
    expect(res.json.RequestId).toBe(res.headers['x-ci-request-id']);
    expect(res.json.JobsDetail[0].Type).toBe('Workflow');
  });

  test('several media ids go in one call and come back in request order with the missing ones listed', async () => {
    const res = await get(`/jobs/media/${ANIMATION},jmissing1,${MEDIA_SUCCESS},${MEDIA_RUNNING}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual([ANIMATION, MEDIA_SUCCESS, MEDIA_RUNNING]);
    expect(res.json.NonExistJobIds).toEqual(['jmissing1']);
    expect(h.emulator.requests).toHaveLength(1);
    expect(h.emulator.requests[0]!.path).toBe(`/jobs/${ANIMATION},jmissing1,${MEDIA_SUCCESS},${MEDIA_RUNNING}`);
  });

  test('more than 10 media ids are split into concurrent calls of at most 10, merged in request order', async () => {
    const known = [...h.emulator.jobs.values()].filter((j) => j.family === 'media').map((j) => j.jobId);
    const ids = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 && known[i / 3] ? (known[i / 3] as string) : `jnone${i}`));
    const res = await post({ type: 'media', jobIds: ids });
    expect(res.status).toBe(200);
    expect(h.emulator.requests.map((r) => r.path.split('/')[2]!.split(',').length)).toEqual([10, 10, 3]);
    const existing = ids.filter((id) => !id.startsWith('jnone'));
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual(existing);
    expect(res.json.NonExistJobIds).toEqual(ids.filter((id) => id.startsWith('jnone')));
    expect(res.json.RequestId).toBeNull();
    expect(res.headers['x-ci-request-id']!.split(', ')).toHaveLength(3);
  });

  test('ai and batch ids are fetched one call each', async () => {
    const res = await get(`/jobs/ai/${AI},anope1,anope2`);
    expect(res.status).toBe(200);
    expect(h.emulator.requests.map((r) => r.path).sort()).toEqual([`/ai_jobs/${AI}`, '/ai_jobs/anope1', '/ai_jobs/anope2'].sort());
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual([AI]);
    expect(res.json.NonExistJobIds).toEqual(['anope1', 'anope2']);
  });

  test('50 ai ids: 50 concurrent calls on one signal, and Node prints no listener-leak warning', async () => {
    // In a child process: Node reports MaxListenersExceededWarning on the real process's stderr,
    // which jest's sandboxed process does not see. On SCF that line would land in the function's logs.
    const ids = [AI, ...Array.from({ length: 49 }, (_, i) => `anope${i}`)];
    const event = functionUrlEvent({
      method: 'POST',
      path: '/jobs/query',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ai', jobIds: ids }),
    });
    const script = `require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'job-status', 'index.js'))})
      .main_handler(${JSON.stringify(event)}, {}).then((r) => process.stdout.write('status=' + r.statusCode + '\\n'));`;
    // A long CI budget: the subject is the listeners, and 50 calls take long on a busy machine.
    const env = { ...process.env, UPSTREAM_TIMEOUT_MS: '30000' };
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], { env });
    expect(stdout).toContain('status=200');
    expect(h.emulator.requests).toHaveLength(50);
    expect(stderr).not.toContain('MaxListenersExceededWarning');
  }, 60_000);

  test('POST /jobs/query takes the same lookups as JSON', async () => {
    const res = await post({ type: 'pic', jobIds: [PIC, 'cnothere'] });
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail[0].JobId).toBe(PIC);
    expect(res.json.NonExistJobIds).toEqual(['cnothere']);
  });

  test('a single-id GET for a job CI does not know is a 404 in the error envelope', async () => {
    const res = await get('/jobs/media/jdoesnotexist');
    expect(res.status).toBe(404);
    expect(res.json.Error).toMatchObject({ Code: 'NoSuchJob', RequestId: res.headers['x-request-id'] });
  });

  test('the API Gateway event shape works, with a stage prefix and a base64 body', async () => {
    const g = await h.call(apiGatewayEvent({ method: 'GET', path: `/jobs/media/${MEDIA_SUCCESS}` }));
    expect(g.status).toBe(200);
    expect(g.json.JobsDetail[0].JobId).toBe(MEDIA_SUCCESS);
    const p = await h.call(
      apiGatewayEvent({
        method: 'POST',
        path: '/jobs/query',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'ai', jobIds: [AI] }),
        base64: true,
      }),
    );
    expect(p.status).toBe(200);
    expect(p.json.JobsDetail[0].JobId).toBe(AI);
    const health = await h.call(apiGatewayEvent({ method: 'GET', path: '/health' }, 'prod'));
    expect(health.status).toBe(200);
  });

  test('a caller’s well-formed x-request-id is kept; a malformed one is replaced', async () => {
    expect((await get('/health', undefined, { 'x-request-id': 'abc-123_x' })).headers['x-request-id']).toBe('abc-123_x');
    const replaced = (await get('/health', undefined, { 'x-request-id': 'bad id\n<script>' })).headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bad input never reaches CI', () => {
  test.each([
    ['unknown route', () => get('/nope'), 404, 'NoSuchRoute'],
    ['wrong method', () => h.call(functionUrlEvent({ method: 'DELETE', path: `/jobs/media/${MEDIA_SUCCESS}` })), 405, 'MethodNotAllowed'],
    ['GET on the POST route', () => get('/jobs/query'), 405, 'MethodNotAllowed'],
    ['unknown job type', () => get('/jobs/video/j1'), 400, 'InvalidJobType'],
    ['path traversal in the id', () => get('/jobs/media/..%2F..%2Fetc'), 400, 'InvalidJobId'],
    ['space in the id', () => get('/jobs/media/a%20b'), 400, 'InvalidJobId'],
    ['bad percent-encoding', () => get('/jobs/media/%E0%A4%A'), 400, 'InvalidJobId'],
    ['empty id in a list', () => get('/jobs/media/j1,,j2'), 400, 'InvalidJobId'],
    ['51 ids', () => get(`/jobs/media/${Array.from({ length: 51 }, (_, i) => `j${i}`).join(',')}`), 400, 'TooManyJobIds'],
    ['invalid bucket', () => get('/jobs/media/j1', { bucket: 'evil.com/x' }), 400, 'InvalidBucket'],
    ['bucket not allowed', () => get('/jobs/media/j1', { bucket: 'otherbucket-1250000000' }), 403, 'BucketNotAllowed'],
    ['invalid region', () => get('/jobs/media/j1', { region: 'localhost:80#' }), 400, 'InvalidRegion'],
    ['wrong content type', () => post({ type: 'media', jobIds: ['j1'] }, { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType'],
    ['no content type', () => post({ type: 'media', jobIds: ['j1'] }, {}), 415, 'UnsupportedMediaType'],
    ['bad JSON', () => post('{"type": "media", jobIds: }'), 400, 'InvalidJson'],
    ['body too large', () => post({ type: 'media', jobIds: ['j1'], pad: 'x'.repeat(17 * 1024) }), 413, 'PayloadTooLarge'],
    ['extra field', () => post({ type: 'media', jobIds: ['j1'], url: 'http://evil' }), 400, 'InvalidRequest'],
    ['51 ids in a body', () => post({ type: 'media', jobIds: Array.from({ length: 51 }, (_, i) => `j${i}`) }), 400, 'InvalidRequest'],
    ['no ids', () => post({ type: 'media', jobIds: [] }), 400, 'InvalidRequest'],
    ['bad id in a body', () => post({ type: 'media', jobIds: ['j1/../x'] }), 400, 'InvalidRequest'],
    ['unknown type in a body', () => post({ type: 'docs', jobIds: ['j1'] }), 400, 'InvalidJobType'],
    ['__proto__ key', () => post('{"type":"media","jobIds":["j1"],"__proto__":{"polluted":true}}'), 400, 'InvalidRequest'],
    ['body not an object', () => post('[1,2]'), 400, 'InvalidRequest'],
  ])('%s → %i %s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.json.Error.Code).toBe(code);
    expect(typeof res.json.Error.Message).toBe('string');
    expect(res.json.Error.RequestId).toBe(res.headers['x-request-id']);
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
    expect(h.emulator.requests).toHaveLength(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('schema errors in a body say where', async () => {
    const res = await post({ type: 'media', jobIds: 'j1' });
    expect(res.json.Error.Details[0]).toEqual({ path: '/jobIds', message: expect.any(String) });
  });

  test('a non-HTTP event is refused cleanly', async () => {
    const res = await h.call({ Type: 'Timer', TriggerName: 't', Time: '2026-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.json.Error.Code).toBe('InvalidEvent');
    expect((await h.call(null)).status).toBe(400);
  });
});

describe('which host', () => {
  test('a bucket in ALLOWED_BUCKETS may be named, and the request goes to that bucket’s host', async () => {
    h.setEnv({ ALLOWED_BUCKETS: 'otherbucket-1250000001, third-1250000002', ALLOWED_REGIONS: 'ap-shanghai' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`, { bucket: 'otherbucket-1250000001', region: 'ap-shanghai' });
    expect(res.status).toBe(200);
    expect(h.emulator.requests[0]).toMatchObject({ bucket: 'otherbucket-1250000001', region: 'ap-shanghai' });
  });

  test('region falls back to TENCENTCLOUD_REGION', async () => {
    h.setEnv({ CI_REGION: undefined, TENCENTCLOUD_REGION: 'ap-chengdu' });
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`)).status).toBe(200);
    expect(h.emulator.requests[0]!.region).toBe('ap-chengdu');
  });

  test('without CI_BUCKET a request must name a bucket', async () => {
    h.setEnv({ CI_BUCKET: undefined });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(400);
    expect(res.json.Error.Code).toBe('MissingBucket');
  });

  test('a broken deployment setting is a 500 that names the variable, not its value', async () => {
    h.setEnv({ CI_ENDPOINT: 'ftp://secret-host.example/{bucket}' });
    const res = await get('/health');
    expect(res.status).toBe(500);
    expect(res.json.Error).toMatchObject({ Code: 'ServerMisconfigured', Message: expect.stringContaining('CI_ENDPOINT') });
    expect(res.body).not.toContain('secret-host');
  });
});

describe('credentials and upstream failures', () => {
  test('missing role keys → a clear 500, no crash, no upstream call', async () => {
    h.setEnv({ TENCENTCLOUD_SECRETID: undefined, TENCENTCLOUD_SECRETKEY: undefined, TENCENTCLOUD_SESSIONTOKEN: undefined });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(500);
    expect(res.json.Error.Code).toBe('MissingCredentials');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('the token is sent as x-ci-security-token and keys are re-read on every invocation', async () => {
    await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(h.emulator.requests[0]!.headers['x-ci-security-token']).toBe(TEST_KEYS.sessionToken);
    h.setEnv({ TENCENTCLOUD_SESSIONTOKEN: 'rotated-token' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(h.emulator.requests[1]!.headers['x-ci-security-token']).toBe('rotated-token');
    // The emulator knows only the original token, so CI's refusal comes back as a 502 with CI's code.
    expect(res.status).toBe(502);
  });

  test('a wrong signature → 502 UpstreamAccessDenied carrying CI’s code and request id, not its text', async () => {
    h.setEnv({ TENCENTCLOUD_SECRETKEY: 'some-other-secret' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamAccessDenied');
    expect(res.json.Error.Upstream).toMatchObject({
      Status: 403,
      Code: 'SignatureDoesNotMatch',
      RequestId: expect.any(String),
      TraceId: expect.any(String),
    });
    expect(res.body).not.toMatch(/does not match|calculated|q-signature/i);
  });

  test('CI’s error XML for a server error is parsed, not passed through', async () => {
    h.emulator.fault = () => ({ status: 503, code: 'ServiceUnavailable' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Upstream).toMatchObject({ Status: 503, Code: 'ServiceUnavailable' });
    expect(res.body).not.toContain('injected fault');
  });

  test('a slow CI → 504 UpstreamTimeout', async () => {
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '150' });
    h.emulator.fault = () => ({ delayMs: 3000, status: 200, body: '<Response/>' });
    const started = Date.now();
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(504);
    expect(res.json.Error.Code).toBe('UpstreamTimeout');
    // Far from CI's 3 s rather than close to the 150 ms timeout: other suites share the CPU.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test.each([
    ['truncated XML', '<Response><JobsDetail><JobId>j1</JobId>'],
    [
      'an entity bomb',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Response>&lol2;</Response>',
    ],
    ['no Response root', '<Other/>'],
  ])('%s from CI → 502 UpstreamInvalidResponse', async (_name, body) => {
    h.emulator.fault = () => ({ status: 200, body });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamInvalidResponse');
  });

  const broken = `<Response><JobsDetail><JobId>${MEDIA_SUCCESS}</JobId><State>Running</State><Tag>Transcode</Tag><Progress>half</Progress></JobsDetail></Response>`;

  test('SCHEMA_MODE=strict: a contract break is a 502 listing where', async () => {
    h.setEnv({ SCHEMA_MODE: 'strict' });
    h.emulator.fault = () => ({ status: 200, body: broken });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamInvalidResponse');
    expect(res.json.Error.Details[0].path).toBe('/JobsDetail/0/Progress');
  });

  test.each([
    ['SCHEMA_MODE=report', 'report'],
    ['no SCHEMA_MODE (the default)', undefined],
  ])('%s: the data comes back with SchemaErrors', async (_name, mode) => {
    h.setEnv({ SCHEMA_MODE: mode });
    h.emulator.fault = () => ({ status: 200, body: broken });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail[0].Progress).toBe('half');
    expect(res.json.SchemaErrors).toEqual([{ path: '/JobsDetail/0/Progress', expected: 'number', received: 'string' }]);
    expect(res.headers['x-schema-errors']).toBe('1');
  });
});

describe('CORS', () => {
  test('preflight from an allowed origin is answered by the function', async () => {
    const res = await h.call(
      functionUrlEvent({
        method: 'OPTIONS',
        path: '/jobs/query',
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toContain('content-type');
    expect(res.headers.vary).toBe('Origin');
    expect(h.emulator.requests).toHaveLength(0);
  });

  test('preflight from another origin is refused and grants nothing', async () => {
    const res = await h.call(functionUrlEvent({ method: 'OPTIONS', path: '/jobs/query', headers: { origin: 'https://evil.example' } }));
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
  });

  test('responses, errors included, carry CORS headers for an allowed origin', async () => {
    const ok = await get(`/jobs/media/${MEDIA_SUCCESS}`, undefined, { origin: ORIGIN });
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(ok.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(ok.headers['access-control-expose-headers']).toContain('retry-after');
    const err = await get('/jobs/media/bad$id', undefined, { origin: ORIGIN });
    expect(err.status).toBe(400);
    expect(err.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(err.headers.vary).toBe('Origin');
  });

  test('* only when configured', async () => {
    h.setEnv({ ALLOWED_ORIGINS: '*' });
    expect((await get('/health', undefined, { origin: 'https://any.example' })).headers['access-control-allow-origin']).toBe('*');
    h.setEnv({ ALLOWED_ORIGINS: undefined });
    expect((await get('/health', undefined, { origin: 'https://any.example' })).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('secrets', () => {
  test('no key, token or signature ever reaches a response or a log line', async () => {
    // Exercise success, upstream failure and bad input once more, then scan everything seen.
    const seen = [
      await get(`/jobs/media/${MEDIA_SUCCESS}`),
      await get('/jobs/media/bad$'),
      await (async () => {
        h.setEnv({ TENCENTCLOUD_SECRETKEY: 'wrong-secret-value' });
        return get(`/jobs/media/${MEDIA_SUCCESS}`);
      })(),
    ];
    const text = [...seen.map((r) => r.body + JSON.stringify(r.headers)), ...logged].join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [TEST_KEYS.secretKey, TEST_KEYS.sessionToken, 'wrong-secret-value', 'q-signature', 'q-sign-algorithm'])
      expect(text).not.toContain(secret);
  });

  test('one structured log line per request', async () => {
    logged.length = 0;
    await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(logged).toHaveLength(1);
    const line = JSON.parse(logged[0]!);
    expect(line).toMatchObject({
      msg: 'request',
      level: 'info',
      route: 'jobs-by-path',
      method: 'GET',
      status: 200,
      outcome: 'ok',
      scfRequestId: 'scf-req-1',
      type: 'media',
      ids: 1,
      upstreamStatus: 200,
      attempts: 1,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
      time: expect.any(String),
    });
    expect(line.ciRequestIds).toHaveLength(1);
  });
});
