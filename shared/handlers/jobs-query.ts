/** POST /jobs/query with a JSON body — the form frontends use. */
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../http/errors';
import type { HttpResponse } from '../http/types';
import { toIssues, validateJobQueryRequest } from '../schemas/validators';
import type { RouteContext } from './context';
import { lookupJobs } from './job-lookup';
import { jobsResponse } from './jobs-response';

const IS_JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

interface JobQueryBody {
  type: string;
  jobIds: string[];
  bucket?: string;
  region?: string;
}

export async function postJobsQuery(ctx: RouteContext): Promise<HttpResponse> {
  const { req, config } = ctx;
  if (!IS_JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) throw unsupportedMediaType();
  const body = req.body ?? '';
  if (Buffer.byteLength(body, 'utf8') > config.maxBodyBytes) throw payloadTooLarge(config.maxBodyBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('InvalidJson', 'The body is not valid JSON');
  }
  if (!validateJobQueryRequest(parsed))
    throw badRequest('InvalidRequest', 'The body does not match the job query schema', toIssues(validateJobQueryRequest.errors));
  const query = parsed as JobQueryBody;
  const result = await lookupJobs({ type: query.type, ids: query.jobIds, bucket: query.bucket, region: query.region }, ctx, ctx.deadline);
  return jobsResponse(result, req);
}
