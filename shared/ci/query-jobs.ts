/**
 * Looks up job ids of one family: splits them into CI-sized calls made concurrently (at most
 * MAX_CONCURRENT_CALLS at once, all sharing one byte budget), converts each XML answer with the
 * family's schema shape (recording any drift from it), holds it to the ids asked, merges the
 * results in request order, and validates the merged result against the family schema. Drift fails
 * the lookup (CiError invalid-answer) with SCHEMA_MODE=strict and is listed in SchemaErrors
 * otherwise; an item without its id or state (JobId/State for jobs, as the family names them) is
 * unusable in either mode. Failures are CiErrors only.
 */
import { type Cancelable, Cancellation } from '../cancel';
import type { Credentials } from '../signing/credentials';
import type { Deadline } from '../deadline';
import { logEvent } from '../log';
import { familyShape, familyValidator } from '../schemas/validators';
import { XmlRejected, parseXmlOrdered } from '../xml/parse';
import { DriftCollector, type Json } from '../xml/shape';
import { findRoot, shapeRoot } from '../xml/shape-ordered';
import { type CallBudget, callCi } from './ci-call';
import { type CiAnswers, CiError, type CiIssue, type CiUpstream, ciTimeout } from './ci-error';
import { mapLimited } from './concurrency';
import { type DriftPart, MAX_LISTED_DRIFT, type SchemaDrift, asErrorDetails, driftFromValidator, schemaErrors, splitByJob } from './drift';
import { type FAMILIES, type FamilySpec, type JobFamily, familySpec } from './families';
import { HttpGetError } from './http-get';
import { jobField } from './job-state';
import { reconcileIds } from './reconcile-ids';
import type { SchemaMode } from './schema-mode';
import type { CiTarget } from './target';
import { AttemptBudget, ByteBudget, MAX_ANSWER_TAGS, MAX_BODY_TAGS, MAX_CONCURRENT_CALLS, countTags } from './upstream-budget';
import { ciFailure, safeCiId } from './upstream-error';

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
  /** The caller request's attempt budget; a lookup on its own gets a fresh one. */
  attempts?: AttemptBudget;
}

/** A CI call's 200 answer, read but not yet parsed. */
export interface ChunkBody {
  body: string;
  contentType: string | undefined;
  requestId: string | undefined;
  /** Set instead of a body when CI answered the call with "no such id" (FamilySpec.unknownIdError). */
  unknownIds?: string[];
}

interface ChunkAnswer {
  response: { [key: string]: Json };
  requestId: string | undefined;
  drift: DriftCollector;
}

export async function queryJobs(input: QueryJobsInput): Promise<JobsResult> {
  const { path, batchSize } = familySpec(input.family);
  const chunks: string[][] = [];
  for (let i = 0; i < input.ids.length; i += batchSize) chunks.push(input.ids.slice(i, i + batchSize));

  // All calls of this lookup share one byte budget: the answer must fit one response, and the
  // parse work (synchronous, on the event loop) stays bounded however many calls fan out.
  const budget: CallBudget = { attempts: input.attempts ?? new AttemptBudget(), bytes: new ByteBudget() };
  if (!budget.attempts.reserve(chunks.length)) throw toCiError(new HttpGetError('budget'), input.deadline.cancel, input.ids.length);
  // What CI answered so far: a failure carries it, so the request's log line names those answers.
  const answered: CiAnswers = { requestIds: [] };
  const withAnswers = (err: unknown) => (err instanceof CiError ? err.withAnswers(answered) : err);
  // Most lookups are one call: it has no sibling to cancel, so it runs on the deadline's own cancellation.
  if (chunks.length === 1) {
    try {
      return assembleAnswer(input, [await fetchChunk(input, path, chunks[0] as string[], input.deadline.cancel, budget, answered)]);
    } catch (err) {
      throw withAnswers(err);
    }
  }

  // One failed call fails the request, so the others are cancelled rather than left running. A
  // Cancellation the deadline also fires, not AbortSignal.any over two AbortSignals (+17-38 µs).
  const failFast = new Cancellation();
  const onDeadline = () => failFast.abort();
  // A deadline already past cancels every call before it starts (adding a listener would not).
  if (input.deadline.cancel.aborted) failFast.abort();
  else input.deadline.cancel.addListener(onDeadline);
  let bodies: (ChunkBody | undefined)[];
  try {
    bodies = await mapLimited(chunks, MAX_CONCURRENT_CALLS, (ids) =>
      fetchChunk(input, path, ids, failFast, budget, answered).catch((err: unknown) => {
        failFast.abort();
        throw withAnswers(err);
      }),
    );
  } finally {
    input.deadline.cancel.removeListener(onDeadline);
  }
  try {
    return assembleAnswer(input, bodies);
  } catch (err) {
    throw withAnswers(err);
  }
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
    if (own > MAX_BODY_TAGS || tags > MAX_ANSWER_TAGS) throw tooLarge(input.ids.length);
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
  if (deadline.remainingMs() <= 0) throw ciTimeout();
}

async function fetchChunk(
  input: QueryJobsInput,
  path: string,
  ids: string[],
  signal: Cancelable,
  budget: CallBudget,
  answered: CiAnswers,
): Promise<ChunkBody> {
  let res;
  try {
    res = await callCi(input.target, `${path}/${ids.join(',')}`, input.credentials, input.deadline, budget, signal);
  } catch (err) {
    throw toCiError(err, input.deadline.cancel, input.ids.length);
  }
  // Checked like the error path's ids: a 12,000-character or quoted value never reaches a header or log.
  const requestId = safeCiId(res.headers['x-ci-request-id']);
  if (requestId) answered.requestIds.push(requestId);
  answered.lastStatus = res.status;
  if (res.status !== 200) {
    const failure = ciFailure(res.status, res.headers, res.body);
    if (answersUnknownId(input.family, ids, failure)) return { body: '', contentType: undefined, requestId, unknownIds: ids };
    throw failure;
  }
  const contentType = res.headers['content-type'];
  return { body: res.body, contentType: typeof contentType === 'string' ? contentType : undefined, requestId };
}

/**
 * Whether a failed one-id call means "CI does not know this id": only for a family that says so
 * with an error (FamilySpec.unknownIdError), only a 404 with that code (or, for '*', any code but
 * InvalidUrl: a wrong path or endpoint is a fault to report, not an answer about the id).
 */
function answersUnknownId(family: JobFamily, ids: string[], failure: CiError): boolean {
  const expected = familySpec(family).unknownIdError;
  const upstream = failure.info.upstream;
  if (expected === undefined || ids.length !== 1 || upstream?.Status !== 404) return false;
  return expected === '*' ? upstream.Code !== 'InvalidUrl' : upstream.Code === expected;
}

function readChunk(
  input: Pick<QueryJobsInput, 'family' | 'deadline'>,
  { body, contentType, requestId, unknownIds }: ChunkBody,
  driftLimit: number,
): ChunkAnswer {
  if (unknownIds) return { response: { NonExistJobIds: unknownIds }, requestId, drift: new DriftCollector(driftLimit) };
  const upstream = { Status: 200, ...(requestId ? { RequestId: requestId } : {}) };
  const notXml = notXmlReason(contentType, body);
  if (notXml) throw invalidAnswer(`CI answered 200 with ${notXml} instead of XML`, { upstream });
  assertTimeLeft(input.deadline);
  let doc;
  try {
    doc = parseXmlOrdered(body);
  } catch (err) {
    const reason = err instanceof XmlRejected ? err.reason : 'malformed';
    throw invalidAnswer(`CI sent a body that is not acceptable XML (${reason})`, { upstream });
  }
  const root = findRoot(doc, 'Response');
  if (!root) throw invalidAnswer('CI sent XML without a <Response> root', { upstream });
  const drift = new DriftCollector(driftLimit);
  const response = shapeRoot(root, familyShape(input.family), drift);
  if (response === null || typeof response !== 'object' || Array.isArray(response))
    throw invalidAnswer('CI sent a <Response> that is not a container', { upstream });
  assertJobsUsable(response, upstream, familySpec(input.family));
  return { response, requestId, drift };
}

/**
 * An item (a JobsDetail entry, a WorkflowExecution) without its id or state cannot be told apart
 * from the others or says nothing about its job. Answering 200 without it would let an asked job
 * vanish (or look unknown) without a word, so the whole answer is refused as CI's fault, in every
 * schema mode.
 */
function assertJobsUsable(response: { [key: string]: Json }, upstream: CiUpstream, spec: FamilySpec): void {
  const jobs = response[spec.list];
  if (jobs === undefined) return;
  const details: CiIssue[] = [];
  (Array.isArray(jobs) ? jobs : [jobs]).forEach((job, i) => {
    for (const field of [spec.idField, spec.stateField]) {
      const value = jobField(job, field);
      if (typeof value !== 'string' || value === '')
        details.push({ path: `/${spec.list}/${i}/${field}`, message: 'must be non-empty text' });
    }
  });
  if (details.length)
    throw invalidAnswer(`CI sent a job without a usable ${spec.idField} or ${spec.stateField}`, {
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

const invalidAnswer = (message: string, info: { upstream: CiUpstream; details?: CiIssue[] }) =>
  new CiError('invalid-answer', message, info);
const tooLarge = (idCount: number) => new CiError('too-large', "CI's answers would not fit one response", { idCount });

/** A call that got no answer, in CI terms. */
function toCiError(err: unknown, deadlineSignal: Cancelable, idCount: number): CiError {
  if (err instanceof CiError) return err;
  if (err instanceof HttpGetError) {
    if (err.kind === 'too-large') return tooLarge(idCount);
    if (err.kind === 'timeout' && deadlineSignal.aborted) return ciTimeout();
    if (err.kind === 'budget') return new CiError('budget-spent', 'This request used up its budget of CI calls');
  }
  return new CiError('unreachable', 'CI could not be reached');
}

/**
 * Copies CI's other top-level nodes after the ones the merge builds, in CI's order (a loop, not
 * a rest pattern with a computed key, which V8 runs through a slow generic copy).
 */
function copyExtras(response: { [key: string]: Json }, into: JobsEnvelope, list: string): void {
  for (const key of Object.keys(response))
    if (key !== 'RequestId' && key !== list && key !== 'NonExistJobIds' && key !== 'NonExistJobId')
      // Defined, not assigned: a node named __proto__ stays a plain field, as the spread kept it.
      Object.defineProperty(into, key, { value: response[key], enumerable: true, writable: true, configurable: true });
}

/** The schema's RequestId is a string: an answer without one is checked without the key. */
function withoutRequestId(envelope: JobsEnvelope): Omit<JobsEnvelope, 'RequestId'> {
  const { RequestId: _r, ...rest } = envelope;
  return rest;
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
  const envelope: JobsEnvelope = {
    RequestId: bodyRequestId ?? single?.requestId ?? null,
    [spec.list]: jobs,
    NonExistJobIds: missing,
  };
  if (single) copyExtras(single.response, envelope, spec.list);

  assertTimeLeft(input.deadline);
  const jobDrift = jobs.map((job) => driftOf.get(job));
  const validate = familyValidator(input.family);
  const checked = envelope.RequestId === null ? withoutRequestId(envelope) : envelope;
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
      throw invalidAnswer('CI response does not match the documented job schema', {
        details: asErrorDetails(list.slice(0, 100)),
        upstream: { Status: 200, ...(upstreamRequestIds.length === 1 ? { RequestId: upstreamRequestIds[0] } : {}) },
      });
    envelope.SchemaErrors = list;
  }
  return { family: input.family, envelope: envelope as EnvelopeOf<JobFamily>, upstreamRequestIds, drift };
}
