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

const watchers = new Map<string, Set<Waker>>();

export const wakeKey = (family: string, id: string) => `${family}/${id}`;

/** Wakes every long-poll watching any of these jobs. */
export function wakeJobs(family: string, ids: Iterable<string>): void {
  for (const id of ids) for (const wake of [...(watchers.get(wakeKey(family, id)) ?? [])]) wake();
}

export interface JobWatch {
  /** Resolves after `ms`, or at once if a wake came since the last sleep, or when one comes. Never rejects. */
  sleep(ms: number): Promise<void>;
  close(): void;
}

/**
 * Watches `keys` for the whole long-poll, not only while it sleeps: a wake that lands while a CI
 * query is in flight still cuts the next pause short instead of being lost.
 */
export function watchJobs(keys: readonly string[]): JobWatch {
  let woken = false;
  let wakeSleeper: (() => void) | undefined;
  const onWake: Waker = () => {
    woken = true;
    wakeSleeper?.();
  };
  for (const key of keys) {
    let set = watchers.get(key);
    if (!set) watchers.set(key, (set = new Set()));
    set.add(onWake);
  }
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakeSleeper = undefined;
          woken = false;
          resolve();
        };
        const timer = setTimeout(done, woken ? 0 : ms);
        wakeSleeper = done;
      }),
    close: () => {
      wakeSleeper?.();
      for (const key of keys) {
        const set = watchers.get(key);
        set?.delete(onWake);
        if (set?.size === 0) watchers.delete(key);
      }
    },
  };
}

/** Long-polls watching right now, one per job they watch (for tests and diagnostics). */
export function watchingCount(): number {
  let n = 0;
  for (const set of watchers.values()) n += set.size;
  return n;
}
