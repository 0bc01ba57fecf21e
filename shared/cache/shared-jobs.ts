/**
 * The second cache level, in Redis and shared by every instance: the same entries as the
 * instance's own cache (a converted job, or "CI does not know this id"), under the same key (family,
 * bucket, region, id) behind REDIS_KEY_PREFIX, expiring by state. Only the JSON the function would
 * answer goes in: no keys, tokens or signatures.
 *
 * It also coordinates fetches across instances: whoever takes a job's lock (SET NX PX) asks CI
 * for it, stores the answer and announces the key on the channel; the others wait for that
 * announcement, each until its own time is up, re-reading on a short tick in case a message was
 * lost and taking the lock themselves if it expired with its holder.
 *
 * Every method answers "nothing from Redis" when Redis cannot help (down, slow, circuit open): the
 * caller then does what it would do without Redis.
 */
import type { CachePolicy } from '../config/cache-env';
import type { DriftPart } from '../ci/drift';
import type { Json } from '../xml/shape';
import { onJobStored } from '../fleet/job-events';
import type { RedisLink } from '../fleet/redis-link';
import { familySpec } from '../ci/families';
import { type CachedJob, cachedJob, familyOfKey, ttlOf } from './job-cache';

export interface SharedEntry {
  entry: CachedJob;
  /** Epoch ms when the fetching instance stored it. */
  storedAt: number;
}

/** What a stored value looks like in Redis. `j` absent means CI does not know the id. */
interface Stored {
  j?: Json;
  /** The job's schema drift, re-reported by whichever instance serves it. */
  d?: DriftPart;
  t: number;
}

/** How often a waiter re-reads Redis even without a notification. */
const RECHECK_MS = 200;

// Deletes a lock only if it is still ours: an expired lock may already belong to another instance.
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class SharedJobs {
  constructor(
    private readonly link: RedisLink,
    private readonly now: () => number = Date.now,
  ) {}

  private entryKey = (jobKey: string) => `${this.link.config.keyPrefix}job:${jobKey}`;
  private lockKey = (jobKey: string) => `${this.link.config.keyPrefix}lock:${jobKey}`;

  /** Entries Redis holds for these job keys; an absent key (or Redis unusable) is simply not in the map. */
  async read(jobKeys: readonly string[]): Promise<Map<string, SharedEntry>> {
    const found = new Map<string, SharedEntry>();
    if (jobKeys.length === 0) return found;
    const values = await this.link.run((r) => r.mget(jobKeys.map(this.entryKey)));
    values?.forEach((raw, i) => {
      const jobKey = jobKeys[i] as string;
      const parsed = parseStored(raw, jobKey);
      if (parsed) found.set(jobKey, parsed);
    });
    return found;
  }

  /** Stores entries with their TTL and announces each key. Entries whose TTL is 0 are skipped. */
  async write(entries: ReadonlyMap<string, CachedJob>, policy: CachePolicy): Promise<void> {
    const storedAt = this.now();
    const writes: Array<[string, string, number]> = [];
    for (const [jobKey, entry] of entries) {
      const ttl = ttlOf(entry, policy);
      const value: Stored =
        entry.job === undefined ? { t: storedAt } : { j: entry.job, ...(entry.drift ? { d: entry.drift } : {}), t: storedAt };
      if (ttl > 0) writes.push([jobKey, JSON.stringify(value), ttl]);
    }
    if (writes.length === 0) return;
    await this.link.run((r) => {
      const batch = r.multi();
      for (const [jobKey, value, ttl] of writes) batch.set(this.entryKey(jobKey), value, 'PX', ttl);
      for (const [jobKey] of writes) batch.publish(this.link.channel, this.link.announce(jobKey));
      return batch.exec();
    });
  }

  /**
   * Takes the fetch lock of each job key it can. Answers the keys now ours; the rest are being
   * fetched by another instance. With Redis unusable every key counts as ours: fetch directly.
   */
  async lock(jobKeys: readonly string[], token: string): Promise<string[]> {
    if (jobKeys.length === 0) return [];
    const ttl = this.link.config.lockTtlMs;
    const results = await this.link.run((r) => {
      const batch = r.pipeline();
      for (const jobKey of jobKeys) batch.set(this.lockKey(jobKey), token, 'PX', ttl, 'NX');
      return batch.exec();
    });
    if (!results) return [...jobKeys];
    // A key whose SET failed on its own (an error inside the pipeline) is fetched directly too.
    return jobKeys.filter((_, i) => {
      const [err, reply] = results[i] ?? [null, null];
      return err !== null || reply === 'OK';
    });
  }

  /** Gives back locks still ours and announces the keys, so waiters re-check at once. */
  async unlock(jobKeys: readonly string[], token: string): Promise<void> {
    if (jobKeys.length === 0) return;
    await this.link.run((r) => {
      const batch = r.pipeline();
      for (const jobKey of jobKeys) batch.eval(RELEASE_SCRIPT, 1, this.lockKey(jobKey), token);
      for (const jobKey of jobKeys) batch.publish(this.link.channel, this.link.announce(jobKey));
      return batch.exec();
    });
  }

  /**
   * Waits for other instances to store these keys, until `until` (epoch ms) or `signal`. A key
   * whose lock is gone without an entry (its holder failed or crashed) is locked by us if we can
   * and handed back in `mine`; what is neither found nor ours by then is in `pending`.
   */
  async waitFor(
    jobKeys: readonly string[],
    token: string,
    until: number,
    signal: AbortSignal,
  ): Promise<{ found: Map<string, SharedEntry>; mine: string[]; pending: string[] }> {
    const found = new Map<string, SharedEntry>();
    const mine: string[] = [];
    let pending = [...jobKeys];
    let wake: (() => void) | undefined;
    let announced = false;
    const unsubscribe = onJobStored(jobKeys, () => {
      announced = true;
      wake?.();
    });
    try {
      while (pending.length > 0 && !signal.aborted && this.now() < until && this.link.usable) {
        if (!announced) await this.pause(Math.min(RECHECK_MS, until - this.now()), signal, (w) => (wake = w));
        announced = false;
        wake = undefined;
        const got = await this.read(pending);
        for (const [jobKey, entry] of got) found.set(jobKey, entry);
        pending = pending.filter((k) => !got.has(k));
        if (pending.length === 0) break;
        // A lock that is free again means its holder gave up or died: one waiter takes over.
        const taken = await this.lockIfFree(pending, token);
        mine.push(...taken);
        pending = pending.filter((k) => !taken.includes(k));
      }
    } finally {
      unsubscribe();
    }
    return { found, mine, pending };
  }

  /** Like lock(), but with Redis unusable no key becomes ours: the caller decides what to do. */
  private async lockIfFree(jobKeys: string[], token: string): Promise<string[]> {
    const ttl = this.link.config.lockTtlMs;
    const results = await this.link.run((r) => {
      const batch = r.pipeline();
      for (const jobKey of jobKeys) batch.set(this.lockKey(jobKey), token, 'PX', ttl, 'NX');
      return batch.exec();
    });
    return results ? jobKeys.filter((_, i) => results[i]?.[1] === 'OK') : [];
  }

  private pause(ms: number, signal: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      onWake(done);
    });
  }
}

/** A stored value read back under `jobKey`, whose family says how to read the job's state. */
function parseStored(raw: string | null | undefined, jobKey: string): SharedEntry | undefined {
  const family = familyOfKey(jobKey);
  if (typeof raw !== 'string' || family === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || typeof (value as Stored).t !== 'number') return undefined;
  const { j, d, t } = value as Stored;
  return {
    entry: j === undefined ? { job: undefined, terminal: false } : cachedJob(j, familySpec(family), isDriftPart(d) ? d : undefined),
    storedAt: t,
  };
}

/** Our own writes put it there, but a value read back from Redis is checked before it is trusted. */
function isDriftPart(d: unknown): d is DriftPart {
  if (!d || typeof d !== 'object') return false;
  const { issues, total } = d as DriftPart;
  return (
    Number.isInteger(total) &&
    Array.isArray(issues) &&
    issues.every((i) => i && typeof i.expected === 'string' && typeof i.received === 'string' && Array.isArray(i.at))
  );
}
