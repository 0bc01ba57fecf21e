/**
 * In-process wake-ups for long-polls: a waiting GET ?wait= sleeps between CI queries, and a verified
 * callback that has just stored a job's new state wakes the waiters for that job at once, so they
 * re-read it from the cache instead of sleeping on. Keyed by family and job id only: a waiter of
 * another bucket woken by mistake just polls a little early.
 *
 * One instance only. A callback handled by another SCF instance does not reach these waiters; the
 * shared cache (Redis) is where a fleet-wide signal belongs.
 */
type Waker = () => void;

const waiters = new Map<string, Set<Waker>>();

export const wakeKey = (family: string, id: string) => `${family}/${id}`;

/** Wakes every long-poll waiting on any of these jobs. */
export function wakeJobs(family: string, ids: Iterable<string>): void {
  for (const id of ids) for (const wake of [...(waiters.get(wakeKey(family, id)) ?? [])]) wake();
}

/** Resolves after `ms`, or earlier when one of `keys` is woken. Never rejects. */
export function sleepUnlessWoken(ms: number, keys: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const key of keys) {
        const set = waiters.get(key);
        set?.delete(done);
        if (set?.size === 0) waiters.delete(key);
      }
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const key of keys) {
      let set = waiters.get(key);
      if (!set) waiters.set(key, (set = new Set()));
      set.add(done);
    }
  });
}

/** Long-polls waiting right now (for tests and diagnostics). */
export function waitingCount(): number {
  let n = 0;
  for (const set of waiters.values()) n += set.size;
  return n;
}
