/** Shared by both job routes once they have a family, ids and an optional bucket/region. */
import { type CachedJobsResult, queryJobsCached } from '../cache/cached-query';
import { readCachePolicy } from '../config/cache-env';
import { type Config, readCredentials } from '../config/env';
import { FAMILY_NAMES, JOB_ID_RE, MAX_JOB_IDS, isJobFamily } from '../ci/families';
import { resolveTarget } from '../ci/target';
import type { AttemptBudget } from '../ci/upstream-budget';
import type { Deadline } from '../deadline';
import { ApiError, badRequest } from '../http/errors';
import type { RequestTrace } from '../trace';

export interface LookupRequest {
  type: unknown;
  ids: string[];
  bucket?: string;
  region?: string;
}

/** What a handler needs beyond the request: the deadline for upstream work and the trace to fill. */
export interface LookupContext {
  deadline: Deadline;
  trace: RequestTrace;
  /** The caller request's CI attempt budget, shared by every lookup it makes (long-poll included). */
  attempts: AttemptBudget;
}

export async function lookupJobs(req: LookupRequest, config: Config, ctx: LookupContext): Promise<CachedJobsResult> {
  if (!isJobFamily(req.type)) throw badRequest('InvalidJobType', `type must be one of ${FAMILY_NAMES.join(', ')}`);
  if (req.ids.length === 0) throw badRequest('MissingJobIds', 'Name at least one job id');
  const bad = req.ids.find((id) => !JOB_ID_RE.test(id));
  if (bad !== undefined) throw badRequest('InvalidJobId', 'Job ids are 1-64 letters, digits, _ or -');
  const ids = [...new Set(req.ids)];
  ctx.trace.type = req.type;
  ctx.trace.ids = ids.length;
  if (ids.length > MAX_JOB_IDS) throw badRequest('TooManyJobIds', `At most ${MAX_JOB_IDS} job ids per request`);

  const target = resolveTarget(config.target, { bucket: req.bucket, region: req.region });
  const credentials = readCredentials();
  if (!credentials)
    throw new ApiError(500, 'MissingCredentials', 'The function has no CI credentials: attach an execution role to it');

  const input = { family: req.type, ids, target, credentials, schemaMode: config.schemaMode, ...ctx };
  return queryJobsCached(input, readCachePolicy());
}
