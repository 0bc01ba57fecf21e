/**
 * A signed GET to a CI query endpoint, retried the way idempotent calls may be: on 5xx, 429 and
 * broken connections, with full-jitter backoff that honours Retry-After and never outlives the
 * deadline; and once, with a corrected clock, when CI says the signature time is off. Every
 * attempt is signed afresh.
 */
import type { Cancelable } from '../cancel';
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

/**
 * The headers of one attempt, signed afresh. Only host and the token are signed and sent: no
 * caller header is ever forwarded upstream. Built in their final shape at once (no spread of a
 * signed subset), since node:http walks and validates every key of this object on each request.
 */
function signedHeaders(target: CiTarget, pathname: string, creds: Credentials): Record<string, string> & { authorization: string } {
  const keyTime = keyTimeAround(ciNow());
  const token = creds.sessionToken;
  if (token) {
    const signed = { host: target.host, 'x-ci-security-token': token };
    const authorization = cosAuthorization({ method: 'GET', pathname, headers: signed }, creds, keyTime);
    return { host: target.host, 'x-ci-security-token': token, authorization, accept: 'application/xml', 'user-agent': USER_AGENT };
  }
  const authorization = cosAuthorization({ method: 'GET', pathname, headers: { host: target.host } }, creds, keyTime);
  return { host: target.host, authorization, accept: 'application/xml', 'user-agent': USER_AGENT };
}

/** CI's answer with every echo of what we sent replaced, before anything reads it (see scrub.ts). */
function withoutEchoes(res: GetResult, authorization: string, creds: Credentials): GetResult {
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
  signal: Cancelable = deadline.cancel,
): Promise<GetResult> {
  let skewCorrected = false;
  // The request's attempt budget is spent: no call may start (see upstream-budget.ts).
  if (!budget.attempts.takeFirst()) throw new HttpGetError('budget');
  // Where every attempt goes: split once per call (the origin once per warm instance).
  const to = getTarget(partsOf(target.origin), pathname);
  for (let attempt = 1; ; attempt++) {
    let res: GetResult;
    try {
      // Signed, sent and scrubbed here rather than in an async helper: one promise less per attempt.
      const headers = signedHeaders(target, pathname, creds);
      res = withoutEchoes(await httpGet(to, headers, signal, budget.bytes), headers.authorization, creds);
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
async function waitFits(ms: number, deadline: Deadline, signal: Cancelable): Promise<boolean> {
  // Keep room for the retried call itself: a retry that cannot finish in time only delays the error.
  if (ms + 50 >= deadline.remainingMs()) return false;
  try {
    await sleep(ms, signal);
    return true;
  } catch {
    throw new HttpGetError('timeout');
  }
}
