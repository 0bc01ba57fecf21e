/**
 * Caller authentication through the built bundle: API keys stored as SHA-256 hashes, JWTs with
 * a shared secret or from a JWKS served on loopback. A refused caller never reaches CI.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { functionUrlEvent } from '../helpers/events';
import { startHarness } from '../helpers/harness';
import { scanForSecrets } from '../helpers/secret-scan';

const JOB = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
const ORIGIN = 'https://app.example.com';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SECRET = 'a-jwt-secret-that-is-at-least-32-bytes-long';

let h: Awaited<ReturnType<typeof startHarness>>;
scanForSecrets({ answers: () => h.answers, extraSecrets: [SECRET, 'first-key', 'second-key'] });
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => (h.emulator.requests.length = 0));

const lookup = (headers: Record<string, string> = {}) => h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${JOB}`, headers }));

function expect401(res: Awaited<ReturnType<typeof lookup>>) {
  expect(res.status).toBe(401);
  expect(res.json.Error.Code).toBe('Unauthorized');
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="ci-job-status"/);
  expect(h.emulator.requests).toHaveLength(0);
}

describe('AUTH_MODE=apikey', () => {
  beforeEach(() => h.setEnv({ AUTH_MODE: 'apikey', API_KEY_SHA256: `${sha256('first-key')}, ${sha256('second-key')}` }));

  test('no key → 401 with WWW-Authenticate and CORS headers', async () => {
    const res = await lookup({ origin: ORIGIN });
    expect401(res);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  test.each([
    ['wrong key', { 'x-api-key': 'third-key' }],
    ['a hash instead of the key', { 'x-api-key': sha256('first-key') }],
    ['wrong key as bearer', { authorization: 'Bearer nope' }],
    ['empty bearer', { authorization: 'Bearer ' }],
  ])('%s → 401', async (_n, headers) => expect401(await lookup(headers)));

  test.each([
    ['x-api-key', { 'x-api-key': 'first-key' }],
    ['Authorization: Bearer', { authorization: 'Bearer second-key' }],
  ])('a configured key in %s is accepted', async (_n, headers) => {
    expect((await lookup(headers)).status).toBe(200);
  });

  test('preflight and /health need no key', async () => {
    h.setEnv({ AUTH_MODE: 'apikey', API_KEY_SHA256: sha256('first-key'), ALLOWED_ORIGINS: ORIGIN });
    const pre = await h.call(
      functionUrlEvent({ method: 'OPTIONS', path: '/jobs/query', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } }),
    );
    expect(pre.status).toBe(204);
    expect((await h.call(functionUrlEvent({ method: 'GET', path: '/health' }))).status).toBe(200);
  });

  test('apikey mode without hashes is a deployment error, not an open door', async () => {
    h.setEnv({ AUTH_MODE: 'apikey' });
    const res = await lookup({ 'x-api-key': 'anything' });
    expect(res.status).toBe(500);
    expect(res.json.Error.Code).toBe('ServerMisconfigured');
  });

  test('an unknown AUTH_MODE is refused', async () => {
    h.setEnv({ AUTH_MODE: 'basic' });
    expect((await lookup()).json.Error.Code).toBe('ServerMisconfigured');
  });
});

describe('AUTH_MODE=jwt with a shared secret (HS256)', () => {
  const key = new TextEncoder().encode(SECRET);
  const token = (claims: Record<string, unknown> = {}, exp: string | number = '5m', secret = key) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://login.example.com')
      .setAudience('ci-job-status')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(secret);

  beforeEach(() =>
    h.setEnv({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_ISSUER: 'https://login.example.com', JWT_AUDIENCE: 'ci-job-status' }),
  );

  test('a valid token is accepted', async () => {
    expect((await lookup({ authorization: `Bearer ${await token()}` })).status).toBe(200);
  });

  test('a token expired 10 s ago is within the 30 s clock tolerance; 2 min ago is not', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await lookup({ authorization: `Bearer ${await token({}, now - 10)}` })).status).toBe(200);
    h.emulator.requests.length = 0;
    expect401(await lookup({ authorization: `Bearer ${await token({}, now - 120)}` }));
  });

  test('wrong issuer, wrong audience, wrong secret, alg none, garbage → 401', async () => {
    const wrongIss = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://evil.example')
      .setAudience('ci-job-status')
      .setExpirationTime('5m')
      .sign(key);
    const wrongAud = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://login.example.com')
      .setAudience('other')
      .setExpirationTime('5m')
      .sign(key);
    const wrongKey = await token({}, '5m', new TextEncoder().encode('another-secret-that-is-32-bytes-or-more!'));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"https://login.example.com","aud":"ci-job-status"}').toString('base64url')}.`;
    for (const t of [wrongIss, wrongAud, wrongKey, unsigned, 'not.a.jwt']) expect401(await lookup({ authorization: `Bearer ${t}` }));
  });

  test('an API key header does not count as a JWT', async () => {
    expect401(await lookup({ 'x-api-key': await token() }));
  });

  test('a short secret is a deployment error', async () => {
    h.setEnv({ AUTH_MODE: 'jwt', JWT_SECRET: 'short' });
    expect((await lookup()).json.Error.Code).toBe('ServerMisconfigured');
  });
});

describe('AUTH_MODE=jwt with a JWKS URL', () => {
  let jwks: Server;
  let url: string;
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));
  beforeEach(() => h.setEnv({ AUTH_MODE: 'jwt', JWT_JWKS_URL: url, JWT_ISSUER: 'https://idp.example.com', JWT_AUDIENCE: 'ci-job-status' }));

  const es256 = (key: CryptoKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://idp.example.com')
      .setAudience('ci-job-status')
      .setExpirationTime('5m')
      .sign(key);

  test('a token signed by a key in the set is accepted', async () => {
    expect((await lookup({ authorization: `Bearer ${await es256(signingKey)}` })).status).toBe(200);
  });

  test('a token signed by another key is refused', async () => {
    expect401(await lookup({ authorization: `Bearer ${await es256(otherKey)}` }));
  });

  test('an HS256 token (algorithm confusion) is refused', async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer('https://idp.example.com')
      .setAudience('ci-job-status')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect401(await lookup({ authorization: `Bearer ${hs}` }));
  });

  test('a plain-http JWKS URL off loopback is a deployment error', async () => {
    h.setEnv({ AUTH_MODE: 'jwt', JWT_JWKS_URL: 'http://keys.example.com/jwks.json' });
    expect((await lookup()).json.Error.Code).toBe('ServerMisconfigured');
  });
});
