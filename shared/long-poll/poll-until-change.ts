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
  /** Whether another re-fetch may start (e.g. the request's upstream budget allows it); default yes. */
  mayRefetch?: () => boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type PollOutcome = 'settled' | 'changed' | 'timeout' | 'budget';

export interface PollResult<T> {
  value: T;
  outcome: PollOutcome;
  fetches: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pollUntilChange<T>(options: PollUntilChangeOptions<T>): Promise<PollResult<T>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  // The first fetch behaves like a plain request: its failures are the caller's answer.
  let value = await options.fetch(AbortSignal.timeout(options.fetchTimeoutMs));
  let fetches = 1;
  if (options.isSettled(value)) return { value, outcome: 'settled', fetches };
  const seen = options.fingerprint(value);

  let pause = options.backoff.firstMs;
  for (;;) {
    const wait = Math.min(pause, options.stopAt - now() - options.minFetchBudgetMs);
    if (wait <= 0) return { value, outcome: 'timeout', fetches };
    // Out of upstream budget: like running out of time, the latest value is the honest answer.
    if (options.mayRefetch && !options.mayRefetch()) return { value, outcome: 'budget', fetches };
    await sleep(wait);
    // Two limits on a re-fetch: CI's usual timeout, and the time left before the answer is due.
    const dueBy = AbortSignal.timeout(Math.max(1, Math.ceil(options.stopAt - now())));
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
