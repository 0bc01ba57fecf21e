/**
 * Cache settings, kept apart from env.ts so the cache can be tuned or switched off on its own.
 * Read per invocation like the rest of the configuration; an invalid value is a 500
 * ServerMisconfigured that names the variable.
 */
import { type Env, integerFrom } from './read-env';

export interface CachePolicy {
  /** How long a job in a final state (Success, Failed, Cancel) is reused; 0 = not cached. */
  terminalTtlMs: number;
  /** How long any other job is reused; 0 = not cached. */
  activeTtlMs: number;
  /** How long "CI does not know this id" is reused; 0 = not cached. */
  missingTtlMs: number;
  /** Most jobs kept per instance; memory is bounded by this times the largest job. */
  maxEntries: number;
}

export function readCachePolicy(env: Env = process.env): CachePolicy {
  return {
    terminalTtlMs: integerFrom(env, 'CACHE_TERMINAL_TTL_S', 300, 0, 86_400) * 1000,
    activeTtlMs: integerFrom(env, 'CACHE_ACTIVE_TTL_MS', 1000, 0, 60_000),
    missingTtlMs: integerFrom(env, 'CACHE_MISSING_TTL_MS', 5000, 0, 60_000),
    maxEntries: integerFrom(env, 'CACHE_MAX_ENTRIES', 500, 1, 100_000),
  };
}
