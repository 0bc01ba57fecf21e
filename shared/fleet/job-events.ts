/**
 * "A job's entry was stored anew", inside one instance. The cache emits it whenever it stores a
 * job fetched from CI, and the Redis link re-emits what other instances announce, so a waiter
 * here learns of a new state whichever instance fetched it.
 *
 * Long-poll (and anything else built on pollUntilChange) does not name the jobs it watches: each
 * fetch it runs records the cache keys it looked up (`recordLookups`), and the loop listens for
 * those keys while it pauses. Callers get cross-instance wake-ups without wiring anything.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Listener = () => void;

const listeners = new Map<string, Set<Listener>>();

/** Calls `listener` each time one of `keys` is stored; returns the unsubscribe. */
export function onJobStored(keys: Iterable<string>, listener: Listener): () => void {
  const subscribed: string[] = [];
  for (const key of keys) {
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(listener);
    subscribed.push(key);
  }
  return () => {
    for (const key of subscribed) {
      const set = listeners.get(key);
      set?.delete(listener);
      if (set?.size === 0) listeners.delete(key);
    }
  };
}

export function emitJobStored(key: string): void {
  const set = listeners.get(key);
  if (!set) return;
  // A listener may unsubscribe while we walk the set: walk a copy.
  for (const listener of [...set]) listener();
}

const remoteListeners = new Set<(key: string) => void>();

/** Calls `listener` for every key another instance stored (announced through Redis). */
export function onRemoteStore(listener: (key: string) => void): () => void {
  remoteListeners.add(listener);
  return () => remoteListeners.delete(listener);
}

/**
 * Another instance stored `key`: whatever this instance keeps for it is older, so the remote
 * listeners (the instance cache) drop it first, then the waiters are woken to read the new one.
 */
export function emitRemoteStore(key: string): void {
  for (const listener of remoteListeners) listener(key);
  emitJobStored(key);
}

/** Keys with a listener right now (for tests and diagnostics). */
export function watchedKeyCount(): number {
  return listeners.size;
}

const lookups = new AsyncLocalStorage<Set<string>>();

/** Runs `fn`, collecting into `into` the cache keys every job lookup inside it touches. */
export function collectLookups<T>(into: Set<string>, fn: () => Promise<T>): Promise<T> {
  return lookups.run(into, fn);
}

/** Called by the cache for each key it looks up; a no-op outside collectLookups. */
export function recordLookups(keys: Iterable<string>): void {
  const into = lookups.getStore();
  if (into) for (const key of keys) into.add(key);
}
