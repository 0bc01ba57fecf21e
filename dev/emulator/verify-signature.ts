// Dev-only: checks the COS `q-sign-algorithm=sha1` Authorization of a request reaching the CI
// emulator. The expected signature is recomputed with cos-nodejs-sdk-v5 (the oracle), never
// with shared/signing, so a bug in our signer cannot hide behind the same bug here.
import { timingSafeEqual } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';

export interface EmulatorKeys {
  secretId: string;
  secretKey: string;
  sessionToken?: string;
}

/** Header names lower-case, as node:http gives them. */
export interface IncomingSigned {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export type Verdict = { ok: true } | { ok: false; status: number; code: string; message: string };

// COS answers RequestTimeTooSkewed past 15 minutes of skew; a start that is in the future by
// less than that is tolerated as client clock drift, so only a start further ahead is refused.
const MAX_FUTURE_START_S = 15 * 60;
const TOKEN_HEADER = 'x-ci-security-token';
const FIELDS = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'] as const;
type Field = (typeof FIELDS)[number];

const OK: Verdict = { ok: true };
const deny = (status: number, code: string, message: string): Verdict => ({ ok: false, status, code, message });

// A list entry is a lower-cased, percent-encoded name: nothing else can have come from a signer.
const LIST_ENTRY = /^(?:[a-z0-9\-_.~]|%[0-9a-f]{2})+$/;
const KEY_TIME = /^(\d{1,12});(\d{1,12})$/;
const SIGNATURE = /^[0-9a-f]{40}$/;

interface ParsedAuth {
  ak: string;
  keyTime: string;
  start: number;
  end: number;
  headerList: string[];
  paramList: string[];
  signature: string;
}

function parseList(raw: string): string[] | undefined {
  if (raw === '') return [];
  const list = raw.split(';');
  if (!list.every((e) => LIST_ENTRY.test(e)) || new Set(list).size !== list.length) return undefined;
  return list;
}

/** Returns the parsed header, or a reason it is unusable. */
function parseAuthorization(value: string): ParsedAuth | string {
  const fields = new Map<string, string>();
  for (const part of value.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `malformed element "${part}"`;
    const name = part.slice(0, eq);
    if (!(FIELDS as readonly string[]).includes(name)) return `unknown element "${name}"`;
    if (fields.has(name)) return `duplicate element "${name}"`;
    fields.set(name, part.slice(eq + 1));
  }
  const missing = FIELDS.filter((f) => !fields.has(f));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  const get = (f: Field): string => fields.get(f) as string;

  if (get('q-sign-algorithm') !== 'sha1') return `unsupported q-sign-algorithm "${get('q-sign-algorithm')}"`;
  const keyTime = get('q-key-time');
  const kt = KEY_TIME.exec(keyTime);
  if (!kt) return `malformed q-key-time "${keyTime}"`;
  const start = Number(kt[1]);
  const end = Number(kt[2]);
  if (start > end) return 'q-key-time ends before it starts';
  // The SDKs always send one window for both; a differing q-sign-time has no meaning we could check.
  if (get('q-sign-time') !== keyTime) return 'q-sign-time differs from q-key-time';
  const headerList = parseList(get('q-header-list'));
  if (!headerList) return 'malformed q-header-list';
  const paramList = parseList(get('q-url-param-list'));
  if (!paramList) return 'malformed q-url-param-list';
  const signature = get('q-signature');
  if (!SIGNATURE.test(signature)) return 'malformed q-signature';
  const ak = get('q-ak');
  if (ak === '') return 'empty q-ak';
  return { ak, keyTime, start, end, headerList, paramList, signature };
}

/** How a name appears in q-header-list / q-url-param-list (the COS doc's UrlEncode, then lower-case). */
const listName = (name: string): string =>
  encodeURIComponent(name)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .toLowerCase();

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

/** Picks, from what actually arrived, the entries the client says it signed. */
function pickSigned<V>(
  actual: Record<string, V>,
  listed: readonly string[],
  value: (v: V) => string | undefined,
): { picked: Record<string, string>; missing: string[] } {
  const wanted = new Set(listed);
  const found = new Set<string>();
  const picked: Record<string, string> = {};
  for (const [name, raw] of Object.entries(actual)) {
    const entry = listName(name);
    const v = value(raw);
    if (v === undefined || !wanted.has(entry)) continue;
    picked[name] = v;
    found.add(entry);
  }
  return { picked, missing: listed.filter((e) => !found.has(e)) };
}

const listIn = (authorization: string, field: 'q-header-list' | 'q-url-param-list'): string[] => {
  const raw = new RegExp(`(?:^|&)${field}=([^&]*)`).exec(authorization)?.[1] ?? '';
  return raw === '' ? [] : raw.split(';');
};
const signatureIn = (authorization: string): string => /(?:^|&)q-signature=([0-9a-f]{40})/.exec(authorization)?.[1] ?? '';

// cos-nodejs-sdk-v5 orders the HttpString by raw lower-cased name where the COS doc examples,
// the Go SDK and our signer use the encoded name; say so rather than leave a bare mismatch.
function sdkOrderHint(names: readonly string[]): string {
  const byRaw = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  const byEnc = [...names].sort((a, b) => (listName(a) < listName(b) ? -1 : listName(a) > listName(b) ? 1 : 0));
  return byRaw.some((n, i) => n !== byEnc[i])
    ? ' (note: these parameter names sort differently once URL-encoded, which the oracle SDK orders by raw name)'
    : '';
}

export function verifyCosRequest(req: IncomingSigned, keys: EmulatorKeys, nowSec: number): Verdict {
  const authorization = req.headers['authorization'];
  if (authorization === undefined || authorization === '') {
    return deny(401, 'MissingAuthorization', 'Authorization header is required');
  }
  if (Array.isArray(authorization)) return deny(401, 'InvalidAuthorization', 'more than one Authorization header');
  const auth = parseAuthorization(authorization);
  if (typeof auth === 'string') return deny(401, 'InvalidAuthorization', `Authorization is malformed: ${auth}`);

  if (auth.ak !== keys.secretId) {
    return deny(403, 'InvalidAccessKeyId', 'The SecretId you provided does not exist in our records');
  }
  if (auth.start > nowSec + MAX_FUTURE_START_S) {
    return deny(403, 'RequestTimeTooSkewed', "The difference between the request time and the server's time is too large");
  }
  if (nowSec > auth.end) return deny(403, 'AccessDenied', 'Request has expired');

  // Without host in the signature it could be replayed against another bucket; the SDK
  // warns of exactly that ("privilege escalation") when ForceSignHost is turned off.
  if (!auth.headerList.includes('host')) return deny(403, 'AccessDenied', 'host must be signed (q-header-list)');

  if (keys.sessionToken !== undefined) {
    // Temporary keys: COS documents 403 InvalidAccessKeyId for a SecretId it cannot accept,
    // which is what a temporary SecretId is without its token (absent, or not bound by the
    // signature). A token that is present but not the current one gets COS's documented
    // 400 ExpiredToken: on SCF that is what a rotated role credential looks like.
    const token = headerValue(req.headers[TOKEN_HEADER]);
    if (token === undefined) {
      return deny(403, 'InvalidAccessKeyId', `temporary SecretId used without ${TOKEN_HEADER}`);
    }
    if (!auth.headerList.includes(TOKEN_HEADER)) {
      return deny(403, 'InvalidAccessKeyId', `${TOKEN_HEADER} must be signed (q-header-list)`);
    }
    if (token !== keys.sessionToken) return deny(400, 'ExpiredToken', 'The provided token has expired');
  }

  const headers = pickSigned(req.headers, auth.headerList, headerValue);
  const query = pickSigned(req.query, auth.paramList, (v) => v);
  const missing = [...headers.missing, ...query.missing];
  if (missing.length > 0) {
    return deny(403, 'SignatureDoesNotMatch', `signed but absent from the request: ${missing.join(', ')}`);
  }

  let expected: string;
  try {
    expected = COS.getAuthorization({
      SecretId: keys.secretId,
      SecretKey: keys.secretKey,
      Method: req.method as COS.Method, // any string; the SDK lower-cases it
      Pathname: req.pathname,
      Query: query.picked,
      Headers: headers.picked,
      KeyTime: auth.keyTime,
      // No Bucket/Region: the SDK must not add a Host of its own; the signed one is in Headers.
    });
  } catch (e) {
    return deny(403, 'SignatureDoesNotMatch', `cannot recompute the signature: ${(e as Error).message}`);
  }

  // The SDK silently drops headers outside its signable set (e.g. date), so a signed header
  // missing from its list means this emulator cannot verify the request, not that it is
  // forged. Order is not compared: the signature itself fixes the order that was hashed.
  const verifiable = new Set(listIn(expected, 'q-header-list'));
  const unverifiable = auth.headerList.filter((h) => !verifiable.has(h));
  if (unverifiable.length > 0) {
    return deny(
      403,
      'SignatureDoesNotMatch',
      `emulator cannot verify signed header(s) ${unverifiable.join(', ')}: cos-nodejs-sdk-v5 does not sign them`,
    );
  }
  if (listIn(expected, 'q-url-param-list').length !== auth.paramList.length) {
    return deny(403, 'SignatureDoesNotMatch', 'several request parameters map to one q-url-param-list entry');
  }

  const a = Buffer.from(signatureIn(expected));
  const b = Buffer.from(auth.signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return deny(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided' + sdkOrderHint(Object.keys(query.picked)),
    );
  }
  return OK;
}
