/**
 * The one place a CI failure becomes an HTTP answer. The CI layer raises CiError with a kind
 * (ci/ci-error.ts), or TargetRefused when a bucket or region may not be asked (ci/target.ts);
 * these tables give each its error code, and the code's status comes from ERROR_CODES, so a CI
 * failure cannot be sent with a status its code is not documented with.
 */
import { CiError, type CiErrorKind } from '../ci/ci-error';
import { type TargetRefusal, TargetRefused } from '../ci/target';
import { ERROR_CODES, type ErrorCode } from '../http/error-codes';
import { ApiError, isApiError, responseTooLargeMessage } from '../http/errors';

interface CiAnswer {
  code: ErrorCode;
  /** The caller's message: CI's failure (our words, never CI's text), with what it means for them. */
  message: (err: CiError) => string;
}

export const CI_ERROR_ANSWERS = {
  'access-denied': { code: 'UpstreamAccessDenied', message: (err) => `${err.message}: the function's role may not read these jobs` },
  throttled: { code: 'UpstreamThrottled', message: (err) => `${err.message}: CI is rate-limiting this function` },
  'error-status': { code: 'UpstreamError', message: (err) => err.message },
  'invalid-answer': { code: 'UpstreamInvalidResponse', message: (err) => err.message },
  'too-large': { code: 'ResponseTooLarge', message: (err) => responseTooLargeMessage(err.info.idCount ?? 1) },
  timeout: { code: 'UpstreamTimeout', message: (err) => err.message },
  unreachable: { code: 'UpstreamUnavailable', message: (err) => err.message },
  'budget-spent': { code: 'UpstreamUnavailable', message: (err) => `${err.message}; ask for fewer ids` },
} as const satisfies Record<CiErrorKind, CiAnswer>;

export const TARGET_REFUSAL_CODES = {
  'missing-bucket': 'MissingBucket',
  'invalid-bucket': 'InvalidBucket',
  'bucket-not-allowed': 'BucketNotAllowed',
  'missing-region': 'ServerMisconfigured',
  'invalid-region': 'InvalidRegion',
  'region-not-allowed': 'RegionNotAllowed',
} as const satisfies Record<TargetRefusal, ErrorCode>;

export function ciErrorAnswer(err: CiError): ApiError {
  const { code, message } = CI_ERROR_ANSWERS[err.kind] as CiAnswer;
  const { upstream, details, retryAfterMs } = err.info;
  const extra: ApiError['extra'] = {};
  if (details) extra.details = details;
  if (upstream) extra.upstream = upstream;
  // A throttled caller is told to wait at least as long as CI asked us to (1 s when CI did not say).
  if (err.kind === 'throttled') extra.headers = { 'retry-after': String(Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))) };
  return new ApiError(ERROR_CODES[code].status, code, message(err), extra);
}

export function targetRefusedAnswer(err: TargetRefused): ApiError {
  const code: ErrorCode = TARGET_REFUSAL_CODES[err.reason];
  return new ApiError(ERROR_CODES[code].status, code, err.message);
}

/** The answer for a failure the API knows (its own ApiError, a CI failure, a refused target), else undefined. */
export function knownApiError(err: unknown): ApiError | undefined {
  if (isApiError(err)) return err;
  if (err instanceof CiError) return ciErrorAnswer(err);
  if (err instanceof TargetRefused) return targetRefusedAnswer(err);
  return undefined;
}
