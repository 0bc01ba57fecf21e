/**
 * In-flight coalescing: identical upstream queries that overlap in time share one call. Many
 * users poll the same jobs, and CI rate-limits job queries, so N concurrent polls should cost one.
 *
 * The shared call gets its own cancellation that fires only when every caller waiting on it has
 * given up; a caller whose own signal fires stops waiting at once (with `onAbort()`'s error)
 * while the call goes on for the others. That cancellation is a light Cancellation, not an
 * AbortController: a lookup that is one call makes no AbortSignal at all (docs/performance.md).
 * Its time budget is that of the caller who can wait longest, so a joiner with time to spare is
 * not denied a retry because the starter is in a hurry.
 */
import { type Cancel, type Cancelable, Cancellation, listen, signalOf, unlisten } from '../cancel';

interface Shared<T> {
  promise: Promise<T>;
  cancel: Cancellation;
  /** When each caller still waiting stops waiting (epoch ms), one entry per caller. */
  endsAt: number[];
}

/** What the shared call is told about the callers it serves. */
export interface SharedCall {
  /** Fires once every caller has given up. */
  cancel: Cancel;
  /** The same as an AbortSignal, made on first read. */
  readonly signal: AbortSignal;
  /** The latest time any caller still waiting will wait until (epoch ms); 0 when none is left. */
  latestEnd(): number;
}

export class InFlight<T> {
  private readonly calls = new Map<string, Shared<T>>();

  /** Calls in flight right now (for tests and diagnostics). */
  get size(): number {
    return this.calls.size;
  }

  /** `endsAt`: when this caller will stop waiting (epoch ms); its `signal` fires then or earlier. */
  run(key: string, signal: Cancelable, endsAt: number, start: (call: SharedCall) => Promise<T>, onAbort: () => Error): Promise<T> {
    if (signal.aborted) return Promise.reject(onAbort());
    const existing = this.calls.get(key);
    if (existing) {
      existing.endsAt.push(endsAt);
      return this.follow(key, existing, signal, endsAt, onAbort);
    }

    const cancel = new Cancellation();
    // The starter's end is listed before start() runs, so the call knows its budget from its first step.
    const ends = [endsAt];
    let asSignal: AbortSignal | undefined;
    const call: SharedCall = {
      cancel,
      get signal() {
        return (asSignal ??= signalOf(cancel));
      },
      latestEnd: () => (ends.length === 0 ? 0 : Math.max(...ends)),
    };
    const entry: Shared<T> = { promise: start(call), cancel, endsAt: ends };
    const forget = () => {
      if (this.calls.get(key) === entry) this.calls.delete(key);
    };
    // Settled or abandoned, the call leaves the table; nobody may join a finished call.
    entry.promise.then(forget, forget);
    this.calls.set(key, entry);
    return this.follow(key, entry, signal, endsAt, onAbort);
  }

  /** Settles with the shared call, or earlier with onAbort() when this caller's signal fires. */
  private follow(key: string, shared: Shared<T>, signal: Cancelable, endsAt: number, onAbort: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        shared.endsAt.splice(shared.endsAt.indexOf(endsAt), 1);
        if (shared.endsAt.length === 0) {
          if (this.calls.get(key) === shared) this.calls.delete(key);
          shared.cancel.abort();
        }
        reject(onAbort());
      };
      listen(signal, leave);
      shared.promise.then(
        (value) => {
          unlisten(signal, leave);
          resolve(value);
        },
        (err: unknown) => {
          unlisten(signal, leave);
          reject(err);
        },
      );
    });
  }
}
