/** GET /jobs/{type}/{ids}[?bucket=&region=] — the webhook-friendly form; `?wait=` long-polls. */
import type { HttpResponse } from '../http/types';
import type { RouteContext } from './context';
import { assertSingleJobFound, parseIdSegment } from './job-ids';
import { lookupJobs } from './job-lookup';
import { jobsResponse } from './jobs-response';
import { getJobsWaiting } from './jobs-wait';

export async function getJobsByPath(ctx: RouteContext): Promise<HttpResponse> {
  const { req, params } = ctx;
  if (req.query.wait !== undefined) return getJobsWaiting(ctx);
  const ids = parseIdSegment(params.ids ?? '');
  const result = await lookupJobs({ type: params.type, ids, bucket: req.query.bucket, region: req.query.region }, ctx, ctx.deadline);
  assertSingleJobFound(ids, result);
  return jobsResponse(result, req);
}
