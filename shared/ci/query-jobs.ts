/**
 * Looks up job ids of one family: splits them into CI-sized calls made concurrently (at most
 * MAX_CONCURRENT_CALLS at once, all sharing one byte budget), converts each XML answer with the
 * family's schema shape (recording any drift from it), holds it to the ids asked, merges the
 * results in request order, and validates the merged result against the family schema. Drift is a
 * 502 with SCHEMA_MODE=strict and is listed in SchemaErrors otherwise; an item without its id or
 * state (JobId/State for jobs, as the family names them) is unusable in either mode.
 */
import { setMaxListeners } from 'node:events';
import type { Credentials } from '../signing/credentials';
import type { Deadline } from '../deadline';
import {
  ApiError,
  isApiError,
  type SchemaIssue,
  type UpstreamInfo,
  responseTooLarge,
  upstreamInvalid,
  upstreamTimeout,
  upstreamUnavailable,
} from '../http/errors';
import { logEvent } from '../log';
import type { RequestTrace } from '../trace';
import { familyShape, familyValidator } from '../schemas/validators';
import { XmlRejected, parseXml } from '../xml/parse';
import { DriftCollector, applyShape, type Json } from '../xml/shape';
import { type CallBudget, callCi } from './ci-call';
import { mapLimited } from './concurrency';
import { type DriftPart, MAX_LISTED_DRIFT, type SchemaDrift, asErrorDetails, driftFromValidator, schemaErrors, splitByJob } from './drift';
import { FAMILIES, type FamilySpec, type JobFamily, familySpec } from './families';
import { HttpGetError } from './http-get';
import { jobField } from './job-state';
import { reconcileIds } from './reconcile-ids';
import type { SchemaMode } from './schema-mode';
import type { CiTarget } from './target';
import { AttemptBudget, ByteBudget, MAX_ANSWER_TAGS, MAX_BODY_TAGS, MAX_CONCURRENT_CALLS, countTags } from './upstream-budget';
import { describeUpstreamFailure, safeCiId, upstreamFailureError } from './upstream-error';

/**
 * What a lookup answers: CI's `<Response>` with the family's list (`JobsDetail`, or
 * `WorkflowExecution` for workflow runs; see FamilySpec.list) always an array of the asked items
 * in request order, `NonExistJobIds` the asked ids CI does not know, and any other node CI sent.
 */
export interface JobsEnvelope {
  RequestId: string | null;
  NonExistJobIds: string[];
  SchemaErrors?: SchemaDrift[];
  [extra: string]: Json | SchemaDrift[] | undefined;
}

/** A family's envelope with its list typed: `JobsDetail` for jobs, `WorkflowExecution` for workflow runs. */
export type EnvelopeOf<F extends JobFamily> = F extends JobFamily ? JobsEnvelope & { [K in (typeof FAMILIES)[F]['list']]: Json[] } : never;

/** Drift found in an answer: one entry per item of the family's list (undefined when clean), and the rest. */
export interface AnswerDrift {
  jobs: (DriftPart | undefined)[];
  other: DriftPart | undefined;
  /** Every issue, including any not listed in SchemaErrors (which stops at MAX_LISTED_DRIFT). */
  total: number;
}

export interface JobsResult<F extends JobFamily = JobFamily> {
  /** Whose answer this is: says where the items are and how to read them (FamilySpec). */
  family: F;
  envelope: EnvelopeOf<F>;
  upstreamRequestIds: string[];
  drift: AnswerDrift;
}

export interface QueryJobsInput<F extends JobFamily = JobFamily> {
  family: F;
  ids: string[];
  target: CiTarget;
  credentials: Credentials;
  schemaMode: SchemaMode;
  deadline: Deadline;
  trace: RequestTrace;
  /** The caller request's attempt budget; a lookup on its own gets a fresh one. */
  attempts?: AttemptBudget;
}

/** A CI call's 200 answer, read but not yet parsed. */
export interface ChunkBody {
  body: string;
  contentType: string | undefined;
  requestId: string | undefined;
  /** Set instead of a body when CI answered the call with "no such id" (FamilySpec.unknownIdAsError). */
  unknownIds?: string[];
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
  // Each running call listens on this signal: up to MAX_CONCURRENT_CALLS, plus the deadline's own
  // listener. That is bounded, not a leak, so Node should not warn about it.
  setMaxListeners(Math.max(10, MAX_CONCURRENT_CALLS + 2), signal);
  // All calls of this lookup share one byte budget: the answer must fit one response, and the
  // parse work (synchronous, on the event loop) stays bounded however many calls fan out.
  const budget: CallBudget = { attempts: input.attempts ?? new AttemptBudget(), bytes: new ByteBudget() };
  if (!budget.attempts.reserve(chunks.length)) throw toApiError(new HttpGetError('budget'), input.deadline.signal, input.ids.length);
  const bodies: (ChunkBody | undefined)[] = await mapLimited(chunks, MAX_CONCURRENT_CALLS, (ids) =>
    fetchChunk(input, ids, `${path}/${ids.join(',')}`, signal, budget).catch((err: unknown) => {
      failFast.abort();
      throw err;
    }),
  );
  return assembleAnswer(input, bodies);
}

/**
 * The CPU half of a lookup: parses, converts and merges the bodies CI sent (in call order) into
 * the answer. No I/O, so tests and fuzzing can drive it in-process with any body and clock.
 * Parsing starts only once every body is in and the total fits: an answer over budget costs no parse.
 */
export function assembleAnswer(
  input: Pick<QueryJobsInput, 'family' | 'ids' | 'schemaMode' | 'deadline'>,
  bodies: (ChunkBody | undefined)[],
): JobsResult {
  // Markup is what a parse costs in memory: refused before any parse when there is too much of it.
  let tags = 0;
  for (const chunk of bodies) {
    const own = chunk ? countTags(chunk.body) : 0;
    tags += own;
    if (own > MAX_BODY_TAGS || tags > MAX_ANSWER_TAGS) throw responseTooLarge(input.ids.length);
  }
  // One answer lists at most MAX_LISTED_DRIFT drifts, so each call records its share of them.
  const driftLimit = Math.ceil(MAX_LISTED_DRIFT / Math.max(1, bodies.length));
  const answers: ChunkAnswer[] = [];
  for (let i = 0; i < bodies.length; i++) {
    answers.push(readChunk(input, bodies[i] as ChunkBody, driftLimit));
    bodies[i] = undefined; // its text is not needed once parsed
  }
  return merge(input, answers);
}

/** The parse and schema check are synchronous: none starts once the deadline has passed. */
function assertTimeLeft(deadline: Deadline): void {
  if (deadline.remainingMs() <= 0) throw upstreamTimeout();
}

async function fetchChunk(
  input: QueryJobsInput,
  ids: string[],
  pathname: string,
  signal: AbortSignal,
  budget: CallBudget,
): Promise<ChunkBody> {
  let res;
  try {
    res = await callCi(input.target, pathname, input.credentials, input.deadline, input.trace, budget, signal);
  } catch (err) {
    throw toApiError(err, input.deadline.signal, input.ids.length);
  }
  // Checked like the error path's ids: a 12,000-character or quoted value never reaches a header or log.
  const requestId = safeCiId(res.headers['x-ci-request-id']);
  if (requestId) input.trace.ciRequestIds.push(requestId);
  if (res.status !== 200) {
    const failure = describeUpstreamFailure(res.status, res.headers, res.body);
    if (answersUnknownId(input.family, ids, failure)) return { body: '', contentType: undefined, requestId, unknownIds: ids };
    throw upstreamFailureError(failure, res.headers);
  }
  const contentType = res.headers['content-type'];
  return { body: res.body, contentType: typeof contentType === 'string' ? contentType : undefined, requestId };
}

/**
 * Whether a failed one-id call means "CI does not know this id": only for a family that may say so
 * with an error (FamilySpec.unknownIdAsError), only a 404, and never InvalidUrl (a wrong path or
 * endpoint is a fault to report, not an answer about the id).
 */
function answersUnknownId(family: JobFamily, ids: string[], failure: UpstreamInfo): boolean {
  return familySpec(family).unknownIdAsError === true && ids.length === 1 && failure.Status === 404 && failure.Code !== 'InvalidUrl';
}

function readChunk(
  input: Pick<QueryJobsInput, 'family' | 'deadline'>,
  { body, contentType, requestId, unknownIds }: ChunkBody,
  driftLimit: number,
): ChunkAnswer {
  if (unknownIds) return { response: { NonExistJobIds: unknownIds }, requestId, drift: new DriftCollector(driftLimit) };
  const upstream = { Status: 200, ...(requestId ? { RequestId: requestId } : {}) };
  const notXml = notXmlReason(contentType, body);
  if (notXml) throw upstreamInvalid(`CI answered 200 with ${notXml} instead of XML`, { upstream });
  assertTimeLeft(input.deadline);
  let doc;
  try {
    doc = parseXml(body);
  } catch (err) {
    const reason = err instanceof XmlRejected ? err.reason : 'malformed';
    throw upstreamInvalid(`CI sent a body that is not acceptable XML (${reason})`, { upstream });
  }
  if (!('Response' in doc)) throw upstreamInvalid('CI sent XML without a <Response> root', { upstream });
  const drift = new DriftCollector(driftLimit);
  const response = applyShape(doc.Response ?? '', familyShape(input.family), drift);
  if (response === null || typeof response !== 'object' || Array.isArray(response))
    throw upstreamInvalid('CI sent a <Response> that is not a container', { upstream });
  assertJobsUsable(response, upstream, familySpec(input.family));
  return { response, requestId, drift };
}

/**
 * An item (a JobsDetail entry, a WorkflowExecution) without its id or state cannot be told apart
 * from the others or says nothing about its job. Answering 200 without it would let an asked job
 * vanish (or look unknown) without a word, so the whole answer is refused as CI's fault, in every
 * schema mode.
 */
function assertJobsUsable(response: { [key: string]: Json }, upstream: UpstreamInfo, spec: FamilySpec): void {
  const jobs = response[spec.list];
  if (jobs === undefined) return;
  const details: SchemaIssue[] = [];
  (Array.isArray(jobs) ? jobs : [jobs]).forEach((job, i) => {
    for (const field of [spec.idField, spec.stateField]) {
      const value = jobField(job, field);
      if (typeof value !== 'string' || value === '')
        details.push({ path: `/${spec.list}/${i}/${field}`, message: 'must be non-empty text' });
    }
  });
  if (details.length)
    throw upstreamInvalid(`CI sent a job without a usable ${spec.idField} or ${spec.stateField}`, {
      details: details.slice(0, 20),
      upstream,
    });
}

/** A short, safe description of a body that is not XML, or undefined when it may be XML. */
function notXmlReason(contentType: string | undefined, body: string): string | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.trimStart().startsWith('{')) return 'a JSON body';
  if (mediaType && !mediaType.endsWith('/xml') && !mediaType.endsWith('+xml'))
    return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mediaType) ? `content-type ${mediaType}` : 'an unexpected content type';
  return undefined;
}

function toApiError(err: unknown, deadlineSignal: AbortSignal, idCount: number): ApiError {
  if (isApiError(err)) return err;
  if (err instanceof HttpGetError) {
    if (err.kind === 'too-large') return responseTooLarge(idCount);
    if (err.kind === 'timeout' && deadlineSignal.aborted) return upstreamTimeout();
    if (err.kind === 'budget')
      return new ApiError(502, 'UpstreamUnavailable', 'This request used up its budget of CI calls; ask for fewer ids');
  }
  return upstreamUnavailable();
}

/** Missing ids as CI lists them: `NonExistJobIds` (documented) or `NonExistJobId` (Go SDK), one list or several elements. */
function missingIdsOf(response: { [key: string]: Json }): string[] {
  const ids: string[] = [];
  for (const node of [response.NonExistJobIds, response.NonExistJobId]) {
    const entries = Array.isArray(node) ? node : node === undefined ? [] : [node];
    // CI's format for this node is not pinned down (one element with a comma list, or several);
    // both end up as one flat list of ids.
    for (const entry of entries)
      if (typeof entry === 'string')
        ids.push(
          ...entry
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
  }
  return ids;
}

function merge(input: Pick<QueryJobsInput, 'family' | 'ids' | 'schemaMode' | 'deadline'>, answers: ChunkAnswer[]): JobsResult {
  const spec = familySpec(input.family);
  const answered: Json[] = [];
  const driftOf = new Map<Json, DriftPart>();
  const listed: string[] = [];
  const other: DriftPart = { issues: [], total: 0 };
  for (const { response, drift } of answers) {
    const split = splitByJob(drift, spec.list);
    other.issues.push(...split.other.issues);
    other.total += split.other.total;
    const items = response[spec.list];
    if (Array.isArray(items))
      items.forEach((job, i) => {
        answered.push(job);
        const part = split.jobs.get(i);
        if (part) driftOf.set(job, part);
      });
    listed.push(...missingIdsOf(response));
  }
  const { jobs, missing, unasked } = reconcileIds(input.ids, answered, listed, spec);
  if (unasked) logEvent('warn', 'ci-unasked-jobs-dropped', { count: unasked, family: input.family });

  const single = answers.length === 1 ? answers[0] : undefined;
  const bodyRequestId = single ? safeCiId(single.response.RequestId) : undefined;
  // With one CI call its other top-level nodes pass through untouched; several calls have no
  // single value for them, so only the merged lists are kept.
  const { RequestId: _r, [spec.list]: _j, NonExistJobIds: _n, NonExistJobId: _n1, ...extras } = single ? single.response : {};
  const envelope: JobsEnvelope = {
    RequestId: bodyRequestId ?? single?.requestId ?? null,
    [spec.list]: jobs,
    NonExistJobIds: missing,
    ...extras,
  };

  assertTimeLeft(input.deadline);
  const jobDrift = jobs.map((job) => driftOf.get(job));
  const validate = familyValidator(input.family);
  const { RequestId, ...rest } = envelope;
  const checked = RequestId === null ? rest : envelope;
  // The converter records every drift it meets; the validator (same schema) is the backstop.
  if (!validate(checked) && jobDrift.every((d) => !d) && other.total === 0) {
    for (const error of validate.errors ?? []) other.issues.push(driftFromValidator(error, checked as Json));
    other.total = other.issues.length;
  }
  const drift: AnswerDrift = { jobs: jobDrift, other: other.total ? other : undefined, total: 0 };
  const { list, total } = schemaErrors(drift.jobs, drift.other, spec.list);
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
  return { family: input.family, envelope: envelope as EnvelopeOf<JobFamily>, upstreamRequestIds, drift };
}
