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
  /**
   * What the caller already holds, e.g. the last state a Server-Sent Events stream emitted: polling
   * then starts with a pause instead of a fetch, and a value counts as changed when its fingerprint
   * differs from this one. On timeout the caller gets `known.value` back.
   */
  known?: { value: T; fingerprint: string };
  /** The caller went away: stop waiting and answer the latest value as a timeout. */
  signal?: AbortSignal;
  /** Whether another re-fetch may start (e.g. the request's upstream budget allows it); default yes. */
  mayRefetch?: () => boolean;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** End a pause when a looked-up job is stored anew by this or another instance. Default true. */
  wakeOnStore?: boolean;
}

export type PollOutcome = 'settled' | 'changed' | 'timeout' | 'budget';

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
  // Every cache key the fetches look up; a store of any of them ends the current pause.
  const watched = new Set<string>();
  const fetch = (signal: AbortSignal) => collectLookups(watched, () => options.fetch(signal));
  let value: T;
  let fetches = 0;
  let seen: string;
  if (options.known) {
    ({ value, fingerprint: seen } = options.known);
  } else {
    // The first fetch behaves like a plain request: its failures are the caller's answer.
    value = await fetch(AbortSignal.timeout(options.fetchTimeoutMs));
    fetches = 1;
    if (options.isSettled(value)) return { value, outcome: 'settled', fetches };
    seen = options.fingerprint(value);
  }

  // Only stores during a pause count: one during a fetch is most often that fetch's own answer.
  let wakeNow: (() => void) | undefined;
  let unsubscribe: () => void = () => undefined;
  let subscribedTo = 0;
  try {
    let pause = options.backoff.firstMs;
    for (;;) {
      const wait = Math.min(pause, options.stopAt - now() - options.minFetchBudgetMs);
      if (wait <= 0 || options.signal?.aborted) return { value, outcome: 'timeout', fetches };
      // Out of upstream budget: like running out of time, the latest value is the honest answer.
      if (options.mayRefetch && !options.mayRefetch()) return { value, outcome: 'budget', fetches };
      // Listen for every key looked up so far (a fetch may have named new ones).
      if (options.wakeOnStore !== false && watched.size !== subscribedTo) {
        unsubscribe();
        unsubscribe = onJobStored(watched, () => wakeNow?.());
        subscribedTo = watched.size;
      }
      // A wake-up ends the pause through the signal the sleep gets (so its timer is cleared), and
      // through the race for a sleep that does not take a signal.
      const pauseEnded = new AbortController();
      const woken = new Promise<void>((resolve) => (wakeNow = () => (pauseEnded.abort(), resolve())));
      await Promise.race([sleep(wait, options.signal ? AbortSignal.any([pauseEnded.signal, options.signal]) : pauseEnded.signal), woken]);
      wakeNow = undefined;
      if (options.signal?.aborted) return { value, outcome: 'timeout', fetches };
      // Two limits on a re-fetch: CI's usual timeout, and the time left before the answer is due (or
      // the caller leaving).
      const timeLeft = AbortSignal.timeout(Math.max(1, Math.ceil(options.stopAt - now())));
      const dueBy = options.signal ? AbortSignal.any([timeLeft, options.signal]) : timeLeft;
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
