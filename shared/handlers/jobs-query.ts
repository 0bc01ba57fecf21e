/** POST /jobs/query with a JSON body — the form frontends use. */
import { FAMILY_NAMES, isJobFamily } from '../ci/families';
import { type SchemaIssue, badRequest, payloadTooLarge, unsupportedMediaType } from '../http/errors';
import type { HttpResponse } from '../http/types';
import { validateJobQueryRequest } from '../schemas/validators';
import type { ErrorObject } from 'ajv';
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
    // A byte-order mark is legal at the start of a JSON text some tools write; JSON.parse refuses it.
    parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch {
    throw badRequest('InvalidJson', 'The body is not valid JSON');
  }
  if (isObject(parsed)) {
    // Same answer as the GET route for a bad type, instead of one schema line per allowed value.
    if ('type' in parsed && !isJobFamily(parsed.type)) throw badRequest('InvalidJobType', `type must be one of ${FAMILY_NAMES.join(', ')}`);
    // Duplicates are dropped before counting, as for the GET route's ids.
    if (Array.isArray(parsed.jobIds)) parsed.jobIds = [...new Set(parsed.jobIds)];
  }
  if (!validateJobQueryRequest(parsed))
    throw badRequest('InvalidRequest', 'The body does not match the job query schema', requestIssues(validateJobQueryRequest.errors));
  const query = parsed as JobQueryBody;
  const result = await lookupJobs({ type: query.type, ids: query.jobIds, bucket: query.bucket, region: query.region }, ctx, ctx.deadline);
  return jobsResponse(result, req);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Schema failures as the caller should read them: an unknown field is named. */
function requestIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty?: unknown }).additionalProperty : undefined;
    // The name is caller input: quoted via JSON and cut short, so it cannot forge the message.
    if (typeof extra === 'string')
      return {
        path,
        message: `must NOT have additional properties: ${JSON.stringify(extra.slice(0, 64))} is not a field of the job query`,
      };
    return { path, message: e.message ?? e.keyword };
  });
}
