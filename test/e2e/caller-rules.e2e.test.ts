/**
 * Issue 12 §3 and issue 8 (request errors): the caller side, tightened. The built bundle against
 * the emulator on loopback; each test failed on the code before the change.
 */
import { SignJWT } from 'jose';
import { functionUrlEvent } from '../helpers/events';
import { useQuietHarness } from '../helpers/quiet-harness';
import { MEDIA_SUCCESS } from '../helpers/seed-jobs';

const h = useQuietHarness();
const SECRET = 'a-test-only-hs256-secret-of-32-bytes-or-more';
const JWT_ENV = { AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_ISSUER: 'https://login.example.com', JWT_AUDIENCE: 'ci-job-status' };

const get = (path: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) =>
  h.call(functionUrlEvent({ method: 'GET', path, headers, query }));
const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  h.call(functionUrlEvent({ method: 'POST', path: '/jobs/query', headers, body }));

describe('JWT', () => {
  const key = new TextEncoder().encode(SECRET);
  const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(JWT_ENV.JWT_ISSUER).setAudience(JWT_ENV.JWT_AUDIENCE);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('a token without exp is refused', async () => {
    h.setEnv(JWT_ENV);
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`, bearer(await base().setIssuedAt().sign(key)));
    expect(res.status).toBe(401);
    expect(h.emulator.requests).toHaveLength(0);
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`, bearer(await base().setIssuedAt().setExpirationTime('5m').sign(key)))).status).toBe(
      200,
    );
  });

  test('an iat in the future beyond the clock tolerance is refused; within it, accepted', async () => {
    h.setEnv(JWT_ENV);
    const now = Math.floor(Date.now() / 1000);
    const future = await base()
      .setIssuedAt(now + 120)
      .setExpirationTime(now + 600)
      .sign(key);
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`, bearer(future))).status).toBe(401);
    const slightlyAhead = await base()
      .setIssuedAt(now + 10)
      .setExpirationTime(now + 600)
      .sign(key);
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`, bearer(slightlyAhead))).status).toBe(200);
  });

  test.each([
    ['no JWT_ISSUER', { JWT_ISSUER: undefined }],
    ['no JWT_AUDIENCE', { JWT_AUDIENCE: undefined }],
    ['neither', { JWT_ISSUER: undefined, JWT_AUDIENCE: '  ' }],
  ])('AUTH_MODE=jwt with %s is a 500 ServerMisconfigured naming both', async (_name, env) => {
    h.setEnv({ ...JWT_ENV, ...env });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`, bearer(await base().setExpirationTime('5m').sign(key)));
    expect(res.status).toBe(500);
    expect(res.json.Error.Code).toBe('ServerMisconfigured');
    expect(res.json.Error.Message).toContain('JWT_ISSUER');
    expect(res.json.Error.Message).toContain('JWT_AUDIENCE');
  });
});

describe('AUTH_MODE is read the same however it is written', () => {
  test.each(['JWT', 'Jwt', ' jwt '])('%j means jwt', async (mode) => {
    h.setEnv({ ...JWT_ENV, AUTH_MODE: mode });
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`)).status).toBe(401);
  });
  test.each(['', '   ', 'NONE'])('%j means none', async (mode) => {
    h.setEnv({ AUTH_MODE: mode });
    expect((await get(`/jobs/media/${MEDIA_SUCCESS}`)).status).toBe(200);
  });
});

describe('/openapi.json servers URL', () => {
  test.each(['//evil.example/openapi.json', '/a.b/openapi.json', '/%2F%2Fevil/openapi.json', '/stage/../x/openapi.json'])(
    '%s: no server URL built from it',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json.servers ?? [])).not.toMatch(/evil|\.\.|a\.b|%2F/);
    },
  );
  test('a plain stage prefix still names the stage', async () => {
    expect((await get('/release/v1_2-x/openapi.json')).json.servers).toEqual([{ url: '/release/v1_2-x' }]);
  });
});

describe('ALLOWED_REGIONS', () => {
  test('a region other than CI_REGION is 403 RegionNotAllowed, and CI is not called', async () => {
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`, {}, { region: 'ap-beijing' });
    expect(res.status).toBe(403);
    expect(res.json.Error.Code).toBe('RegionNotAllowed');
    expect(h.emulator.requests).toHaveLength(0);
  });
  test('a listed region is allowed and reaches that region’s host', async () => {
    h.setEnv({ ALLOWED_REGIONS: 'ap-beijing, ap-shanghai' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`, {}, { region: 'ap-beijing' });
    expect(res.status).toBe(200);
    expect(h.emulator.requests[0]!.region).toBe('ap-beijing');
  });
  test('an invalid entry is a deployment error', async () => {
    h.setEnv({ ALLOWED_REGIONS: 'ap-beijing,evil.example' });
    const res = await get(`/jobs/media/${MEDIA_SUCCESS}`);
    expect(res.status).toBe(500);
    expect(res.json.Error.Message).toContain('ALLOWED_REGIONS');
  });
});

describe('small inconsistencies', () => {
  test('duplicate ids in a POST are dropped before counting, as in a GET', async () => {
    const jobIds = [...Array.from({ length: 60 }, () => MEDIA_SUCCESS), 'jnothere'];
    const res = await post(JSON.stringify({ type: 'media', jobIds }));
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail).toHaveLength(1);
    expect(res.json.NonExistJobIds).toEqual(['jnothere']);
  });

  test('a JSON body with a byte-order mark is accepted', async () => {
    const res = await post(`\uFEFF${JSON.stringify({ type: 'media', jobIds: [MEDIA_SUCCESS] })}`);
    expect(res.status).toBe(200);
  });

  test.each(['health', 'openapi.json'])('a job id equal to a route name (%s) is still looked up', async (id) => {
    const res = await get(`/jobs/media/${id}`);
    expect(h.emulator.requests.map((r) => r.path)).toEqual(id === 'health' ? ['/jobs/health'] : []);
    expect(res.status).toBe(id === 'health' ? 404 : 400); // CI does not know it / `.` is not an id character
    expect(res.json.Error.Code).toBe(id === 'health' ? 'NoSuchJob' : 'InvalidJobId');
  });

  test('the same id twice in a GET is still one id: unknown → 404', async () => {
    expect((await get('/jobs/media/jnothere,jnothere')).status).toBe(404);
  });
});

describe('request errors (issue 8)', () => {
  test('a POST with an unknown type answers InvalidJobType, as the GET does', async () => {
    const res = await post(JSON.stringify({ type: 'video', jobIds: ['j1'] }));
    expect(res.status).toBe(400);
    expect(res.json.Error.Code).toBe('InvalidJobType');
    expect(res.json.Error.Details).toBeUndefined();
    expect(res.json.Error.Message).toBe((await get('/jobs/video/j1')).json.Error.Message);
  });

  test('"must NOT have additional properties" names the property', async () => {
    const res = await post(JSON.stringify({ type: 'media', jobIds: ['j1'], jobId: 'j2' }));
    expect(res.status).toBe(400);
    expect(res.json.Error.Details).toEqual([{ path: '/', message: expect.stringContaining('"jobId"') }]);
  });
});
