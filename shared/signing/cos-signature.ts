// COS `q-sign-algorithm=sha1` request signing, as Cloud Infinite (CI) verifies it.
// Spec: COS API doc "Request Signature" (436/7778); behaviour cross-checked against
// cos-nodejs-sdk-v5 `getAuth` and cos-go-sdk-v5 `auth.go` (see test/unit/signing.test.ts).
import { createHmac } from 'node:crypto';
import { sha1 } from '../digest';

export interface SigningKeys {
  secretId: string;
  secretKey: string;
}

/** Validity window of the signature, in Unix seconds (both ends inclusive). */
export interface KeyTime {
  start: number;
  end: number;
}

export interface SignableRequest {
  /** Any case; lower-cased in the HttpString. */
  method: string;
  /** Decoded path as requested, e.g. "/jobs/j1,j2" (not percent-encoded; may contain unicode). */
  pathname: string;
  /** The query parameters to sign; an undefined or '' value signs as empty. */
  query?: Record<string, string | undefined>;
  /**
   * Exactly the headers to sign (no filtering here); names in any case. Values are signed
   * verbatim, untrimmed, as both the Node and Go SDKs do; HTTP servers strip surrounding
   * whitespace before verifying, so pass values exactly as they will arrive.
   */
  headers?: Record<string, string>;
}

// The window is deliberately short: a leaked Authorization header is replayable until `end`.
// 60 s of back-dating absorbs a server clock that runs behind ours; 240 s ahead is ample
// for one request including retries, and well under the 900 s the SDK uses by default.
const KEY_TIME_BACKDATE_S = 60;
const KEY_TIME_TTL_S = 240;

export function keyTimeAround(nowMs: number): KeyTime {
  const now = Math.floor(nowMs / 1000);
  return { start: now - KEY_TIME_BACKDATE_S, end: now + KEY_TIME_TTL_S };
}

const HAS_EXTRA_RESERVED = /[!'()*]/;
const EXTRA_RESERVED = /[!'()*]/g;
const escapeExtra = (c: string): string => '%' + c.charCodeAt(0).toString(16).toUpperCase();

// encodeURIComponent leaves !'()* alone, but COS (like RFC 3986) wants them escaped.
// Throws URIError on lone surrogates, as the SDKs do: such a string cannot be sent as UTF-8.
function cosEncode(s: string): string {
  const e = encodeURIComponent(s);
  return HAS_EXTRA_RESERVED.test(e) ? e.replace(EXTRA_RESERVED, escapeExtra) : e;
}

const EMPTY: { readonly list: string; readonly pairs: string } = Object.freeze({ list: '', pairs: '' });
const byName = (a: [string, string], b: [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

// Names are lower-cased AFTER encoding (so hex digits come out lower-case too), matching
// both the Node and Go SDKs. Entries are sorted by that encoded name, as in the Go SDK and
// in the Node SDK's own q-*-list; see the test file for where the Node SDK's HttpString
// ordering differs.
function canonicalize(obj: Record<string, string | undefined> | undefined): { readonly list: string; readonly pairs: string } {
  if (obj === undefined) return EMPTY;
  const keys = Object.keys(obj);
  const n = keys.length;
  if (n === 0) return EMPTY;
  const entries = new Array<[string, string]>(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    entries[i] = [cosEncode(k).toLowerCase(), v === undefined || v === '' ? '' : cosEncode(v)];
  }
  // Array.prototype.sort is stable, so names that collide after lower-casing keep input order.
  if (n > 1) entries.sort(byName);
  let list = '';
  let pairs = '';
  for (let i = 0; i < n; i++) {
    const [name, value] = entries[i] as [string, string];
    if (i > 0) {
      list += ';';
      pairs += '&';
    }
    list += name;
    pairs += name + '=' + value;
  }
  return { list, pairs };
}

// A warm instance signs the same headers (its CI host and its session token, ~1 kB for STS keys)
// on every request while its keys last: their canonical form is kept for the last set seen instead
// of percent-encoding the token each time. Any other name or value is canonicalized afresh.
let lastHeaders:
  { names: string[]; values: (string | undefined)[]; canonical: { readonly list: string; readonly pairs: string } } | undefined;

function canonicalHeaders(obj: Record<string, string | undefined> | undefined): { readonly list: string; readonly pairs: string } {
  if (obj === undefined) return EMPTY;
  const names = Object.keys(obj);
  const last = lastHeaders;
  if (last && last.names.length === names.length) {
    let same = true;
    for (let i = 0; same && i < names.length; i++) same = names[i] === last.names[i] && obj[names[i] as string] === last.values[i];
    if (same) return last.canonical;
  }
  const canonical = canonicalize(obj);
  lastHeaders = { names, values: names.map((name) => obj[name]), canonical };
  return canonical;
}

// The SignKey depends only on the secret key and the key time, which moves once a second: the
// requests of one second (retries, fan-out calls, a busy instance) share one HMAC instead of two.
let lastSignKey: { secretKey: string; kt: string; signKey: string } | undefined;

function signKeyOf(secretKey: string, kt: string): string {
  if (lastSignKey?.secretKey === secretKey && lastSignKey.kt === kt) return lastSignKey.signKey;
  const signKey = createHmac('sha1', secretKey).update(kt).digest('hex');
  lastSignKey = { secretKey, kt, signKey };
  return signKey;
}

export function cosAuthorization(req: SignableRequest, keys: SigningKeys, keyTime: KeyTime): string {
  const { start, end } = keyTime;
  // A fractional or reversed window would be signed happily and then rejected remotely
  // with an unhelpful SignatureDoesNotMatch; fail here instead.
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid key time ${start};${end}`);
  }
  const kt = start + ';' + end;
  // Same rule as the SDK: the signed path always starts with '/', even for "" (the root).
  const pathname = req.pathname.charCodeAt(0) === 47 /* / */ ? req.pathname : '/' + req.pathname;
  const params = canonicalize(req.query);
  const headers = canonicalHeaders(req.headers);

  const httpString = req.method.toLowerCase() + '\n' + pathname + '\n' + params.pairs + '\n' + headers.pairs + '\n';
  const signKey = signKeyOf(keys.secretKey, kt);
  const stringToSign = 'sha1\n' + kt + '\n' + sha1(httpString, 'hex') + '\n';
  const signature = createHmac('sha1', signKey).update(stringToSign).digest('hex');

  return (
    'q-sign-algorithm=sha1&q-ak=' +
    keys.secretId +
    '&q-sign-time=' +
    kt +
    '&q-key-time=' +
    kt +
    '&q-header-list=' +
    headers.list +
    '&q-url-param-list=' +
    params.list +
    '&q-signature=' +
    signature
  );
}
