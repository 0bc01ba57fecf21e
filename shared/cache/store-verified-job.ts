/**
 * The entry point through which a job verified with CI outside a lookup (a CI callback) enters the
 * caches: stored under the exact family, bucket, region and id it was verified for, in this
 * instance's cache and the shared one (Redis, when configured), which wakes every long-poll and
 * event stream waiting on it, here and on other instances, to answer without another CI call.
 */
import type { CachePolicy } from '../config/cache-env';
import type { JobsResult } from '../ci/query-jobs';
import { entriesOf, sharedLevel, storeEntries } from './cached-query';
import type { CacheScope } from './job-cache';

export async function storeVerifiedJob(scope: CacheScope, result: JobsResult, requestedId: string, policy: CachePolicy): Promise<void> {
  await storeEntries(scope, entriesOf(result, [requestedId]), policy, undefined, await sharedLevel());
}
