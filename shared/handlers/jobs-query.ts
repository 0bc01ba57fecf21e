/** POST /jobs/query with a JSON body — the form frontends use. */
import type { Config } from '../config/env';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../http/errors';
import type { HttpRequest, HttpResponse } from '../http/types';
import { toIssues, validateJobQueryRequest } from '../schemas/validators';
import { type LookupContext, lookupJobs } from './job-lookup';
import { jobsResponse } from './jobs-response';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

interface JobQueryBody {
  type: string;
  jobIds: string[];
  bucket?: string;
  region?: string;
}

export async function postJobsQuery(req: HttpRequest, config: Config, ctx: LookupContext): Promise<HttpResponse> {
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) throw unsupportedMediaType();
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
  const result = await lookupJobs(
    { type: query.type, ids: query.jobIds, bucket: query.bucket, region: query.region },
    config,
    ctx,
  );
  return jobsResponse(result, req);
}
