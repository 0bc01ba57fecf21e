/**
 * What a failed CI call said. CI's `<Error>` XML (or a JSON error body) is parsed; only its code
 * and ids are kept, each pattern-checked, and CI's free-text Message is used internally
 * (clock-skew detection) but never passed on. Which kind of failure each status is:
 *
 *   CI 401/403 (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId, ExpiredToken, …) → access-denied
 *   CI 429 SlowDown (after retries)                                                     → throttled (+ CI's Retry-After)
 *   any other CI error status (after retries for 5xx)                                    → error-status
 *
 * What a caller is answered for each kind is decided in handlers/ci-errors.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseXml } from '../xml/parse';
import { CiError, type CiUpstream } from './ci-error';
import { retryAfterMs } from './retry-policy';

const CODE_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const ID_RE = /^[A-Za-z0-9+/=_.:-]{1,128}$/;

export interface CiErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
  traceId?: string;
}

/**
 * A CI request or trace id we may pass on (response header, error envelope, log line): CI's ids
 * are short base64-ish tokens, so anything longer, quoted or non-ASCII is dropped, not echoed.
 */
export function safeCiId(value: unknown): string | undefined {
  const v: unknown = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && ID_RE.test(v) ? v : undefined;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** CI's error bodies are a few hundred bytes; a larger one is not worth parsing (or trusting). */
const MAX_ERROR_BODY_CHARS = 64 * 1024;

/** Reads CI's error body, XML or JSON; returns what it could, never throws. */
export function readCiError(body: string): CiErrorBody {
  if (body.length > MAX_ERROR_BODY_CHARS) return {};
  const trimmed = body.trimStart();
  try {
    if (trimmed.startsWith('<')) {
      const err = parseXml(body).Error;
      if (err && typeof err === 'object' && !Array.isArray(err))
        return { code: text(err.Code), message: text(err.Message), requestId: text(err.RequestId), traceId: text(err.TraceId) };
    } else if (trimmed.startsWith('{')) {
      const obj = JSON.parse(body) as Record<string, unknown>;
      const inner = (obj.Error ?? obj.error ?? obj) as Record<string, unknown>;
      return {
        code: text(inner.Code ?? inner.code),
        message: text(inner.Message ?? inner.message),
        requestId: text(inner.RequestId ?? inner.request_id),
      };
    }
  } catch {
    // An unreadable error body still leaves the status and headers to report.
  }
  return {};
}

export function upstreamInfo(status: number, headers: IncomingHttpHeaders, err: CiErrorBody): CiUpstream {
  const info: CiUpstream = { Status: status };
  const pick = (v: string | undefined, re: RegExp) => (v !== undefined && re.test(v) ? v : undefined);
  const code = pick(err.code, CODE_RE);
  const requestId = pick(err.requestId, ID_RE) ?? safeCiId(headers['x-ci-request-id']);
  const traceId = pick(err.traceId, ID_RE) ?? safeCiId(headers['x-ci-trace-id']);
  if (code) info.Code = code;
  if (requestId) info.RequestId = requestId;
  if (traceId) info.TraceId = traceId;
  return info;
}

/** The failure a CI error answer (any status but 200, retries over) stands for. */
export function ciFailure(status: number, headers: IncomingHttpHeaders, body: string): CiError {
  const upstream = upstreamInfo(status, headers, readCiError(body));
  const what = `CI answered ${upstream.Status}${upstream.Code ? ` ${upstream.Code}` : ''}`;
  if (status === 401 || status === 403) return new CiError('access-denied', what, { upstream });
  if (status === 429) {
    const wait = retryAfterMs(headers['retry-after']);
    return new CiError('throttled', what, { upstream, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
  }
  return new CiError('error-status', what, { upstream });
}
