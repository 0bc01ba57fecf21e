/**
 * The one entry point through which a job verified with CI outside a lookup (a CI callback) enters
 * the cache: stored under the exact family, bucket, region and id it was verified for, then every
 * long-poll waiting on it is woken so it answers from the cache without another CI call.
 *
 * Today this is the per-instance cache and in-process wake-up. When the shared (Redis) cache is
 * configured this is the function to route to it, so callbacks reach pollers on every instance.
 */
import type { CachePolicy } from '../config/cache-env';
import type { JobsEnvelope } from '../ci/query-jobs';
import { jobIdOf } from '../ci/job-state';
import { wakeJobs } from '../long-poll/job-wake';
import type { CacheScope } from './job-cache';
import { instanceDeps } from './cached-query';

export function storeVerifiedJob(scope: CacheScope, envelope: JobsEnvelope, requestedId: string, policy: CachePolicy): void {
  // An answer that broke the schema (SCHEMA_MODE=report) is passed on but never reused, as in lookups.
  if (!envelope.SchemaErrors) instanceDeps.cache.store(scope, envelope.JobsDetail, new Set([requestedId]), policy);
  const found = envelope.JobsDetail.map(jobIdOf).filter((id): id is string => id === requestedId);
  wakeJobs(scope.family, found);
}
