/**
 * How a CI lookup failed, in CI's terms. The CI layer raises these and nothing else; which HTTP
 * status, error code and words a caller gets for each kind is decided in one place,
 * handlers/ci-errors.ts, so this folder knows nothing of HTTP answers.
 */

/**
 * - access-denied: CI answered 401 or 403 (the role's keys or policy)
 * - throttled: CI answered 429, and went on answering it through the retries
 * - error-status: CI answered any other error status (5xx after the retries)
 * - invalid-answer: CI answered 200 with a body we cannot accept (not XML, malformed, drift in strict mode)
 * - too-large: the answers to the ids asked would not fit one response
 * - timeout: the lookup's deadline passed before CI answered
 * - unreachable: no answer at all (refused, reset, dropped)
 * - budget-spent: the request has no CI attempt left to make the call with
 */
export const CI_ERROR_KINDS = [
  'access-denied',
  'throttled',
  'error-status',
  'invalid-answer',
  'too-large',
  'timeout',
  'unreachable',
  'budget-spent',
] as const;
export type CiErrorKind = (typeof CI_ERROR_KINDS)[number];

/** What CI's error answer said, each field pattern-checked (upstream-error.ts): safe to pass on. */
export interface CiUpstream {
  Status: number;
  Code?: string;
  RequestId?: string;
  TraceId?: string;
}

/** A place in CI's answer that is not acceptable, and why (paths and kinds only, never CI's values). */
export interface CiIssue {
  path: string;
  message: string;
}

export interface CiErrorInfo {
  /** The answer CI failed with, when it answered at all (its status, code and ids). */
  upstream?: CiUpstream;
  /** How long CI asked us to wait (its Retry-After), for throttled. */
  retryAfterMs?: number;
  /** For invalid-answer: where the answer breaks the schema. */
  details?: CiIssue[];
  /** For too-large: how many job ids the lookup asked for. */
  idCount?: number;
  /** The CI answers the lookup got before it failed, for the request's log line. */
  answers?: CiAnswers;
}

/** What CI's answers to one lookup were: their x-ci-request-id values (checked), and the last one's status. */
export interface CiAnswers {
  requestIds: string[];
  lastStatus?: number;
}

/** The message is ours (never CI's text), e.g. what made an answer invalid. */
export class CiError extends Error {
  override readonly name = 'CiError';
  constructor(
    readonly kind: CiErrorKind,
    message: string,
    readonly info: CiErrorInfo = {},
  ) {
    super(message);
  }

  /** The same failure, also naming the CI answers the lookup got (a copy: later ones are not its). */
  withAnswers({ requestIds, lastStatus }: CiAnswers): CiError {
    const answers = { requestIds: [...requestIds], ...(lastStatus !== undefined ? { lastStatus } : {}) };
    return new CiError(this.kind, this.message, { ...this.info, answers });
  }
}

/** The lookup's deadline passed first (the one message, wherever the deadline is noticed). */
export const ciTimeout = () => new CiError('timeout', 'CI did not answer in time');
