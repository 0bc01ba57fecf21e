/** Shared by both job routes once they have a family, ids and an optional bucket/region. */
import { type CachedJobsResult, queryJobsCached } from '../cache/cached-query';
import { CiError } from '../ci/ci-error';
import { FAMILY_NAMES, JOB_ID_RE, MAX_JOB_IDS, familySpec, isJobFamily } from '../ci/families';
import { itemsOf, jobField } from '../ci/job-state';
import type { JobsResult, QueryJobsInput } from '../ci/query-jobs';
import { resolveTarget } from '../ci/target';
import type { Deadline } from '../deadline';
import { ApiError, badRequest } from '../http/errors';
import { type RequestTrace, recordCiAnswers } from '../trace';
import type { Json } from '../xml/shape';
import type { RouteContext } from './context';

export interface LookupRequest {
  type: unknown;
  ids: string[];
  bucket?: string;
  region?: string;
}

/**
 * One lookup under `deadline`: the request's own, or, for a long-poll, the one of each re-query.
 * Everything else (config, keys, trace) comes from the request's context.
 */
export async function lookupJobs(req: LookupRequest, ctx: RouteContext, deadline: Deadline): Promise<CachedJobsResult> {
  const result = await recordingCi(ctx, queryJobsCached(lookupInput(req, ctx, deadline), ctx.config.cache));
  ctx.trace.drift = driftForLog(result);
  return result;
}

/**
 * Awaits a lookup and records in the request's trace what CI answered it, or what CI had answered
 * before it failed: the one place the trace learns about CI.
 */
export async function recordingCi<T extends JobsResult>(ctx: RouteContext, lookup: Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await lookup;
  } catch (err) {
    if (err instanceof CiError && err.info.answers) recordCiAnswers(ctx.trace, err.info.answers.requestIds, err.info.answers.lastStatus);
    throw err;
  }
  // Each CI call of a lookup that succeeds ended on a 200; one answered from the cache asked CI nothing.
  const askedCi = !('cache' in result) || result.cache !== 'hit';
  recordCiAnswers(ctx.trace, result.upstreamRequestIds, askedCi ? 200 : undefined);
  return result;
}

/** Checks a lookup and builds the signed CI query it becomes; the callback route runs it uncached. */
export function lookupInput(req: LookupRequest, ctx: RouteContext, deadline: Deadline): QueryJobsInput {
  if (!isJobFamily(req.type)) throw badRequest('InvalidJobType', `type must be one of ${FAMILY_NAMES.join(', ')}`);
  if (req.ids.length === 0) throw badRequest('MissingJobIds', 'Name at least one job id');
  const bad = req.ids.find((id) => !JOB_ID_RE.test(id));
  if (bad !== undefined) throw badRequest('InvalidJobId', 'Job ids are 1-64 letters, digits, _ or -');
  const ids = [...new Set(req.ids)];
  ctx.trace.type = req.type;
  ctx.trace.ids = ids.length;
  if (ids.length > MAX_JOB_IDS) throw badRequest('TooManyJobIds', `At most ${MAX_JOB_IDS} job ids per request`);

  const target = resolveTarget(ctx.config.target, { bucket: req.bucket, region: req.region });
  const { credentials } = ctx;
  if (!credentials) throw new ApiError(500, 'MissingCredentials', 'The function has no CI credentials: attach an execution role to it');

  return {
    family: req.type,
    ids,
    target,
    credentials,
    schemaMode: ctx.config.schemaMode,
    deadline,
    attempts: ctx.attempts,
  };
}

const MAX_LOGGED_PATHS = 20;
const MAX_TAG_CHARS = 64;

/** What the log line says about drift: Tags (the family's variant key) and paths only, since values may be anything CI sent. */
function driftForLog(result: CachedJobsResult): RequestTrace['drift'] {
  const { drift, envelope } = result;
  if (drift.total === 0) return undefined;
  const spec = familySpec(result.family);
  const items = itemsOf(envelope, spec);
  const tags = new Set<string>();
  drift.jobs.forEach((part, i) => {
    if (!part) return;
    const job = items[i] as Json;
    const tag = spec.variantKey === null ? undefined : jobField(job, spec.variantKey);
    tags.add(typeof tag === 'string' ? tag.slice(0, MAX_TAG_CHARS) : '(none)');
  });
  const paths = (envelope.SchemaErrors ?? []).slice(0, MAX_LOGGED_PATHS).map((e) => e.path);
  return { total: drift.total, tags: [...tags], paths };
}
