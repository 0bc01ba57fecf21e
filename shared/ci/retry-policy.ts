/**
 * When and how long to retry a CI job query. These are idempotent GETs, so retrying is safe;
 * what is not safe is retrying forever or in lockstep, hence a small attempt budget and full
 * jitter (AWS "standard" retry mode), always bounded by the request deadline.
 */
import { firstValue } from '../http/header-value';

export const MAX_ATTEMPTS = 3;
const BASE_MS = 100;
const CAP_MS = 2000;

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export const isRetryableStatus = (status: number) => RETRYABLE_STATUS.has(status);

/** Full jitter: uniform in [0, min(cap, base·2^(attempt-1))]. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1)));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const value = firstValue(header);
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim()) * 1000;
  // All three HTTP-date forms open with a day name; Date.parse alone would read "1.5" as 2001.
  const at = /^\s*[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Signature-time errors that a corrected clock fixes (COS/CI codes and messages). */
export function isClockSkewError(code: string | undefined, message: string | undefined): boolean {
  return code === 'RequestTimeTooSkewed' || code === 'SignatureExpired' || /request has expired/i.test(message ?? '');
}
