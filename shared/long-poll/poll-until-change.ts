/**
 * The waiting half of long-poll, independent of HTTP and CI: fetch once, then keep re-fetching with
 * growing pauses until the value's fingerprint changes, it settles, or time runs out. Time running
 * out is not an error: the caller gets the latest value, which is still a true answer ("nothing new").
 *
 * A pause also ends early when any instance stores a new entry for a job the fetches looked up
 * (shared/fleet/job-events.ts): with the shared cache on Redis, a waiter on one instance wakes as
 * soon as another instance fetched the job, and its re-fetch is then served from the cache.
 */
import { collectLookups, onJobStored } from '../fleet/job-events';

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
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** End a pause when a looked-up job is stored anew by this or another instance. Default true. */
  wakeOnStore?: boolean;
}

export type PollOutcome = 'settled' | 'changed' | 'timeout';

export interface PollResult<T> {
  value: T;
  outcome: PollOutcome;
  fetches: number;
}

/** A pause that a wake-up can end early; the timer is cleared either way. */
function pauseFor(ms: number, sleep: ((ms: number) => Promise<void>) | undefined, wake: Promise<void>): Promise<void> {
  if (sleep) return Promise.race([sleep(ms), wake]);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), wake]).finally(() => clearTimeout(timer));
}

export async function pollUntilChange<T>(options: PollUntilChangeOptions<T>): Promise<PollResult<T>> {
  const now = options.now ?? Date.now;
  // Every cache key the fetches look up; a store of any of them ends the current pause.
  const watched = new Set<string>();
  const fetch = (signal: AbortSignal) => collectLookups(watched, () => options.fetch(signal));
  // The first fetch behaves like a plain request: its failures are the caller's answer.
  let value = await fetch(AbortSignal.timeout(options.fetchTimeoutMs));
  let fetches = 1;
  if (options.isSettled(value)) return { value, outcome: 'settled', fetches };
  const seen = options.fingerprint(value);

  // Only stores during a pause count: one during a fetch is most often that fetch's own answer.
  let wakeNow: (() => void) | undefined;
  let unsubscribe: () => void = () => undefined;
  let subscribedTo = 0;
  try {
    let pause = options.backoff.firstMs;
    for (;;) {
      const wait = Math.min(pause, options.stopAt - now() - options.minFetchBudgetMs);
      if (wait <= 0) return { value, outcome: 'timeout', fetches };
      // Listen for every key looked up so far (a fetch may have named new ones).
      if (options.wakeOnStore !== false && watched.size !== subscribedTo) {
        unsubscribe();
        unsubscribe = onJobStored(watched, () => wakeNow?.());
        subscribedTo = watched.size;
      }
      await pauseFor(wait, options.sleep, new Promise<void>((resolve) => (wakeNow = resolve)));
      wakeNow = undefined;
      // Two limits on a re-fetch: CI's usual timeout, and the time left before the answer is due.
      const dueBy = AbortSignal.timeout(Math.max(1, Math.ceil(options.stopAt - now())));
      let next: Awaited<T>;
      try {
        next = await fetch(AbortSignal.any([AbortSignal.timeout(options.fetchTimeoutMs), dueBy]));
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
  } finally {
    unsubscribe();
  }
}
