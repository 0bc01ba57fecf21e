/**
 * What we tell a caller about a failed CI call. CI's `<Error>` XML (or a JSON error body) is
 * parsed; only its code and ids are reported, each pattern-checked, and CI's free-text Message is
 * used internally (clock-skew detection) but never echoed.
 *
 * The documented mapping (README "Upstream errors"):
 *   CI 401/403 (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId, ExpiredToken, …) → 502 UpstreamAccessDenied
 *   CI 429 SlowDown (after retries)                                                     → 503 UpstreamThrottled (+ Retry-After)
 *   any other CI error status (after retries for 5xx)                                    → 502 UpstreamError
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, type UpstreamInfo } from '../http/errors';
import { firstValue } from '../http/header-value';
import { parseXml } from '../xml/parse';
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

export function upstreamInfo(status: number, headers: IncomingHttpHeaders, err: CiErrorBody): UpstreamInfo {
  const info: UpstreamInfo = { Status: status };
  const pick = (v: string | undefined, re: RegExp) => (v !== undefined && re.test(v) ? v : undefined);
  const code = pick(err.code, CODE_RE);
  const requestId = pick(err.requestId, ID_RE) ?? pick(firstValue(headers['x-ci-request-id']), ID_RE);
  const traceId = pick(err.traceId, ID_RE) ?? pick(firstValue(headers['x-ci-trace-id']), ID_RE);
  if (code) info.Code = code;
  if (requestId) info.RequestId = requestId;
  if (traceId) info.TraceId = traceId;
  return info;
}

export function describeUpstreamFailure(status: number, headers: IncomingHttpHeaders, body: string): UpstreamInfo {
  return upstreamInfo(status, headers, readCiError(body));
}

export function upstreamFailureError(upstream: UpstreamInfo, headers: IncomingHttpHeaders): ApiError {
  const what = `CI answered ${upstream.Status}${upstream.Code ? ` ${upstream.Code}` : ''}`;
  if (upstream.Status === 401 || upstream.Status === 403)
    return new ApiError(502, 'UpstreamAccessDenied', `${what}: the function's role may not read these jobs`, { upstream });
  if (upstream.Status === 429) {
    const wait = retryAfterMs(headers['retry-after']);
    return new ApiError(503, 'UpstreamThrottled', `${what}: CI is rate-limiting this function`, {
      upstream,
      headers: { 'retry-after': String(Math.max(1, Math.ceil((wait ?? 1000) / 1000))) },
    });
  }
  return new ApiError(502, 'UpstreamError', what, { upstream });
}
