/**
 * Converted JobsDetail entries kept per job, so a poll (or the part of a multi-id request) that
 * was answered a moment ago does not cost another CI call. An entry is found only under the exact
 * family, bucket, region and job id it was fetched for: one bucket's job is never served to a
 * request for another bucket. How long an entry is served depends on the job's state when it was
 * stored, against the policy in force when it is read (so lowering a TTL takes effect at once).
 * An id CI said it does not know is kept too, for the short missingTtlMs, so a caller polling a
 * wrong id does not cost a CI call per poll.
 */
import type { CachePolicy } from '../config/cache-env';
import type { DriftPart } from '../ci/drift';
import { type JobFamily, familySpec, isJobFamily } from '../ci/families';
import type { Json } from '../xml/shape';
import { type ItemFields, isTerminal, jobIdOf } from '../ci/job-state';
import { Lru } from './lru';

export interface CacheScope {
  family: JobFamily;
  bucket: string;
  region: string;
}

/**
 * What is kept per job: the converted job with the drift CI's answer had in it (re-reported whenever
 * the job is served, so a hit says what a fresh call would), or the fact that CI does not know the id.
 */
export type KnownJob = { job: Json; terminal: boolean; drift: DriftPart | undefined };
export type CachedJob = KnownJob | { job: undefined; terminal: false; drift?: undefined };

type Entry = CachedJob & { storedAt: number };

export interface CacheLookup {
  hits: Map<string, KnownJob>;
  /** Ids CI recently said it does not know. */
  unknown: string[];
  /** Ids to ask for. */
  missing: string[];
}

/** How long an entry is served, by what it holds. */
export function ttlOf(entry: CachedJob, policy: CachePolicy): number {
  if (entry.job === undefined) return policy.missingTtlMs;
  return entry.terminal ? policy.terminalTtlMs : policy.activeTtlMs;
}

export function cachedJob(job: Json, fields: ItemFields, drift?: DriftPart): KnownJob {
  return { job, terminal: isTerminal(job, fields), drift };
}

/**
 * A job with more drift than this is not cached: the cache is bounded by entries, not bytes, and a
 * job whose every field drifted would hold its report beside it. One field CI keeps sending in
 * another form (the case caching must survive) is far below it.
 */
export const MAX_CACHED_DRIFT = 50;

export const UNKNOWN_JOB: CachedJob = { job: undefined, terminal: false };

export class JobCache {
  private readonly entries: Lru<string, Entry>;

  /** `now` is injectable so tests can move time instead of waiting for it. */
  constructor(
    private readonly now: () => number = Date.now,
    maxEntries = 500,
  ) {
    this.entries = new Lru(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(scope: CacheScope, ids: readonly string[], policy: CachePolicy): CacheLookup {
    this.entries.resize(policy.maxEntries);
    const hits = new Map<string, KnownJob>();
    const unknown: string[] = [];
    // Nothing kept (a cold instance, or caching switched off): every id is missing, no key is built.
    if (this.entries.size === 0) return { hits, unknown, missing: [...ids] };
    const now = this.now();
    const missing: string[] = [];
    for (const id of ids) {
      const key = keyOf(scope, id);
      const entry = this.entries.get(key);
      if (entry && now - entry.storedAt < ttlOf(entry, policy)) {
        if (entry.job === undefined) unknown.push(id);
        else hits.set(id, { job: entry.job, terminal: entry.terminal, drift: entry.drift });
        continue;
      }
      if (entry) this.entries.delete(key);
      missing.push(id);
    }
    return { hits, unknown, missing };
  }

  /**
   * Keeps one entry as of `storedAt`: an entry another instance stored (through Redis) ages from
   * when it was fetched, not from when this instance first saw it.
   */
  put(scope: CacheScope, id: string, entry: CachedJob, policy: CachePolicy, storedAt = this.now()): void {
    this.entries.resize(policy.maxEntries);
    if ((entry.drift?.total ?? 0) > MAX_CACHED_DRIFT) return;
    if (ttlOf(entry, policy) > 0) this.entries.set(keyOf(scope, id), { ...entry, storedAt });
  }

  /** Drops the entry under a key made by keyOf (a newer one exists elsewhere). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Keeps the jobs CI returned for ids that were asked for; anything else CI sent is not trusted as a key. */
  store(
    scope: CacheScope,
    jobs: readonly Json[],
    requested: ReadonlySet<string>,
    policy: CachePolicy,
    drift: readonly (DriftPart | undefined)[] = [],
  ): void {
    const spec = familySpec(scope.family);
    jobs.forEach((job, i) => {
      const id = jobIdOf(job, spec);
      if (typeof id === 'string' && requested.has(id)) this.put(scope, id, cachedJob(job, spec, drift[i]), policy);
    });
  }
}

// None of the parts can hold '/': family is an enum, bucket, region and id are pattern-checked.
export const keyOf = (scope: CacheScope, id: string) => `${scope.family}/${scope.bucket}/${scope.region}/${id}`;

/** The family a key made by keyOf is for, or undefined for a key that is not one (read back from Redis). */
export function familyOfKey(key: string): JobFamily | undefined {
  const family = key.slice(0, key.indexOf('/'));
  return isJobFamily(family) ? family : undefined;
}
