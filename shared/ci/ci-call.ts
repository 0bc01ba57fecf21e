/**
 * A signed GET to a CI query endpoint, retried the way idempotent calls may be: on 5xx, 429 and
 * broken connections, with full-jitter backoff that honours Retry-After and never outlives the
 * deadline; and once, with a corrected clock, when CI says the signature time is off. Every
 * attempt is signed afresh.
 */
import type { Credentials } from '../signing/credentials';
import type { Deadline } from '../deadline';
import { sleep } from '../deadline';
import { cosAuthorization, keyTimeAround } from '../signing/cos-signature';
import { logEvent } from '../log';
import { ciNow, learnClockOffset } from './clock';
import { type BodyBudget, type GetResult, HttpGetError, type OriginParts, getTarget, httpGet, originParts } from './http-get';
import { MAX_ATTEMPTS, backoffMs, isClockSkewError, isRetryableStatus, retryAfterMs } from './retry-policy';
import { scrubEchoes, sentSecrets } from './scrub';
import type { CiTarget } from './target';
import type { AttemptBudget } from './upstream-budget';
import { readCiError } from './upstream-error';

const USER_AGENT = 'ci-job-status/0.1';

/** What one CI call may spend: its share of the request's attempts and of the lookup's bytes. */
export interface CallBudget {
  attempts: AttemptBudget;
  bytes: BodyBudget;
}

// Origins come from the deploy-time endpoint template and allowlisted buckets and regions, so
// there are few; each is split once per warm instance instead of on every attempt.
const MAX_KNOWN_ORIGINS = 64;
const knownOrigins = new Map<string, OriginParts>();

function partsOf(origin: string): OriginParts {
  let parts = knownOrigins.get(origin);
  if (!parts) {
    if (knownOrigins.size >= MAX_KNOWN_ORIGINS) knownOrigins.clear();
    knownOrigins.set(origin, (parts = originParts(origin)));
  }
  return parts;
}

async function signedGet(
  target: CiTarget,
  pathname: string,
  creds: Credentials,
  signal: AbortSignal,
  bytes: BodyBudget,
): Promise<GetResult> {
  // Only host and the token are signed and sent: no caller header is ever forwarded upstream.
  const signed: Record<string, string> = { host: target.host };
  if (creds.sessionToken) signed['x-ci-security-token'] = creds.sessionToken;
  const authorization = cosAuthorization({ method: 'GET', pathname, headers: signed }, creds, keyTimeAround(ciNow()));
  const res = await httpGet(
    getTarget(partsOf(target.origin), pathname),
    { ...signed, authorization, accept: 'application/xml', 'user-agent': USER_AGENT },
    signal,
    bytes,
  );
  const { result, echoed } = scrubEchoes(res, sentSecrets(authorization, creds.sessionToken, creds.secretKey));
  if (echoed) logEvent('warn', 'ci-echoed-credentials', { status: res.status });
  return result;
}

/**
 * Resolves with CI's final answer (any status); rejects with HttpGetError when no answer came.
 * `signal` may fire before the deadline (a sibling call failed); the deadline bounds the waits.
 */
export async function callCi(
  target: CiTarget,
  pathname: string,
  creds: Credentials,
  deadline: Deadline,
  budget: CallBudget,
  signal: AbortSignal = deadline.signal,
): Promise<GetResult> {
  let skewCorrected = false;
  // The request's attempt budget is spent: no call may start (see upstream-budget.ts).
  if (!budget.attempts.takeFirst()) throw new HttpGetError('budget');
  for (let attempt = 1; ; attempt++) {
    let res: GetResult;
    try {
      res = await signedGet(target, pathname, creds, signal, budget.bytes);
    } catch (err) {
      if (
        err instanceof HttpGetError &&
        err.kind === 'reset' &&
        attempt < MAX_ATTEMPTS &&
        budget.attempts.left > 0 &&
        (await waitFits(backoffMs(attempt), deadline, signal)) &&
        budget.attempts.take()
      )
        continue;
      throw err;
    }
    if (res.status === 200) return res;

    if (!skewCorrected && (res.status === 403 || res.status === 400 || res.status === 401)) {
      const err = readCiError(res.body);
      if (isClockSkewError(err.code, err.message) && learnClockOffset(res.headers.date) && budget.attempts.take()) {
        skewCorrected = true;
        continue;
      }
    }
    if (isRetryableStatus(res.status) && attempt < MAX_ATTEMPTS) {
      const wait = Math.max(retryAfterMs(res.headers['retry-after']) ?? 0, backoffMs(attempt));
      // A retry the request cannot afford is not waited for: the last answer is reported instead.
      if (budget.attempts.left > 0 && (await waitFits(wait, deadline, signal)) && budget.attempts.take()) continue;
    }
    return res;
  }
}

/** Waits unless the wait would end past the deadline; then the last answer is reported instead. */
async function waitFits(ms: number, deadline: Deadline, signal: AbortSignal): Promise<boolean> {
  // Keep room for the retried call itself: a retry that cannot finish in time only delays the error.
  if (ms + 50 >= deadline.remainingMs()) return false;
  try {
    await sleep(ms, signal);
    return true;
  } catch {
    throw new HttpGetError('timeout');
  }
}
