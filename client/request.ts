/** One call to the API with fetch: JSON in, JSON out, every failure turned into a typed error. */
import { JobStatusApiError, JobStatusNetworkError, JobStatusUnexpectedResponseError } from './errors';
import type { ErrorEnvelope } from './types';

/**
 * Headers for every call, or a function asked before each call (sync or async), so a token that
 * expires (a JWT) is fresh on every request, including each long-poll round of waitForJob.
 */
export type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

export interface Transport {
  baseUrl: string;
  fetch: typeof fetch;
  headers: HeadersOption;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/**
 * The `headers` option as sent: called afresh for every request when it is a function (a fresh JWT
 * each time). A failing function (say, a token refresh) rejects with its own error, untouched.
 */
export async function resolveHeaders(transport: Transport): Promise<Record<string, string>> {
  return typeof transport.headers === 'function' ? await transport.headers() : transport.headers;
}

export async function callApi<T>(transport: Transport, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(await resolveHeaders(transport)) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await transport.fetch(`${transport.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    // An abort is the caller's decision, not a failure: surface it unchanged, as fetch would.
    if (options.signal?.aborted) throw options.signal.reason;
    throw new JobStatusNetworkError('The job-status API could not be reached (network failure, or blocked by CORS)', err);
  }

  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new JobStatusNetworkError('The answer was cut off', err);
  }
  const retryAfter = res.ok ? undefined : parseRetryAfter(res.headers.get('retry-after'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JobStatusUnexpectedResponseError(res.status, text.slice(0, 200), retryAfter);
  }
  if (res.ok) return json as T;
  if (isErrorEnvelope(json)) throw new JobStatusApiError(res.status, json, retryAfter);
  throw new JobStatusUnexpectedResponseError(res.status, text.slice(0, 200), retryAfter);
}

/**
 * Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; undefined when absent or
 * unreadable. The server has its own parser in shared/ci/retry-policy.ts; this file ships standalone.
 */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  // All three HTTP-date forms open with a day name; Date.parse alone would read "1.5" as 2001.
  const at = /^[A-Za-z]{3}/.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  const error = (value as { Error?: { Code?: unknown; Message?: unknown } } | null)?.Error;
  return typeof error?.Code === 'string' && typeof error.Message === 'string';
}
