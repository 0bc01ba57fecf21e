/**
 * Looks up job ids of one family: splits them into CI-sized calls made concurrently, converts each
 * XML answer with the family's schema shape, merges the results in request order, and validates
 * the merged result against the family schema.
 */
import { setMaxListeners } from 'node:events';
import type { Credentials } from '../signing/credentials';
import type { Deadline } from '../deadline';
import { type ApiError, type SchemaIssue, upstreamInvalid, upstreamTimeout, upstreamUnavailable } from '../http/errors';
import type { RequestTrace } from '../trace';
import { familyShape, familyValidator, toIssues } from '../schemas/validators';
import { XmlRejected, parseXml } from '../xml/parse';
import { applyShape, type Json } from '../xml/shape';
import { callCi } from './ci-call';
import { FAMILIES, type JobFamily } from './families';
import { HttpGetError } from './http-get';
import { jobIdOf } from './job-state';
import type { SchemaMode } from './schema-mode';
import type { CiTarget } from './target';
import { describeUpstreamFailure, upstreamFailureError } from './upstream-error';

export interface JobsEnvelope {
  RequestId: string | null;
  JobsDetail: Json[];
  NonExistJobIds: string[];
  SchemaErrors?: SchemaIssue[];
  [extra: string]: Json | SchemaIssue[] | undefined;
}

export interface JobsResult {
  envelope: JobsEnvelope;
  upstreamRequestIds: string[];
}

export interface QueryJobsInput {
  family: JobFamily;
  ids: string[];
  target: CiTarget;
  credentials: Credentials;
  schemaMode: SchemaMode;
  deadline: Deadline;
  trace: RequestTrace;
}

interface ChunkAnswer {
  response: { [key: string]: Json };
  requestId: string | undefined;
}

export async function queryJobs(input: QueryJobsInput): Promise<JobsResult> {
  const { path, batchSize } = FAMILIES[input.family];
  const chunks: string[][] = [];
  for (let i = 0; i < input.ids.length; i += batchSize) chunks.push(input.ids.slice(i, i + batchSize));

  // One failed call fails the request, so the others are cancelled rather than left running.
  const failFast = new AbortController();
  const signal = AbortSignal.any([input.deadline.signal, failFast.signal]);
  // Each chunk's call listens on this signal while it runs: up to 50 for ai/batch ids (one per
  // call). That fan-out is bounded by MAX_JOB_IDS, not a leak, so Node should not warn about it.
  setMaxListeners(Math.max(10, chunks.length + 1), signal);
  const answers = await Promise.all(
    chunks.map((ids) =>
      fetchChunk(input, `${path}/${ids.join(',')}`, signal).catch((err: unknown) => {
        failFast.abort();
        throw err;
      }),
    ),
  );
  return merge(input, answers);
}

async function fetchChunk(input: QueryJobsInput, pathname: string, signal: AbortSignal): Promise<ChunkAnswer> {
  let res;
  try {
    res = await callCi(input.target, pathname, input.credentials, input.deadline, input.trace, signal);
  } catch (err) {
    throw toApiError(err, input.deadline.signal);
  }
  const requestIdHeader = res.headers['x-ci-request-id'];
  const requestId = typeof requestIdHeader === 'string' ? requestIdHeader : undefined;
  if (requestId) input.trace.ciRequestIds.push(requestId);
  if (res.status !== 200) throw upstreamFailureError(describeUpstreamFailure(res.status, res.headers, res.body), res.headers);

  const upstream = { Status: res.status, ...(requestId ? { RequestId: requestId } : {}) };
  const notXml = notXmlReason(res.headers['content-type'], res.body);
  if (notXml) throw upstreamInvalid(`CI answered 200 with ${notXml} instead of XML`, { upstream });
  let doc;
  try {
    doc = parseXml(res.body);
  } catch (err) {
    const reason = err instanceof XmlRejected ? err.reason : 'malformed';
    throw upstreamInvalid(`CI sent a body that is not acceptable XML (${reason})`, { upstream });
  }
  if (!('Response' in doc)) throw upstreamInvalid('CI sent XML without a <Response> root', { upstream });
  const response = applyShape(doc.Response ?? '', familyShape(input.family));
  if (response === null || typeof response !== 'object' || Array.isArray(response))
    throw upstreamInvalid('CI sent a <Response> that is not a container', { upstream });
  return { response, requestId };
}

/** A short, safe description of a body that is not XML, or undefined when it may be XML. */
function notXmlReason(contentType: string | undefined, body: string): string | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.trimStart().startsWith('{')) return 'a JSON body';
  if (mediaType && !mediaType.endsWith('/xml') && !mediaType.endsWith('+xml'))
    return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mediaType) ? `content-type ${mediaType}` : 'an unexpected content type';
  return undefined;
}

function toApiError(err: unknown, deadlineSignal: AbortSignal): ApiError {
  if (err instanceof HttpGetError) {
    if (err.kind === 'too-large') return upstreamInvalid('CI sent a body larger than we accept');
    if (err.kind === 'timeout' && deadlineSignal.aborted) return upstreamTimeout();
  }
  return upstreamUnavailable();
}

function merge(input: QueryJobsInput, answers: ChunkAnswer[]): JobsResult {
  const order = new Map(input.ids.map((id, i) => [id, i]));
  const position = (job: Json): number => {
    const id = jobIdOf(job);
    return (id === undefined ? undefined : order.get(id)) ?? Infinity;
  };

  const jobs: Json[] = [];
  const missing: string[] = [];
  for (const { response } of answers) {
    if (Array.isArray(response.JobsDetail)) jobs.push(...response.JobsDetail);
    // CI's format for this node is not pinned down (one element with a comma list, or several);
    // both end up as one flat list of ids.
    if (Array.isArray(response.NonExistJobIds))
      for (const entry of response.NonExistJobIds)
        if (typeof entry === 'string') missing.push(...entry.split(',').map((s) => s.trim()).filter(Boolean));
  }
  // CI answers a multi-id call in its own order; callers get the order they asked in.
  jobs.sort((a, b) => position(a) - position(b));
  missing.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));

  const single = answers.length === 1 ? answers[0] : undefined;
  const bodyRequestId = single && typeof single.response.RequestId === 'string' ? single.response.RequestId : undefined;
  // With one CI call its other top-level nodes pass through untouched; several calls have no
  // single value for them, so only the merged lists are kept.
  const { RequestId: _r, JobsDetail: _j, NonExistJobIds: _n, ...extras } = single ? single.response : {};
  const envelope: JobsEnvelope = {
    RequestId: bodyRequestId ?? single?.requestId ?? null,
    JobsDetail: jobs,
    NonExistJobIds: missing,
    ...extras,
  };

  const validate = familyValidator(input.family);
  const { RequestId, ...rest } = envelope;
  const checked = RequestId === null ? rest : envelope;
  if (!validate(checked)) {
    const details = toIssues(validate.errors);
    if (input.schemaMode === 'strict') {
      const ids = answers.map((a) => a.requestId).filter((id): id is string => Boolean(id));
      throw upstreamInvalid('CI response does not match the documented job schema', {
        details,
        upstream: { Status: 200, ...(ids.length === 1 ? { RequestId: ids[0] as string } : {}) },
      });
    }
    envelope.SchemaErrors = details;
  }
  return { envelope, upstreamRequestIds: answers.map((a) => a.requestId).filter((id): id is string => Boolean(id)) };
}
