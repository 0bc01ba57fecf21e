/**
 * In-flight coalescing: identical upstream queries that overlap in time share one call. Many
 * users poll the same jobs, and CI rate-limits job queries, so N concurrent polls should cost one.
 *
 * The shared call gets its own AbortSignal that fires only when every caller waiting on it has
 * given up; a caller whose own signal fires stops waiting at once (with `onAbort()`'s error)
 * while the call goes on for the others.
 */
interface Shared<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export class InFlight<T> {
  private readonly calls = new Map<string, Shared<T>>();

  /** Calls in flight right now (for tests and diagnostics). */
  get size(): number {
    return this.calls.size;
  }

  run(key: string, signal: AbortSignal, start: (signal: AbortSignal) => Promise<T>, onAbort: () => Error): Promise<T> {
    if (signal.aborted) return Promise.reject(onAbort());
    let shared = this.calls.get(key);
    if (!shared) {
      const controller = new AbortController();
      const entry: Shared<T> = { promise: start(controller.signal), controller, waiters: 0 };
      const forget = () => {
        if (this.calls.get(key) === entry) this.calls.delete(key);
      };
      // Settled or abandoned, the call leaves the table; nobody may join a finished call.
      entry.promise.then(forget, forget);
      this.calls.set(key, entry);
      shared = entry;
    }
    return this.wait(key, shared, signal, onAbort);
  }

  private wait(key: string, shared: Shared<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
    shared.waiters += 1;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        shared.waiters -= 1;
        if (shared.waiters === 0) {
          if (this.calls.get(key) === shared) this.calls.delete(key);
          shared.controller.abort();
        }
        reject(onAbort());
      };
      signal.addEventListener('abort', leave, { once: true });
      shared.promise.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(err);
        },
      );
    });
  }
}
