/**
 * A request's deadline: the smaller of UPSTREAM_TIMEOUT_MS and what is left of the SCF invocation
 * minus a safety margin, so we always answer (504) before SCF kills the instance mid-response.
 */
import { type Cancel, type Cancelable, Cancellation, listen, signalOf, unlisten } from './cancel';
import type { ScfContext } from './scf/event';

export interface Deadline {
  readonly at: number; // epoch ms
  /** Fires when the deadline passes (or its parent fires). What the lookup's own plumbing listens on. */
  readonly cancel: Cancel;
  /** The same as an AbortSignal, for APIs that need one; made on first read (a lookup never reads it). */
  readonly signal: AbortSignal;
  remainingMs(now?: number): number;
  dispose(): void;
}

/** Time kept back from SCF's own limit to build and return the 504. */
export const REQUEST_END_MARGIN_MS = 250;

/**
 * When SCF will end this invocation (epoch ms), or undefined when the context does not say.
 * getRemainingTimeInMillis is exact; time_limit_in_ms is the configured timeout, counted from
 * when the event was handed to us.
 */
export function invocationEndsAt(context: ScfContext | undefined, invokedAt: number, now = Date.now()): number | undefined {
  let end: number | undefined;
  if (typeof context?.getRemainingTimeInMillis === 'function') end = now + context.getRemainingTimeInMillis();
  else if (typeof context?.time_limit_in_ms === 'number') end = invokedAt + context.time_limit_in_ms;
  return end !== undefined && Number.isFinite(end) ? end : undefined;
}

export function deadlineBudgetMs(upstreamTimeoutMs: number, context: ScfContext | undefined, invokedAt: number, now = Date.now()): number {
  const end = invocationEndsAt(context, invokedAt, now);
  if (end === undefined) return upstreamTimeoutMs;
  return Math.max(0, Math.min(upstreamTimeoutMs, end - now - REQUEST_END_MARGIN_MS));
}

/** A deadline `budgetMs` from now; it also ends early if `parent` fires (e.g. a long-poll cut-off). */
export function createDeadline(budgetMs: number, now = Date.now(), parent?: AbortSignal): Deadline {
  const cancel = new Cancellation();
  const timer = setTimeout(() => cancel.abort(), budgetMs);
  timer.unref?.();
  const onParent = () => cancel.abort();
  if (parent?.aborted) cancel.abort();
  else parent?.addEventListener('abort', onParent, { once: true });
  let signal: AbortSignal | undefined;
  return {
    at: now + budgetMs,
    cancel,
    get signal() {
      return (signal ??= signalOf(cancel));
    },
    remainingMs: (t = Date.now()) => Math.max(0, now + budgetMs - t),
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Resolves after `ms`, or rejects as soon as `on` fires. */
export function sleep(ms: number, on: Cancelable): Promise<void> {
  return new Promise((resolve, reject) => {
    const gaveUp = (): unknown => (on instanceof AbortSignal ? (on.reason as unknown) : new Error('cancelled'));
    if (on.aborted) return reject(gaveUp());
    const timer = setTimeout(() => {
      unlisten(on, onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(gaveUp());
    };
    listen(on, onAbort);
  });
}
