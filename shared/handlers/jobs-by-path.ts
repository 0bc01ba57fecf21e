/** GET /jobs/{type}/{ids}[?bucket=&region=] — the webhook-friendly form. */
import type { Config } from '../config/env';
import type { JobsEnvelope } from '../ci/query-jobs';
import { badRequest, notFound } from '../http/errors';
import type { HttpRequest, HttpResponse } from '../http/types';
import { type LookupContext, lookupJobs } from './job-lookup';
import { jobsResponse } from './jobs-response';

export async function getJobsByPath(
  req: HttpRequest,
  params: { type: string; ids: string },
  config: Config,
  ctx: LookupContext,
): Promise<HttpResponse> {
  const ids = parseIdSegment(params.ids);
  const result = await lookupJobs(
    { type: params.type, ids, bucket: req.query.bucket, region: req.query.region },
    config,
    ctx,
  );
  assertSingleJobFound(ids, result.envelope);
  return jobsResponse(result, req);
}

/** The `{ids}` path segment: one id or several separated by commas, percent-decoded. */
export function parseIdSegment(segment: string): string[] {
  let idList: string;
  try {
    idList = decodeURIComponent(segment);
  } catch {
    throw badRequest('InvalidJobId', 'The job id segment is not valid percent-encoding');
  }
  return idList.split(',').map((s) => s.trim());
}

/** Asking for exactly one job by URL is asking for a resource: absent means 404. */
export function assertSingleJobFound(ids: string[], envelope: JobsEnvelope): void {
  if (new Set(ids).size === 1 && envelope.JobsDetail.length === 0 && envelope.NonExistJobIds.includes(ids[0] as string))
    throw notFound('NoSuchJob', 'CI has no job with this id in this bucket');
}
