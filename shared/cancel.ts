/**
 * A one-shot cancellation, lighter than AbortController/AbortSignal for the lookup's own plumbing.
 * An AbortSignal is an EventTarget: making one and putting listeners on it cost ~20 µs per
 * request (docs/performance.md, "The HTTP path"), and a lookup needs none of what an EventTarget
 * offers. APIs that want a real AbortSignal (fetch, Redis waits) get one from `Deadline.signal`,
 * made only when read.
 */

/** Something that may fire once: an AbortSignal or a Cancellation. */
export type Cancelable = AbortSignal | Cancel;

/** The listening side of a Cancellation. */
export interface Cancel {
  readonly aborted: boolean;
  /** `fn` runs once when this fires (synchronously, in the order added); never if it already has. */
  addListener(fn: () => void): void;
  removeListener(fn: () => void): void;
}

export class Cancellation implements Cancel {
  private fired = false;
  private listeners: (() => void)[] = [];

  get aborted(): boolean {
    return this.fired;
  }

  /** Listeners attached right now (for tests and diagnostics). */
  get listenerCount(): number {
    return this.listeners.length;
  }

  addListener(fn: () => void): void {
    if (!this.fired) this.listeners.push(fn);
  }

  removeListener(fn: () => void): void {
    const at = this.listeners.indexOf(fn);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  abort(): void {
    if (this.fired) return;
    this.fired = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const fn of listeners) {
      // As an EventTarget does: one listener's throw does not keep the others from running, and
      // it still surfaces (as an uncaught exception), not as a throw from abort()'s caller.
      try {
        fn();
      } catch (err) {
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

/** Runs `fn` once when `on` fires (see Cancel.addListener). */
export function listen(on: Cancelable, fn: () => void): void {
  if (on instanceof AbortSignal) on.addEventListener('abort', fn, { once: true });
  else on.addListener(fn);
}

export function unlisten(on: Cancelable, fn: () => void): void {
  if (on instanceof AbortSignal) on.removeEventListener('abort', fn);
  else on.removeListener(fn);
}

/** An AbortSignal that fires when `on` does, for APIs that need a real one. */
export function signalOf(on: Cancel): AbortSignal {
  const controller = new AbortController();
  if (on.aborted) controller.abort();
  else on.addListener(() => controller.abort());
  return controller.signal;
}
