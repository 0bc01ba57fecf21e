import fc from 'fast-check';
import { verifyCosRequest, type EmulatorKeys, type IncomingSigned } from '../../dev/emulator/verify-signature';
import { cosAuthorization, keyTimeAround, type KeyTime, type SigningKeys } from '../../shared/signing/cos-signature';

const NOW = 1_700_000_000;
const HOST = 'examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com';
const KEYS: EmulatorKeys = {
  secretId: 'AKIDtmpExample01',
  secretKey: 'tmp-secret-key-0123456789abcdef',
  sessionToken: 'session-token-abc',
};
const SIGNING: SigningKeys = { secretId: KEYS.secretId, secretKey: KEYS.secretKey };

interface SignOptions {
  method?: string;
  pathname?: string;
  query?: Record<string, string>;
  /** Headers that are signed (and also sent, unless overridden in `send`). */
  signed?: Record<string, string>;
  keys?: SigningKeys;
  keyTime?: KeyTime;
}

/** Signs with shared/signing and returns what node:http would hand the emulator. */
function signedRequest(o: SignOptions = {}): IncomingSigned {
  const method = o.method ?? 'GET';
  const pathname = o.pathname ?? '/jobs/j1,j2';
  const query = o.query ?? {};
  const signed = o.signed ?? { host: HOST, 'x-ci-security-token': KEYS.sessionToken as string };
  const authorization = cosAuthorization(
    { method, pathname, query, headers: signed },
    o.keys ?? SIGNING,
    o.keyTime ?? keyTimeAround(NOW * 1000),
  );
  return { method, pathname, query: { ...query }, headers: { ...signed, 'user-agent': 'ci-job-status/test', authorization } };
}

const withHeaders = (req: IncomingSigned, patch: Record<string, string | undefined>): IncomingSigned => {
  const headers = { ...req.headers, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete headers[k];
  return { ...req, headers };
};
const withAuthorization = (req: IncomingSigned, edit: (a: string) => string): IncomingSigned =>
  withHeaders(req, { authorization: edit(req.headers['authorization'] as string) });

const expectDenied = (req: IncomingSigned, status: number, code: string, keys: EmulatorKeys = KEYS, now = NOW) => {
  const v = verifyCosRequest(req, keys, now);
  expect(v).toMatchObject({ ok: false, status, code });
  return v;
};

describe('verifyCosRequest accepts what shared/signing produces', () => {
  it('host + x-ci-security-token, temporary keys', () => {
    expect(verifyCosRequest(signedRequest(), KEYS, NOW)).toEqual({ ok: true });
  });

  it('permanent keys (no session token), host only', () => {
    const keys = { secretId: KEYS.secretId, secretKey: KEYS.secretKey };
    expect(verifyCosRequest(signedRequest({ signed: { host: HOST } }), keys, NOW)).toEqual({ ok: true });
  });

  it('signed query parameters, plus unsigned extras that were not in the lists', () => {
    const req = signedRequest({ query: { queueId: 'p0123', 'ci-process': 'x y/z' } });
    const extra = { ...req, query: { ...req.query, unsigned: '1' } };
    expect(verifyCosRequest(extra, KEYS, NOW)).toEqual({ ok: true });
  });

  it('start up to 15 min in the future (client clock ahead), and now === end', () => {
    expect(verifyCosRequest(signedRequest({ keyTime: { start: NOW + 900, end: NOW + 1200 } }), KEYS, NOW)).toEqual({ ok: true });
    expect(verifyCosRequest(signedRequest({ keyTime: { start: NOW - 300, end: NOW } }), KEYS, NOW)).toEqual({ ok: true });
  });

  it('random paths (unicode, commas, spaces, reserved) and parameter values', () => {
    const segment = fc.string({
      unit: fc.oneof(
        fc.constantFrom(',', ' ', '(', ')', '!', '*', "'", '%', '+', '&', '='),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 4 }).map((s) => '/' + s.join('/')),
        // Names whose raw and encoded orders agree (see test/unit/signing.test.ts on the SDK quirk), and
        // distinct once lower-cased: "k" and "K" both sign as "k", a duplicate list entry that the
        // emulator refuses as malformed (tested under "rejects tampering").
        fc
          .uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/), fc.string({ unit: 'binary', maxLength: 12 })), {
            maxLength: 4,
            selector: ([name]) => name.toLowerCase(),
          })
          .map((entries) => Object.fromEntries(entries)),
        fc.constantFrom('GET', 'get', 'PUT'),
        (pathname, query, method) => {
          const req = signedRequest({ pathname, query: { ...query }, method });
          expect(verifyCosRequest(req, KEYS, NOW)).toEqual({ ok: true });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('verifyCosRequest rejects tampering', () => {
  it('missing Authorization → 401 MissingAuthorization', () => {
    expectDenied(withHeaders(signedRequest(), { authorization: undefined }), 401, 'MissingAuthorization');
    expectDenied(withHeaders(signedRequest(), { authorization: '' }), 401, 'MissingAuthorization');
  });

  it.each<[string, (a: string) => string]>([
    ['garbage', () => 'Bearer abc'],
    ['another algorithm', (a) => a.replace('q-sign-algorithm=sha1', 'q-sign-algorithm=sha256')],
    ['a missing element', (a) => a.replace(/&q-url-param-list=[^&]*/, '')],
    ['a duplicated element', (a) => a + '&q-ak=x'],
    ['an unknown element', (a) => a + '&q-extra=1'],
    ['q-sign-time ≠ q-key-time', (a) => a.replace(/q-sign-time=(\d+);/, (_m, s: string) => `q-sign-time=${Number(s) - 1};`)],
    ['a non-numeric key time', (a) => a.replace(/q-key-time=\d+/, 'q-key-time=soon')],
    [
      'a reversed key time',
      (a) => a.replace(/q-sign-time=[^&]*&q-key-time=[^&]*/, `q-sign-time=${NOW + 10};${NOW}&q-key-time=${NOW + 10};${NOW}`),
    ],
    ['a truncated signature', (a) => a.slice(0, -1)],
    ['an upper-case list entry', (a) => a.replace('q-header-list=host', 'q-header-list=Host')],
  ])('malformed Authorization (%s) → 401 InvalidAuthorization', (_name, edit) => {
    expectDenied(withAuthorization(signedRequest(), edit), 401, 'InvalidAuthorization');
  });

  it('parameter names that differ only in case sign as one duplicated name, which is refused as malformed', () => {
    const req = signedRequest({ query: { k: '', K: '' } });
    expect(req.headers['authorization']).toContain('&q-url-param-list=k;k&');
    expect(verifyCosRequest(req, KEYS, NOW)).toMatchObject({ ok: false, status: 401, code: 'InvalidAuthorization' });
  });

  it('unknown q-ak → 403 InvalidAccessKeyId', () => {
    expectDenied(signedRequest({ keys: { ...SIGNING, secretId: 'AKIDsomeoneElse' } }), 403, 'InvalidAccessKeyId');
  });

  it('expired key time → 403 AccessDenied "Request has expired"', () => {
    const v = expectDenied(signedRequest({ keyTime: { start: NOW - 300, end: NOW - 1 } }), 403, 'AccessDenied');
    expect(v).toMatchObject({ message: 'Request has expired' });
  });

  it('start more than 15 min in the future → 403 RequestTimeTooSkewed', () => {
    expectDenied(signedRequest({ keyTime: { start: NOW + 901, end: NOW + 1200 } }), 403, 'RequestTimeTooSkewed');
  });

  it('host not signed → 403 AccessDenied', () => {
    const req = withHeaders(signedRequest({ signed: { 'x-ci-security-token': KEYS.sessionToken as string } }), { host: HOST });
    expectDenied(req, 403, 'AccessDenied');
  });

  it('missing token → 403 InvalidAccessKeyId', () => {
    expectDenied(signedRequest({ signed: { host: HOST } }), 403, 'InvalidAccessKeyId');
  });

  it('token sent but not signed → 403 InvalidAccessKeyId', () => {
    const req = withHeaders(signedRequest({ signed: { host: HOST } }), { 'x-ci-security-token': KEYS.sessionToken });
    expectDenied(req, 403, 'InvalidAccessKeyId');
  });

  it('other token (signed consistently) → 400 ExpiredToken', () => {
    expectDenied(signedRequest({ signed: { host: HOST, 'x-ci-security-token': 'stale-token' } }), 400, 'ExpiredToken');
  });

  it('token swapped after signing → 400 ExpiredToken', () => {
    expectDenied(withHeaders(signedRequest(), { 'x-ci-security-token': 'other' }), 400, 'ExpiredToken');
  });

  it('other path → 403 SignatureDoesNotMatch', () => {
    expectDenied({ ...signedRequest(), pathname: '/jobs/j1,j3' }, 403, 'SignatureDoesNotMatch');
  });

  it('other host → 403 SignatureDoesNotMatch', () => {
    expectDenied(
      withHeaders(signedRequest(), { host: 'otherbucket-1250000000.ci.ap-guangzhou.myqcloud.com' }),
      403,
      'SignatureDoesNotMatch',
    );
  });

  it('other secret → 403 SignatureDoesNotMatch', () => {
    expectDenied(signedRequest({ keys: { ...SIGNING, secretKey: 'not-the-secret' } }), 403, 'SignatureDoesNotMatch');
  });

  it('other method → 403 SignatureDoesNotMatch', () => {
    expectDenied({ ...signedRequest(), method: 'DELETE' }, 403, 'SignatureDoesNotMatch');
  });

  it('signed parameter changed or dropped → 403 SignatureDoesNotMatch', () => {
    const req = signedRequest({ query: { queueId: 'p1' } });
    expectDenied({ ...req, query: { queueId: 'p2' } }, 403, 'SignatureDoesNotMatch');
    expectDenied({ ...req, query: {} }, 403, 'SignatureDoesNotMatch');
  });

  it('signed header the oracle cannot sign → 403 SignatureDoesNotMatch, saying why', () => {
    const req = signedRequest({
      signed: { host: HOST, 'x-ci-security-token': KEYS.sessionToken as string, date: 'Tue, 14 Nov 2023 22:13:20 GMT' },
    });
    const v = expectDenied(req, 403, 'SignatureDoesNotMatch');
    expect(v).toMatchObject({ message: expect.stringContaining('date') });
  });
});
