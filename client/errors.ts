/**
 * What the client throws. Every failure is a JobStatusError subclass, so one `instanceof` catches
 * them all; aborting through an AbortSignal rejects with the signal's own reason instead, as fetch does.
 */
import type { ErrorEnvelope } from './types';

export class JobStatusError extends Error {
  override name = 'JobStatusError';
}

/** The API answered with its error envelope, e.g. 404 NoSuchJob or 502 UpstreamError. */
export class JobStatusApiError extends JobStatusError {
  override name = 'JobStatusApiError';
  readonly code: string;
  readonly requestId: string;
  constructor(
    readonly status: number,
    readonly envelope: ErrorEnvelope,
    /** From the answer's Retry-After (e.g. 503 UpstreamThrottled): how long the server asks us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(`${status} ${envelope.Error.Code}: ${envelope.Error.Message}`);
    this.code = envelope.Error.Code;
    this.requestId = envelope.Error.RequestId;
  }
}

/**
 * The request never got a readable answer: the network failed, or (in a browser) the answer was
 * withheld by the CORS check — browsers report both the same way on purpose.
 */
export class JobStatusNetworkError extends JobStatusError {
  override name = 'JobStatusNetworkError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** Something answered that is not this API (a proxy's HTML page, a truncated body). */
export class JobStatusUnexpectedResponseError extends JobStatusError {
  override name = 'JobStatusUnexpectedResponseError';
  constructor(
    readonly status: number,
    readonly bodySnippet: string,
    /** From the answer's Retry-After, when a gateway in front of the API throttled the call. */
    readonly retryAfterMs?: number,
  ) {
    super(`Unexpected ${status} answer that is not the job-status API's JSON`);
  }
}

/** waitForJob ran out of its timeoutMs before the job reached a terminal state. */
export class JobStatusTimeoutError<J = unknown> extends JobStatusError {
  override name = 'JobStatusTimeoutError';
  constructor(
    readonly timeoutMs: number,
    /** The last state seen, if any answer arrived. */
    readonly lastJob: J | undefined,
  ) {
    super(`The job did not finish within ${timeoutMs} ms`);
  }
}
