/**
 * Looks up, with our own signed CI call, every job a callback names: fresh (the cache is not read,
 * since the point is to learn CI's state now) and one id per call, so each answer is exactly what
 * GET /jobs/{type}/{id} would return. A job no candidate family knows is dropped, silently.
 */
import { CiError } from '../ci/ci-error';
import { itemsOf, jobIdOf, jobStateOf } from '../ci/job-state';
import { type JobsEnvelope, type JobsResult, queryJobs } from '../ci/query-jobs';
import { type JobFamily, familySpec } from '../ci/families';
import type { CiTarget } from '../ci/target';
import type { Json } from '../xml/shape';
import { candidateFamilies } from '../callbacks/job-families';
import type { CallbackJob } from '../callbacks/parse-callback';
import type { RouteContext } from './context';
import { lookupInput, recordingCi } from './job-lookup';

export interface VerifiedJob {
  family: JobFamily;
  target: CiTarget;
  jobId: string;
  /** CI's State, or '' when CI gave none. */
  state: string;
  /** CI's whole answer for this one id, as a GET would return it. */
  envelope: JobsEnvelope;
  /** The same answer with its schema drift, as the cache keeps it. */
  result: JobsResult;
}

export interface Placement {
  bucket?: string;
  region?: string;
}

export async function verifyCallbackJobs(jobs: CallbackJob[], where: Placement, ctx: RouteContext): Promise<VerifiedJob[]> {
  const verified = await Promise.all(jobs.map((job) => verifyOne(job, where, ctx)));
  ctx.trace.ids = jobs.length;
  return verified.filter((v): v is VerifiedJob => v !== undefined);
}

async function verifyOne(job: CallbackJob, where: Placement, ctx: RouteContext): Promise<VerifiedJob | undefined> {
  for (const family of candidateFamilies(job)) {
    const input = lookupInput({ type: family, ids: [job.id], ...where }, ctx, ctx.deadline);
    let result: JobsResult;
    try {
      result = await recordingCi(ctx, queryJobs(input));
    } catch (err) {
      if (isUnknownToCi(err)) continue;
      throw err;
    }
    const { envelope } = result;
    const spec = familySpec(family);
    const found: Json | undefined = itemsOf(envelope, spec).find((j) => jobIdOf(j, spec) === job.id);
    if (found === undefined) continue;
    const state = jobStateOf(found, spec);
    return { family, target: input.target, jobId: job.id, state: typeof state === 'string' ? state : '', envelope, result };
  }
  return undefined;
}

/**
 * CI refusing the id itself (400 or 404 for a malformed or foreign id) means the same as
 * NonExistJobIds here: the callback named nothing CI vouches for. Access, throttling and outages
 * still fail the callback, so CI can send it again.
 */
function isUnknownToCi(err: unknown): boolean {
  if (!(err instanceof CiError) || err.kind !== 'error-status') return false;
  const status = err.info.upstream?.Status;
  return status === 400 || status === 404;
}
