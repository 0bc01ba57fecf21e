/**
 * The waiting half of long-poll, independent of HTTP and CI: fetch once, then keep re-fetching with
 * growing pauses until the value's fingerprint changes, it settles, or time runs out. Time running
 * out is not an error: the caller gets the latest value, which is still a true answer ("nothing new").
 */
export interface Backoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

export interface PollUntilChangeOptions<T> {
  fetch: (signal: AbortSignal) => Promise<T>;
  /** Two values with the same fingerprint count as "no change". */
  fingerprint: (value: T) => string;
  /** A settled value cannot change any more, so it is answered at once. */
  isSettled: (value: T) => boolean;
  /** Epoch ms by which the answer must be ready; no re-fetch runs past it. */
  stopAt: number;
  /** Limit for each single fetch, as for a request without waiting. */
  fetchTimeoutMs: number;
  backoff: Backoff;
  /** A re-fetch needs at least this long before stopAt to be worth starting. */
  minFetchBudgetMs: number;
  /**
   * What the caller already holds, e.g. the last state a Server-Sent Events stream emitted: polling
   * then starts with a pause instead of a fetch, and a value counts as changed when its fingerprint
   * differs from this one. On timeout the caller gets `known.value` back.
   */
  known?: { value: T; fingerprint: string };
  /** The caller went away: stop waiting and answer the latest value as a timeout. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type PollOutcome = 'settled' | 'changed' | 'timeout';

export interface PollResult<T> {
  value: T;
  outcome: PollOutcome;
  fetches: number;
}

/** Resolves after `ms`, or early (never rejecting) when the signal fires: the loop then notices it stopped. */
const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export async function pollUntilChange<T>(options: PollUntilChangeOptions<T>): Promise<PollResult<T>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  let value: T;
  let fetches = 0;
  let seen: string;
  if (options.known) {
    ({ value, fingerprint: seen } = options.known);
  } else {
    // The first fetch behaves like a plain request: its failures are the caller's answer.
    value = await options.fetch(AbortSignal.timeout(options.fetchTimeoutMs));
    fetches = 1;
    if (options.isSettled(value)) return { value, outcome: 'settled', fetches };
    seen = options.fingerprint(value);
  }

  let pause = options.backoff.firstMs;
  for (;;) {
    const wait = Math.min(pause, options.stopAt - now() - options.minFetchBudgetMs);
    if (wait <= 0 || options.signal?.aborted) return { value, outcome: 'timeout', fetches };
    await sleep(wait, options.signal);
    if (options.signal?.aborted) return { value, outcome: 'timeout', fetches };
    // Two limits on a re-fetch: CI's usual timeout, and the time left before the answer is due (or
    // the caller leaving).
    const timeLeft = AbortSignal.timeout(Math.max(1, Math.ceil(options.stopAt - now())));
    const dueBy = options.signal ? AbortSignal.any([timeLeft, options.signal]) : timeLeft;
    let next: Awaited<T>;
    try {
      next = await options.fetch(AbortSignal.any([AbortSignal.timeout(options.fetchTimeoutMs), dueBy]));
    } catch (err) {
      // Cut short by our own deadline: the previous value is still the honest answer.
      if (dueBy.aborted) return { value, outcome: 'timeout', fetches };
      throw err;
    }
    fetches += 1;
    value = next;
    if (options.isSettled(value)) return { value, outcome: 'settled', fetches };
    if (options.fingerprint(value) !== seen) return { value, outcome: 'changed', fetches };
    pause = Math.round(Math.min(pause * options.backoff.factor, options.backoff.maxMs));
  }
}
