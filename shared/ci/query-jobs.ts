/**
 * Looks up job ids of one family: splits them into CI-sized calls made concurrently (at most
 * MAX_CONCURRENT_CALLS at once, all sharing one byte budget), converts each XML answer with the
 * family's schema shape, holds it to the ids asked, merges the results in request order, and
 * validates the merged result against the family schema.
 */
import { setMaxListeners } from 'node:events';
import type { Credentials, SchemaMode } from '../config/env';
import type { Deadline } from '../deadline';
import {
  ApiError,
  type SchemaIssue,
  responseTooLarge,
  upstreamInvalid,
  upstreamTimeout,
  upstreamUnavailable,
} from '../http/errors';
import { logEvent } from '../log';
import type { RequestTrace } from '../trace';
import { familyShape, familyValidator, toIssues } from '../schemas/validators';
import { XmlRejected, parseXml } from '../xml/parse';
import { applyShape, type Json } from '../xml/shape';
import { type CallBudget, callCi } from './ci-call';
import { mapLimited } from './concurrency';
import { FAMILIES, type JobFamily } from './families';
import { HttpGetError } from './http-get';
import { reconcileIds } from './reconcile-ids';
import type { CiTarget } from './target';
import { AttemptBudget, ByteBudget, MAX_ANSWER_TAGS, MAX_BODY_TAGS, MAX_CONCURRENT_CALLS, countTags } from './upstream-budget';
import { describeUpstreamFailure, safeCiId, upstreamFailureError } from './upstream-error';

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
  /** The caller request's attempt budget; a lookup on its own gets a fresh one. */
  attempts?: AttemptBudget;
}

/** A CI call's 200 answer, read but not yet parsed. */
export interface ChunkBody {
  body: string;
  contentType: string | undefined;
  requestId: string | undefined;
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
  // Each running call listens on this signal: up to MAX_CONCURRENT_CALLS, plus the deadline's own
  // listener. That is bounded, not a leak, so Node should not warn about it.
  setMaxListeners(Math.max(10, MAX_CONCURRENT_CALLS + 2), signal);
  // All calls of this lookup share one byte budget: the answer must fit one response, and the
  // parse work (synchronous, on the event loop) stays bounded however many calls fan out.
  const budget: CallBudget = { attempts: input.attempts ?? new AttemptBudget(), bytes: new ByteBudget() };
  if (!budget.attempts.reserve(chunks.length)) throw toApiError(new HttpGetError('budget'), input.deadline.signal, input.ids.length);
  const bodies: (ChunkBody | undefined)[] = await mapLimited(chunks, MAX_CONCURRENT_CALLS, (ids) =>
    fetchChunk(input, `${path}/${ids.join(',')}`, signal, budget).catch((err: unknown) => {
      failFast.abort();
      throw err;
    }),
  );
  return assembleAnswer(input, bodies as ChunkBody[]);
}

/**
 * The CPU half of a lookup: parses, converts and merges the bodies CI sent (in call order) into
 * the answer. No I/O, so tests and fuzzing can drive it in-process with any body and clock.
 * Parsing starts only once every body is in and the total fits: an answer over budget costs no parse.
 */
export function assembleAnswer(input: Pick<QueryJobsInput, 'family' | 'ids' | 'schemaMode' | 'deadline'>, bodies: (ChunkBody | undefined)[]): JobsResult {
  // Markup is what a parse costs in memory: refused before any parse when there is too much of it.
  let tags = 0;
  for (const chunk of bodies) {
    const own = chunk ? countTags(chunk.body) : 0;
    tags += own;
    if (own > MAX_BODY_TAGS || tags > MAX_ANSWER_TAGS) throw responseTooLarge(input.ids.length);
  }
  const answers: ChunkAnswer[] = [];
  for (let i = 0; i < bodies.length; i++) {
    answers.push(readChunk(input, bodies[i] as ChunkBody));
    bodies[i] = undefined; // its text is not needed once parsed
  }
  return merge(input, answers);
}

/** The parse and schema check are synchronous: none starts once the deadline has passed. */
function assertTimeLeft(deadline: Deadline): void {
  if (deadline.remainingMs() <= 0) throw upstreamTimeout();
}

async function fetchChunk(input: QueryJobsInput, pathname: string, signal: AbortSignal, budget: CallBudget): Promise<ChunkBody> {
  let res;
  try {
    res = await callCi(input.target, pathname, input.credentials, input.deadline, input.trace, budget, signal);
  } catch (err) {
    throw toApiError(err, input.deadline.signal, input.ids.length);
  }
  // Checked like the error path's ids: a 12,000-character or quoted value never reaches a header or log.
  const requestId = safeCiId(res.headers['x-ci-request-id']);
  if (requestId) input.trace.ciRequestIds.push(requestId);
  if (res.status !== 200) throw upstreamFailureError(describeUpstreamFailure(res.status, res.headers, res.body), res.headers);
  const contentType = res.headers['content-type'];
  return { body: res.body, contentType: typeof contentType === 'string' ? contentType : undefined, requestId };
}

function readChunk(input: Pick<QueryJobsInput, 'family' | 'deadline'>, { body, contentType, requestId }: ChunkBody): ChunkAnswer {
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

function toApiError(err: unknown, deadlineSignal: AbortSignal, idCount: number): ApiError {
  if (err instanceof ApiError) return err;
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
    for (const entry of entries) if (typeof entry === 'string') ids.push(...entry.split(',').map((s) => s.trim()).filter(Boolean));
  }
  return ids;
}

function merge(input: Pick<QueryJobsInput, 'family' | 'ids' | 'schemaMode' | 'deadline'>, answers: ChunkAnswer[]): JobsResult {
  const answered: Json[] = [];
  const listed: string[] = [];
  for (const { response } of answers) {
    if (Array.isArray(response.JobsDetail)) answered.push(...response.JobsDetail);
    listed.push(...missingIdsOf(response));
  }
  const { jobs, missing, unasked } = reconcileIds(input.ids, answered, listed);
  if (unasked) logEvent('warn', 'ci-unasked-jobs-dropped', { count: unasked, family: input.family });

  const single = answers.length === 1 ? answers[0] : undefined;
  const bodyRequestId = single ? safeCiId(single.response.RequestId) : undefined;
  // With one CI call its other top-level nodes pass through untouched; several calls have no
  // single value for them, so only the merged lists are kept.
  const { RequestId: _r, JobsDetail: _j, NonExistJobIds: _n, NonExistJobId: _n1, ...extras } = single ? single.response : {};
  const envelope: JobsEnvelope = {
    RequestId: bodyRequestId ?? single?.requestId ?? null,
    JobsDetail: jobs,
    NonExistJobIds: missing,
    ...extras,
  };

  assertTimeLeft(input.deadline);
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
