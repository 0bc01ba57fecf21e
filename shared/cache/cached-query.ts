/**
 * queryJobs behind the per-instance job cache and in-flight coalescing: ids the cache holds are
 * answered from it, only the rest go to CI, and identical concurrent CI queries share one call.
 * The answer has the same shape and order as queryJobs' own.
 */
import type { CachePolicy } from '../config/cache-env';
import { InFlight, type SharedCall } from '../ci/coalesce';
import type { DriftPart } from '../ci/drift';
import { type JobsEnvelope, type JobsResult, type QueryJobsInput, queryJobs } from '../ci/query-jobs';
import type { Deadline } from '../deadline';
import { upstreamTimeout } from '../http/errors';
import { type CachedJob, JobCache } from './job-cache';
import { schemaErrors } from '../ci/drift';
import { isTerminal, jobIdOf } from '../ci/job-state';

export interface CachedJobsResult extends JobsResult {
  /** Whether the jobs came from this instance's cache: all, some or none of them. */
  cache: 'hit' | 'partial' | 'miss';
  /** Seconds a caller may reuse this whole answer: set only when every job in it is final. */
  reusableForS: number | undefined;
}

export interface CacheDeps {
  cache: JobCache;
  inflight: InFlight<JobsResult>;
}

// Module scope: lives as long as the warm instance, like the keep-alive agents in http-get.ts.
export const instanceDeps: CacheDeps = { cache: new JobCache(), inflight: new InFlight() };

export async function queryJobsCached(input: QueryJobsInput, policy: CachePolicy, deps: CacheDeps = instanceDeps): Promise<CachedJobsResult> {
  const scope = { family: input.family, bucket: input.target.bucket, region: input.target.region };
  const { hits, missing } = deps.cache.lookup(scope, input.ids, policy);
  if (missing.length === 0) {
    const cached = input.ids.map((id) => hits.get(id) as CachedJob);
    return withReuse(assemble({ RequestId: null, NonExistJobIds: [] }, cached, undefined, [], 'hit'), policy);
  }

  const fresh = await deps.inflight.run(
    flightKey(input, missing),
    input.deadline.signal,
    input.deadline.at,
    (call) => queryJobs({ ...input, ids: missing, deadline: sharedDeadline(call) }),
    // What queryJobs itself answers when the caller's deadline passes first.
    upstreamTimeout,
  );
  // A caller that joined a call in flight made no attempt of its own; its log still names CI's ids.
  for (const id of fresh.upstreamRequestIds) if (!input.trace.ciRequestIds.includes(id)) input.trace.ciRequestIds.push(id);
  // Drifted jobs are cached with their drift (re-reported on every hit); drift outside any job
  // belongs to this answer alone and is never reused.
  deps.cache.store(scope, fresh.envelope.JobsDetail, new Set(missing), policy, fresh.drift.jobs);
  if (hits.size === 0) return withReuse({ ...fresh, cache: 'miss' }, policy);

  // Cached and fresh jobs interleaved back into the order the ids were asked in.
  const freshById = new Map(fresh.envelope.JobsDetail.map((job, i) => [jobIdOf(job), { job, drift: fresh.drift.jobs[i] }]));
  const jobs: CachedJob[] = [];
  for (const id of input.ids) {
    const job = hits.get(id) ?? freshById.get(id);
    if (job !== undefined) jobs.push(job);
  }
  fresh.envelope.JobsDetail.forEach((job, i) => {
    if (!input.ids.includes(jobIdOf(job) as string)) jobs.push({ job, drift: fresh.drift.jobs[i] });
  });
  const { RequestId, JobsDetail: _fresh, NonExistJobIds, SchemaErrors: _e, ...extras } = fresh.envelope;
  return withReuse(assemble({ RequestId, NonExistJobIds, ...extras }, jobs, fresh.drift.other, fresh.upstreamRequestIds, 'partial'), policy);
}

/** An answer from jobs (with their drift) in their final order, SchemaErrors listed to match. */
function assemble(
  head: { RequestId: string | null; NonExistJobIds: string[]; [extra: string]: JobsEnvelope[string] },
  jobs: CachedJob[],
  other: DriftPart | undefined,
  upstreamRequestIds: string[],
  cache: CachedJobsResult['cache'],
): Omit<CachedJobsResult, 'reusableForS'> {
  const drift = { jobs: jobs.map((j) => j.drift), other, total: 0 };
  const { list, total } = schemaErrors(drift.jobs, other);
  drift.total = total;
  // JobsDetail first after RequestId: the order callers have always seen.
  const { RequestId, ...rest } = head;
  const envelope: JobsEnvelope = { RequestId, JobsDetail: jobs.map((j) => j.job), ...rest } as JobsEnvelope;
  if (total > 0) envelope.SchemaErrors = list;
  return { envelope, upstreamRequestIds, drift, cache };
}

function withReuse(result: Omit<CachedJobsResult, 'reusableForS'>, policy: CachePolicy): CachedJobsResult {
  const { envelope } = result;
  const final =
    policy.terminalTtlMs > 0 &&
    // An answer with drift is not handed to shared HTTP caches: the instance cache still spares CI.
    result.drift.total === 0 &&
    envelope.NonExistJobIds.length === 0 &&
    envelope.JobsDetail.length > 0 &&
    envelope.JobsDetail.every(isTerminal);
  return { ...result, reusableForS: final ? Math.floor(policy.terminalTtlMs / 1000) : undefined };
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
    signal: call.signal,
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
