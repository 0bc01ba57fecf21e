/**
 * Settings of POST /callbacks/ci, kept apart from env.ts because only that route reads them (an
 * unrelated lookup must not fail because a webhook URL is mistyped). Read per invocation like the
 * rest; an invalid value is a 500 ServerMisconfigured naming the variable, never its value.
 */
import { serverMisconfigured } from '../http/errors';

export interface CallbackConfig {
  /** The shared secret CI must send as `?token=`; undefined: no callback is accepted. */
  token: string | undefined;
  /** Where verified jobs are forwarded; fixed at deploy, never taken from a request. */
  webhookUrls: URL[];
  /** HMAC keys (decoded `whsec_…`); each one signs every message, so a receiver can rotate. */
  webhookKeys: Buffer[];
}

type Env = Record<string, string | undefined>;

// Goes into a URL query string set at job submission: URL-safe characters only, and long enough
// that guessing is hopeless (32 characters of base64url ≈ 190 bits).
const TOKEN_RE = /^[A-Za-z0-9_-]{32,256}$/;
const SECRET_RE = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
export const MAX_WEBHOOK_URLS = 10;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function readCallbackConfig(env: Env = process.env): CallbackConfig {
  const token = env.CALLBACK_TOKEN?.trim() || undefined;
  if (token !== undefined && !TOKEN_RE.test(token))
    throw serverMisconfigured('CALLBACK_TOKEN must be 32-256 characters of A-Z a-z 0-9 _ -');

  const webhookUrls = (env.WEBHOOK_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(webhookUrl);
  if (webhookUrls.length > MAX_WEBHOOK_URLS) throw serverMisconfigured(`WEBHOOK_URLS holds more than ${MAX_WEBHOOK_URLS} URLs`);

  const webhookKeys = (env.WEBHOOK_SECRET ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(secretKey);
  if (webhookUrls.length > 0 && webhookKeys.length === 0) throw serverMisconfigured('WEBHOOK_URLS needs WEBHOOK_SECRET (whsec_…)');
  return { token, webhookUrls, webhookKeys };
}

function webhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw serverMisconfigured('WEBHOOK_URLS holds something that is not a URL');
  }
  // Plain http only to this machine (local runs and tests); anything else would send signed job data in clear.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw serverMisconfigured('WEBHOOK_URLS must be https (http only on loopback)');
  // Credentials in a URL end up in logs; receivers authenticate us by the signature instead.
  if (url.username || url.password || url.hash) throw serverMisconfigured('WEBHOOK_URLS must not carry credentials or a fragment');
  return url;
}

function secretKey(raw: string): Buffer {
  const m = SECRET_RE.exec(raw);
  const key = m ? Buffer.from(m[1] as string, 'base64') : undefined;
  // Standard Webhooks: secrets are 24 to 64 random bytes.
  if (!key || key.length < 24 || key.length > 64)
    throw serverMisconfigured('WEBHOOK_SECRET must be whsec_ followed by base64 of 24-64 bytes');
  return key;
}

/** Where a target is, for logs: no query string (it may hold a receiver's token). */
export function describeTarget(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
