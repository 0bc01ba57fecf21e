/**
 * Looks up job ids of one family: splits them into CI-sized calls made concurrently, converts each
 * XML answer with the family's schema shape (recording any drift from it), merges the results in
 * request order, and validates the merged result against the family schema. Drift is a 502 with
 * SCHEMA_MODE=strict and is listed in SchemaErrors otherwise; a job without JobId or State is
 * unusable in either mode.
 */
import { setMaxListeners } from 'node:events';
import type { Credentials } from '../signing/credentials';
import type { Deadline } from '../deadline';
import { type ApiError, type SchemaIssue, type UpstreamInfo, upstreamInvalid, upstreamTimeout, upstreamUnavailable } from '../http/errors';
import type { RequestTrace } from '../trace';
import { familyShape, familyValidator } from '../schemas/validators';
import { XmlRejected, parseXml } from '../xml/parse';
import { DriftCollector, applyShape, type Json } from '../xml/shape';
import { callCi } from './ci-call';
import { FAMILIES, type JobFamily } from './families';
import { HttpGetError } from './http-get';
import { type DriftPart, MAX_LISTED_DRIFT, type SchemaDrift, asErrorDetails, driftFromValidator, schemaErrors, splitByJob } from './drift';
import { jobField, jobIdOf } from './job-state';
import type { SchemaMode } from './schema-mode';
import type { CiTarget } from './target';
import { describeUpstreamFailure, upstreamFailureError } from './upstream-error';

export interface JobsEnvelope {
  RequestId: string | null;
  JobsDetail: Json[];
  NonExistJobIds: string[];
  SchemaErrors?: SchemaDrift[];
  [extra: string]: Json | SchemaDrift[] | undefined;
}

/** Drift found in an answer: one entry per JobsDetail entry (undefined when clean), and the rest. */
export interface AnswerDrift {
  jobs: (DriftPart | undefined)[];
  other: DriftPart | undefined;
  /** Every issue, including any not listed in SchemaErrors (which stops at MAX_LISTED_DRIFT). */
  total: number;
}

export interface JobsResult {
  envelope: JobsEnvelope;
  upstreamRequestIds: string[];
  drift: AnswerDrift;
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
  drift: DriftCollector;
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
  // One request lists at most MAX_LISTED_DRIFT drifts, so each call records its share of them.
  const driftLimit = Math.ceil(MAX_LISTED_DRIFT / chunks.length);
  const answers = await Promise.all(
    chunks.map((ids) =>
      fetchChunk(input, `${path}/${ids.join(',')}`, signal, driftLimit).catch((err: unknown) => {
        failFast.abort();
        throw err;
      }),
    ),
  );
  return merge(input, answers);
}

async function fetchChunk(input: QueryJobsInput, pathname: string, signal: AbortSignal, driftLimit: number): Promise<ChunkAnswer> {
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
  const drift = new DriftCollector(driftLimit);
  const response = applyShape(doc.Response ?? '', familyShape(input.family), drift);
  if (response === null || typeof response !== 'object' || Array.isArray(response))
    throw upstreamInvalid('CI sent a <Response> that is not a container', { upstream });
  assertJobsUsable(response, upstream);
  return { response, requestId, drift };
}

/** A short, safe description of a body that is not XML, or undefined when it may be XML. */
function notXmlReason(contentType: string | undefined, body: string): string | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.trimStart().startsWith('{')) return 'a JSON body';
  if (mediaType && !mediaType.endsWith('/xml') && !mediaType.endsWith('+xml'))
    return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mediaType) ? `content-type ${mediaType}` : 'an unexpected content type';
  return undefined;
}

/**
 * A JobsDetail entry without a JobId or State cannot be told apart from the others or says nothing
 * about its job. Answering 200 without it would let an asked job vanish (or look unknown) without a
 * word, so the whole answer is refused as CI's fault, in every schema mode.
 */
function assertJobsUsable(response: { [key: string]: Json }, upstream: UpstreamInfo): void {
  const jobs = response.JobsDetail;
  if (jobs === undefined) return;
  const details: SchemaIssue[] = [];
  (Array.isArray(jobs) ? jobs : [jobs]).forEach((job, i) => {
    for (const field of ['JobId', 'State']) {
      const value = jobField(job, field);
      if (typeof value !== 'string' || value === '') details.push({ path: `/JobsDetail/${i}/${field}`, message: 'must be non-empty text' });
    }
  });
  if (details.length) throw upstreamInvalid('CI sent a job without a usable JobId or State', { details: details.slice(0, 20), upstream });
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

  const entries: { job: Json; drift: DriftPart | undefined }[] = [];
  const missing: string[] = [];
  const other: DriftPart = { issues: [], total: 0 };
  for (const { response, drift } of answers) {
    const split = splitByJob(drift);
    other.issues.push(...split.other.issues);
    other.total += split.other.total;
    if (Array.isArray(response.JobsDetail)) response.JobsDetail.forEach((job, i) => entries.push({ job, drift: split.jobs.get(i) }));
    // CI's format for this node is not pinned down (one element with a comma list, or several);
    // both end up as one flat list of ids.
    if (Array.isArray(response.NonExistJobIds))
      for (const entry of response.NonExistJobIds)
        if (typeof entry === 'string') missing.push(...entry.split(',').map((s) => s.trim()).filter(Boolean));
  }
  // CI answers a multi-id call in its own order; callers get the order they asked in.
  entries.sort((a, b) => position(a.job) - position(b.job));
  missing.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));

  const single = answers.length === 1 ? answers[0] : undefined;
  const bodyRequestId = single && typeof single.response.RequestId === 'string' ? single.response.RequestId : undefined;
  // With one CI call its other top-level nodes pass through untouched; several calls have no
  // single value for them, so only the merged lists are kept.
  const { RequestId: _r, JobsDetail: _j, NonExistJobIds: _n, ...extras } = single ? single.response : {};
  const envelope: JobsEnvelope = {
    RequestId: bodyRequestId ?? single?.requestId ?? null,
    JobsDetail: entries.map((e) => e.job),
    NonExistJobIds: missing,
    ...extras,
  };

  const validate = familyValidator(input.family);
  const { RequestId, ...rest } = envelope;
  const checked = RequestId === null ? rest : envelope;
  // The converter records every drift it meets; the validator (same schema) is the backstop.
  if (!validate(checked) && entries.every((e) => !e.drift) && other.total === 0) {
    for (const error of validate.errors ?? []) other.issues.push(driftFromValidator(error, checked as Json));
    other.total = other.issues.length;
  }
  const drift: AnswerDrift = { jobs: entries.map((e) => e.drift), other: other.total ? other : undefined, total: 0 };
  const { list, total } = schemaErrors(drift.jobs, drift.other);
  drift.total = total;
  const upstreamRequestIds = answers.map((a) => a.requestId).filter((id): id is string => Boolean(id));
  if (total > 0) {
    if (input.schemaMode === 'strict')
      throw upstreamInvalid('CI response does not match the documented job schema', {
        details: asErrorDetails(list.slice(0, 100)),
        upstream: { Status: 200, ...(upstreamRequestIds.length === 1 ? { RequestId: upstreamRequestIds[0] as string } : {}) },
      });
    envelope.SchemaErrors = list;
  }
  return { envelope, upstreamRequestIds, drift };
}
