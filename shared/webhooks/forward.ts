/**
 * Delivers one signed message to one receiver: POST, retried with backoff on what a later attempt
 * can fix (no answer, 408, 429, 5xx), never past the deadline. Each attempt is signed afresh with
 * its own timestamp, so a receiver's replay window is measured from the attempt it sees. Redirects
 * are not followed: the targets are fixed at deploy, and a 3xx is reported, not obeyed.
 */
import { describeTarget } from '../config/callback-env';
import type { Deadline } from '../deadline';
import { retryAfterMs } from '../ci/retry-policy';
import { signWebhook } from './sign';

export const MAX_DELIVERY_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4000;
const MAX_ATTEMPT_MS = 10_000;
/** An attempt with less time than this left is not worth starting. */
const MIN_ATTEMPT_MS = 100;
const USER_AGENT = 'ci-job-status/0.1 (webhook)';

export interface WebhookMessage {
  id: string;
  body: string;
}

export interface Delivery {
  target: string; // origin and path only
  outcome: 'delivered' | 'failed';
  status?: number; // the receiver's last HTTP status, when it answered
  failure?: 'network' | 'timeout' | 'rejected' | 'redirected' | 'deadline';
  attempts: number;
}

export interface ForwardDeps {
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
}

const realSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
export const defaultForwardDeps: ForwardDeps = { now: Date.now, sleep: realSleep, random: Math.random };

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** Exponential, with "equal jitter": never shorter than half the step, so retries do spread out. */
export function deliveryBackoffMs(attempt: number, random: () => number): number {
  const step = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.floor(step / 2 + random() * (step / 2));
}

export async function forwardWebhook(
  url: URL,
  message: WebhookMessage,
  keys: readonly Buffer[],
  deadline: Deadline,
  deps: ForwardDeps = defaultForwardDeps,
): Promise<Delivery> {
  const target = describeTarget(url);
  let last: Omit<Delivery, 'target' | 'attempts'> = { outcome: 'failed', failure: 'deadline' };
  let attempts = 0;
  while (attempts < MAX_DELIVERY_ATTEMPTS) {
    const remaining = deadline.remainingMs(deps.now());
    if (remaining < MIN_ATTEMPT_MS) break;
    attempts += 1;
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...signWebhook(message.id, Math.floor(deps.now() / 1000), message.body, keys),
    };
    const attemptTimeout = AbortSignal.timeout(Math.min(remaining, MAX_ATTEMPT_MS));
    let retryAfter: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([deadline.signal, attemptTimeout]),
      });
      // The receiver's answer is never read: only its status matters, and its body may be anything.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { target, outcome: 'delivered', status: res.status, attempts };
      if (res.status >= 300 && res.status < 400) return { target, outcome: 'failed', status: res.status, failure: 'redirected', attempts };
      last = { outcome: 'failed', status: res.status, failure: 'rejected' };
      if (!retryableStatus(res.status)) break;
      retryAfter = retryAfterMs(res.headers.get('retry-after') ?? undefined, deps.now());
    } catch {
      last = { outcome: 'failed', failure: attemptTimeout.aborted || deadline.signal.aborted ? 'timeout' : 'network' };
    }
    if (attempts >= MAX_DELIVERY_ATTEMPTS) break;
    const wait = Math.max(retryAfter ?? 0, deliveryBackoffMs(attempts, deps.random));
    // A retry that cannot finish before the deadline only delays the answer to CI.
    if (wait + MIN_ATTEMPT_MS >= deadline.remainingMs(deps.now())) break;
    await deps.sleep(wait, deadline.signal);
  }
  return { target, ...last, attempts };
}

/** One line per delivery: where, which message, how it went. Never the body or a signature. */
export function logDelivery(delivery: Delivery, messageId: string, jobId: string): void {
  const failed = delivery.outcome === 'failed';
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: failed ? 'warn' : 'info',
      msg: 'webhook',
      target: delivery.target,
      webhookId: messageId,
      jobId,
      outcome: delivery.outcome,
      ...(delivery.status !== undefined ? { status: delivery.status } : {}),
      ...(delivery.failure ? { failure: delivery.failure } : {}),
      attempts: delivery.attempts,
    }),
  );
}
