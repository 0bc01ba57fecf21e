/**
 * An upstream that echoes what we sent it (our session token, the Authorization header or its
 * signature) in a body, a Code, a TraceId or a header must not get it into a response or a log
 * line. Every CI answer is scrubbed before anything reads it: each occurrence of a value we sent
 * becomes REDACTED, which no id or code pattern accepts, so such a field is simply dropped.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GetResult } from './http-get';

export const REDACTED = '[redacted]';
// Shorter values could be common substrings; none of ours is (token, signature, full header).
const MIN_SECRET_LENGTH = 16;

export interface Scrubbed {
  result: GetResult;
  /** Whether any secret was found (and removed). */
  echoed: boolean;
}

export function scrubEchoes(result: GetResult, secrets: readonly (string | undefined)[]): Scrubbed {
  const values: string[] = [];
  let shortest = Infinity;
  for (const s of secrets)
    if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) {
      values.push(s);
      shortest = Math.min(shortest, s.length);
    }
  let echoed = false;
  const clean = (text: string): string => {
    // Most header values (content-type, date, length) are shorter than any secret: none can hold one.
    if (text.length < shortest) return text;
    let out = text;
    for (const secret of values)
      if (out.includes(secret)) {
        echoed = true;
        out = out.split(secret).join(REDACTED);
      }
    return out;
  };
  const headers: IncomingHttpHeaders = {};
  for (const name of Object.keys(result.headers)) {
    const value = result.headers[name];
    if (value === undefined) continue;
    (headers as Record<string, string | string[]>)[name] = Array.isArray(value) ? value.map(clean) : clean(value);
  }
  return { result: { status: result.status, headers, body: clean(result.body) }, echoed };
}

/** The secrets a signed request carried: the token, the whole Authorization value and its signature. */
export function sentSecrets(authorization: string, sessionToken: string | undefined, secretKey: string): string[] {
  const signature = /q-signature=([0-9a-f]+)/.exec(authorization)?.[1];
  return [sessionToken, authorization, signature, secretKey].filter((s): s is string => Boolean(s));
}
