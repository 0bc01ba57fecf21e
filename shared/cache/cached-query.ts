/**
 * queryJobs behind two cache levels and two kinds of coalescing. Ids the instance's cache holds are
 * answered from it; with REDIS_URL set, ids the shared cache on Redis holds come from there; only
 * the rest go to CI. Identical concurrent CI queries in one instance share one call, and across
 * instances one instance fetches a job while the others wait for its answer (shared-jobs.ts).
 * The answer has the same shape and order as queryJobs' own.
 */
import { randomUUID } from 'node:crypto';
import type { CachePolicy } from '../config/cache-env';
import { type RedisConfig, readRedisConfig } from '../config/redis-env';
import { InFlight, type SharedCall } from './in-flight';
import { ciTimeout } from '../ci/ci-error';
import { type DriftPart, schemaErrors } from '../ci/drift';
import { type EnvelopeOf, type JobsEnvelope, type JobsResult, type QueryJobsInput, queryJobs } from '../ci/query-jobs';
import type { Deadline } from '../deadline';
import { emitJobStored, onRemoteStore, recordLookups } from '../fleet/job-events';
import { redisLink } from '../fleet/redis-link';
import { SharedJobs } from './shared-jobs';
import { type CacheScope, type CachedJob, JobCache, type KnownJob, UNKNOWN_JOB, cachedJob, keyOf, ttlOf } from './job-cache';
import { isTerminal, itemsOf, jobIdOf } from '../ci/job-state';
import { type JobFamily, familySpec } from '../ci/families';

export interface CachedJobsResult<F extends JobFamily = JobFamily> extends JobsResult<F> {
  /** Whether the jobs came from a cache (this instance's or the shared one): all, some or none of them. */
  cache: 'hit' | 'partial' | 'miss';
  /** Seconds a caller may reuse this whole answer: set only when every job in it is final. */
  reusableForS: number | undefined;
}

export interface CacheDeps {
  cache: JobCache;
  inflight: InFlight<JobsResult>;
  /**
   * The shared level on Redis, when there is one. Undefined (not a promise of it) when there is
   * none, so a lookup without Redis awaits nothing for it.
   */
  shared?: () => Promise<SharedJobs | undefined> | undefined;
}

// Module scope: lives as long as the warm instance, like the keep-alive agents in http-get.ts.
export const instanceDeps: CacheDeps = { cache: new JobCache(), inflight: new InFlight(), shared: sharedFromEnv };
// When another instance stores a job, the copy here is older than the one in Redis: never serve it again.
onRemoteStore((key) => instanceDeps.cache.forget(key));

let sharedJobs: { link: unknown; shared: SharedJobs } | undefined;

/** The shared level REDIS_URL names, or undefined without one (nothing about Redis is loaded then). */
function sharedFromEnv(): Promise<SharedJobs | undefined> | undefined {
  const config = readRedisConfig();
  return config ? sharedOn(config) : undefined;
}

async function sharedOn(config: RedisConfig): Promise<SharedJobs | undefined> {
  const link = await redisLink(config).catch(() => undefined);
  if (!link) return undefined;
  if (sharedJobs?.link !== link) sharedJobs = { link, shared: new SharedJobs(link) };
  return sharedJobs.shared;
}

/** The answer is typed by the family asked for: `JobsDetail` for jobs, `WorkflowExecution` for workflow runs. */
export function queryJobsCached<F extends JobFamily>(
  input: QueryJobsInput<F>,
  policy: CachePolicy,
  deps: CacheDeps = instanceDeps,
): Promise<CachedJobsResult<F>> {
  return lookUp(input, policy, deps) as Promise<CachedJobsResult<F>>;
}

async function lookUp(input: QueryJobsInput, policy: CachePolicy, deps: CacheDeps): Promise<CachedJobsResult> {
  const scope: CacheScope = { family: input.family, bucket: input.target.bucket, region: input.target.region };
  // A long-poll around this lookup listens for these keys (poll-until-change.ts).
  recordLookups(input.ids.map((id) => keyOf(scope, id)));
  const local = deps.cache.lookup(scope, input.ids, policy);
  const cached = new Map<string, CachedJob>(local.hits);
  for (const id of local.unknown) cached.set(id, UNKNOWN_JOB);
  let missing = local.missing;

  const pending = missing.length > 0 ? deps.shared?.() : undefined;
  const shared = pending && (await pending);
  if (shared) {
    const fromShared = await readShared(shared, scope, missing, policy, deps.cache);
    for (const [id, entry] of fromShared) cached.set(id, entry);
    missing = missing.filter((id) => !fromShared.has(id));
  }
  if (missing.length === 0) return withReuse(combine(input.family, input.ids, [], cached), 'hit', policy);

  const fetchIds = missing;
  const fresh = await deps.inflight.run(
    flightKey(input, fetchIds),
    input.deadline.cancel,
    input.deadline.at,
    (call) => fetchMissing({ ...input, ids: fetchIds, deadline: sharedDeadline(call) }, scope, policy, deps.cache, shared),
    // What queryJobs itself raises when the caller's deadline passes first.
    ciTimeout,
  );
  return withReuse(combine(input.family, input.ids, [fresh], cached), cached.size === 0 ? 'miss' : 'partial', policy);
}

/** Entries the shared cache holds for these ids, also kept in the instance's cache as of when they were stored. */
async function readShared(shared: SharedJobs, scope: CacheScope, ids: string[], policy: CachePolicy, cache: JobCache) {
  const entries = await shared.read(ids.map((id) => keyOf(scope, id)));
  const found = new Map<string, CachedJob>();
  const now = Date.now();
  for (const id of ids) {
    const stored = entries.get(keyOf(scope, id));
    // Redis expires entries by the TTL in force when they were stored; a lowered TTL applies at once.
    if (!stored || now - stored.storedAt >= ttlOf(stored.entry, policy)) continue;
    found.set(id, stored.entry);
    cache.put(scope, id, stored.entry, policy, stored.storedAt);
  }
  return found;
}

/**
 * Gets `input.ids` from CI, or from whichever instance is fetching them already. Without Redis
 * (or with Redis unusable) that is one CI call, as before.
 */
async function fetchMissing(
  input: QueryJobsInput,
  scope: CacheScope,
  policy: CachePolicy,
  cache: JobCache,
  shared: SharedJobs | undefined,
): Promise<JobsResult> {
  const key = (id: string) => keyOf(scope, id);
  if (!shared) {
    // Without a shared level storing is synchronous: no further await between CI's answer and the caller.
    const result = await queryJobs(input);
    keepEntries(scope, entriesOf(result, input.ids), policy, cache);
    return result;
  }
  const fromCi = async (ids: string[]) => {
    const result = await queryJobs({ ...input, ids });
    await storeEntries(scope, entriesOf(result, ids), policy, cache, shared);
    return result;
  };

  const token = randomUUID();
  const owned = new Set(await shared.lock(input.ids.map(key), token));
  const mine = input.ids.filter((id) => owned.has(key(id)));
  const others = input.ids.filter((id) => !owned.has(key(id)));
  const fetchLocked = async (ids: string[]) => {
    try {
      return await fromCi(ids);
    } finally {
      await shared.unlock(ids.map(key), token);
    }
  };

  const fromOthers = new Map<string, CachedJob>();
  const waitForOthers = async (): Promise<JobsResult[]> => {
    if (others.length === 0) return [];
    // Half the time left is for waiting on the instance fetching them, the rest for our own call.
    const now = Date.now();
    const until = now + (input.deadline.at - now) / 2;
    const waited = await shared.waitFor(others.map(key), token, until, input.deadline.signal);
    for (const id of others) {
      const stored = waited.found.get(key(id));
      if (!stored) continue;
      fromOthers.set(id, stored.entry);
      cache.put(scope, id, stored.entry, policy, stored.storedAt);
    }
    const takenOver = others.filter((id) => waited.mine.includes(key(id)));
    const stillMissing = others.filter((id) => waited.pending.includes(key(id)));
    return Promise.all([...(takenOver.length ? [fetchLocked(takenOver)] : []), ...(stillMissing.length ? [fromCi(stillMissing)] : [])]);
  };

  const [own, rest] = await Promise.all([mine.length ? fetchLocked(mine) : undefined, waitForOthers()]);
  const parts = own ? [own, ...rest] : rest;
  return combine(input.family, input.ids, parts, fromOthers);
}

/**
 * Keeps entries in this instance's cache and, with Redis, in the shared one, then wakes every
 * waiter on them (long-polls and streams here; other instances through Redis). The one way a job
 * enters the caches: CI answers to lookups, and jobs a CI callback made us verify.
 */
export async function storeEntries(
  scope: CacheScope,
  entries: ReadonlyMap<string, CachedJob>,
  policy: CachePolicy,
  cache: JobCache = instanceDeps.cache,
  shared?: SharedJobs,
): Promise<void> {
  keepEntries(scope, entries, policy, cache);
  if (shared) await shared.write(new Map([...entries].map(([id, entry]) => [keyOf(scope, id), entry])), policy);
}

/** The instance's half of storeEntries: keeps the entries here and wakes this instance's waiters. */
function keepEntries(scope: CacheScope, entries: ReadonlyMap<string, CachedJob>, policy: CachePolicy, cache: JobCache): void {
  for (const [id, entry] of entries) cache.put(scope, id, entry, policy);
  for (const id of entries.keys()) emitJobStored(keyOf(scope, id));
}

/** The shared level, when REDIS_URL names one and it answers (for callers outside a lookup). */
export const sharedLevel = (deps: CacheDeps = instanceDeps) => deps.shared?.() ?? Promise.resolve(undefined);

/**
 * What a CI answer says about each asked id. A drifted job is kept with its drift, so serving it
 * again reports the same SchemaErrors a fresh call would; drift outside any job belongs to this
 * answer alone and is never reused.
 */
export function entriesOf(result: JobsResult, asked: readonly string[]): Map<string, CachedJob> {
  const entries = new Map<string, CachedJob>();
  const wanted = new Set(asked);
  const spec = familySpec(result.family);
  // Only ids that were asked are trusted as keys, whatever else CI sent.
  itemsOf(result.envelope, spec).forEach((job, i) => {
    const id = jobIdOf(job, spec);
    if (id !== undefined && wanted.has(id)) entries.set(id, cachedJob(job, spec, result.drift.jobs[i]));
  });
  for (const id of result.envelope.NonExistJobIds) if (wanted.has(id) && !entries.has(id)) entries.set(id, UNKNOWN_JOB);
  return entries;
}

/**
 * One answer for `ids` out of cached entries and CI answers, in the order the ids were asked. A
 * single CI answer with nothing cached passes through untouched, with CI's other top-level nodes.
 */
function combine(family: JobFamily, ids: readonly string[], parts: JobsResult[], cached: ReadonlyMap<string, CachedJob>): JobsResult {
  if (parts.length === 1 && cached.size === 0) return parts[0] as JobsResult;
  const spec = familySpec(family);
  const asked = new Set(ids);
  const jobs = new Map<string, KnownJob>();
  const unknown = new Set<string>();
  const unasked: KnownJob[] = [];
  for (const [id, entry] of cached) {
    if (entry.job === undefined) unknown.add(id);
    else jobs.set(id, entry);
  }
  for (const { envelope, drift } of parts) {
    itemsOf(envelope, spec).forEach((job, i) => {
      const entry = cachedJob(job, spec, drift.jobs[i]);
      const id = jobIdOf(job, spec);
      if (id !== undefined && asked.has(id)) jobs.set(id, entry);
      else unasked.push(entry);
    });
    for (const id of envelope.NonExistJobIds) unknown.add(id);
  }
  const single = parts.length === 1 ? parts[0]!.envelope : undefined;
  const { RequestId: _r, [spec.list]: _j, NonExistJobIds: _n, SchemaErrors: _s, ...extras } = single ?? ({} as Partial<JobsEnvelope>);
  const ordered = [...ids.filter((id) => jobs.has(id)).map((id) => jobs.get(id) as KnownJob), ...unasked];
  // Each job brings its own drift (cached or fresh); drift outside the jobs comes from this answer's calls.
  const others = parts.map((p) => p.drift.other).filter((o): o is DriftPart => o !== undefined);
  const other = others.length ? { issues: others.flatMap((o) => o.issues), total: others.reduce((n, o) => n + o.total, 0) } : undefined;
  const { list, total } = schemaErrors(
    ordered.map((j) => j.drift),
    other,
    spec.list,
  );
  const envelope: JobsEnvelope = {
    RequestId: single?.RequestId ?? null,
    [spec.list]: ordered.map((j) => j.job),
    NonExistJobIds: [...ids.filter((id) => unknown.has(id) && !jobs.has(id)), ...[...unknown].filter((id) => !asked.has(id))],
    ...extras,
    ...(total > 0 ? { SchemaErrors: list } : {}),
  };
  return {
    family,
    envelope: envelope as EnvelopeOf<JobFamily>,
    upstreamRequestIds: parts.flatMap((p) => p.upstreamRequestIds),
    drift: { jobs: ordered.map((j) => j.drift), other, total },
  };
}

function withReuse(result: JobsResult, cache: CachedJobsResult['cache'], policy: CachePolicy): CachedJobsResult {
  const { envelope } = result;
  const spec = familySpec(result.family);
  const items = itemsOf(envelope, spec);
  const final =
    policy.terminalTtlMs > 0 &&
    // An answer with drift is not handed to shared HTTP caches: the instance cache still spares CI.
    result.drift.total === 0 &&
    envelope.NonExistJobIds.length === 0 &&
    items.length > 0 &&
    items.every((job) => isTerminal(job, spec));
  return {
    family: result.family,
    envelope,
    upstreamRequestIds: result.upstreamRequestIds,
    drift: result.drift,
    cache,
    reusableForS: final ? Math.floor(policy.terminalTtlMs / 1000) : undefined,
  };
}

/**
 * The deadline a shared call runs under: as long as the caller who can wait longest, and cancelled
 * only when every caller waiting on it has given up, not when the first one does.
 */
function sharedDeadline(call: SharedCall): Deadline {
  return {
    get at() {
      return call.latestEnd();
    },
    cancel: call.cancel,
    get signal() {
      return call.signal;
    },
    remainingMs: (now = Date.now()) => Math.max(0, call.latestEnd() - now),
    dispose: () => undefined,
  };
}

/**
 * Two queries are the same upstream call when they go to the same host and path with the same
 * keys and schema mode. The keys are part of it so a call signed before a key rotation is not
 * shared with one after; the string stays in memory and is never logged.
 */
function flightKey(input: QueryJobsInput, ids: string[]): string {
  const { secretId, sessionToken } = input.credentials;
  return [input.family, input.target.origin, input.schemaMode, secretId, sessionToken ?? '', ids.join(',')].join('\n');
}
