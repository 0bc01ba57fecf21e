/**
 * Converted JobsDetail entries kept per job, so a poll (or the part of a multi-id request) that
 * was answered a moment ago does not cost another CI call. An entry is found only under the exact
 * family, bucket, region and job id it was fetched for: one bucket's job is never served to a
 * request for another bucket. How long an entry is served depends on the job's state when it was
 * stored, against the policy in force when it is read (so lowering a TTL takes effect at once).
 */
import type { CachePolicy } from '../config/cache-env';
import type { DriftPart } from '../ci/drift';
import type { JobFamily } from '../ci/families';
import type { Json } from '../xml/shape';
import { isTerminal, jobIdOf } from '../ci/job-state';
import { Lru } from './lru';

export interface CacheScope {
  family: JobFamily;
  bucket: string;
  region: string;
}

/** A cached job and the drift CI's answer had in it, re-reported whenever the job is served. */
export interface CachedJob {
  job: Json;
  drift: DriftPart | undefined;
}

interface Entry extends CachedJob {
  terminal: boolean;
  storedAt: number;
}

export interface CacheLookup {
  hits: Map<string, CachedJob>;
  missing: string[];
}

const ttlOf = (terminal: boolean, policy: CachePolicy) => (terminal ? policy.terminalTtlMs : policy.activeTtlMs);

/**
 * A job with more drift than this is not cached: the cache is bounded by entries, not bytes, and a
 * job whose every field drifted would hold its report beside it. One field CI keeps sending in
 * another form (the case caching must survive) is far below it.
 */
export const MAX_CACHED_DRIFT = 50;

export class JobCache {
  private readonly entries: Lru<string, Entry>;

  /** `now` is injectable so tests can move time instead of waiting for it. */
  constructor(private readonly now: () => number = Date.now, maxEntries = 500) {
    this.entries = new Lru(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(scope: CacheScope, ids: readonly string[], policy: CachePolicy): CacheLookup {
    this.entries.resize(policy.maxEntries);
    const now = this.now();
    const hits = new Map<string, CachedJob>();
    const missing: string[] = [];
    for (const id of ids) {
      const key = keyOf(scope, id);
      const entry = this.entries.get(key);
      if (entry && now - entry.storedAt < ttlOf(entry.terminal, policy)) {
        hits.set(id, { job: entry.job, drift: entry.drift });
        continue;
      }
      if (entry) this.entries.delete(key);
      missing.push(id);
    }
    return { hits, missing };
  }

  /**
   * Keeps the jobs CI returned for ids that were asked for; anything else CI sent is not trusted as
   * a key. `drift[i]` is the drift of `jobs[i]`: a drifted job is kept with its report, so serving it
   * again reports the same SchemaErrors a fresh call would, and a field CI keeps sending in an
   * undocumented form does not turn the cache off for that job.
   */
  store(scope: CacheScope, jobs: readonly Json[], requested: ReadonlySet<string>, policy: CachePolicy, drift: readonly (DriftPart | undefined)[] = []): void {
    this.entries.resize(policy.maxEntries);
    const now = this.now();
    jobs.forEach((job, i) => {
      const id = jobIdOf(job);
      if (typeof id !== 'string' || !requested.has(id)) return;
      if ((drift[i]?.total ?? 0) > MAX_CACHED_DRIFT) return;
      const terminal = isTerminal(job);
      if (ttlOf(terminal, policy) > 0) this.entries.set(keyOf(scope, id), { job, drift: drift[i], terminal, storedAt: now });
    });
  }
}

// None of the parts can hold '/': family is an enum, bucket, region and id are pattern-checked.
const keyOf = (scope: CacheScope, id: string) => `${scope.family}/${scope.bucket}/${scope.region}/${id}`;
