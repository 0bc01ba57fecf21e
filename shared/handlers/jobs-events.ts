/**
 * GET /jobs/{type}/{ids}/events — the jobs as a Server-Sent Events stream (web mode only).
 *
 * - The first lookup runs before anything is sent, so bad input, an unknown job or a CI failure is
 *   an ordinary JSON error with its status, exactly as for GET /jobs/{type}/{ids}.
 * - Then one unnamed event per change of any job's State or Progress. Its data is the same JSON
 *   envelope a GET answers; its id is a digest of that state, so a client that reconnects with
 *   Last-Event-ID is not sent the state it already has.
 * - Waiting between changes is the long-poll's own (pollUntilChange, seeded with the last state
 *   sent), so whatever wakes a long-poll early also wakes a stream.
 * - Comment lines go out while nothing changes, so proxies keep the stream open.
 * - The stream ends with `event: end` once every job is terminal, with `event: failure` when CI
 *   fails mid-stream, or with a `retry:` hint shortly before the function's timeout: the client
 *   reconnects (with Last-Event-ID) to a fresh invocation.
 * - A reconnect whose Last-Event-ID already names the final state is answered 204, which is how
 *   SSE tells an EventSource to stop reconnecting.
 */
import { createHash } from 'node:crypto';
import type { CachedJobsResult } from '../cache/cached-query';
import { readHeartbeatMs } from '../config/web-env';
import { ciCallsFor } from '../ci/families';
import { createDeadline } from '../deadline';
import { ApiError, streamingNotSupported } from '../http/errors';
import { errorResponse } from '../http/response';
import { SSE_HEADERS, sseComment, sseEvent, sseRetry } from '../http/sse';
import type { HttpRequest, HttpResponse } from '../http/types';
import { logStreamEnd } from '../log';
import { pollUntilChange } from '../long-poll/poll-until-change';
import { knownApiError } from './ci-errors';
import type { RouteContext } from './context';
import { MIN_REQUERY_BUDGET_MS, REQUERY_BACKOFF, allTerminal, jobsFingerprint } from './job-changes';
import { assertSingleJobFound, parseIdSegment } from './job-ids';
import { lookupJobs } from './job-lookup';

/** The stream is closed this long before the function's timeout, so the end is ours, not a cut. */
export const STREAM_END_MARGIN_MS = 1000;
/** What an EventSource waits before reconnecting after a stream ended early. */
export const RECONNECT_MS = 1000;
/** Event ids are state digests: 22 base64url characters (132 bits). */
const EVENT_ID = /^[A-Za-z0-9_-]{22}$/;

type Outcome = 'terminal' | 'timeout' | 'gone' | 'failure';

export async function getJobEvents(ctx: RouteContext): Promise<HttpResponse> {
  if (!ctx.canStream) throw streamingNotSupported();
  const { req, params, config } = ctx;
  const heartbeatMs = readHeartbeatMs();
  const ids = parseIdSegment(params.ids ?? '');
  const lookup = { type: params.type, ids, bucket: req.query.bucket, region: req.query.region };
  const fetchJobs = async (signal?: AbortSignal) => {
    const deadline = createDeadline(ctx.budgetMs, Date.now(), signal);
    try {
      return await lookupJobs(lookup, ctx, deadline);
    } finally {
      deadline.dispose();
    }
  };

  const first = await fetchJobs(ctx.signal);
  assertSingleJobFound(ids, first);
  const seenId = lastEventId(req);
  if (settled(first) && seenId === eventIdOf(first)) return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };

  const endsAt = (ctx.endsAt ?? Date.now() + config.upstreamTimeoutMs) - STREAM_END_MARGIN_MS;
  const callsPerLookup = ciCallsFor(params.type ?? '', new Set(ids).size);
  const stream = events({ first, seenId, fetchJobs, heartbeatMs, endsAt, ctx, callsPerLookup });
  return { status: 200, headers: { ...SSE_HEADERS }, body: stream };
}

async function* events(o: {
  first: CachedJobsResult;
  seenId: string | undefined;
  fetchJobs: (signal?: AbortSignal) => Promise<CachedJobsResult>;
  heartbeatMs: number;
  endsAt: number;
  ctx: RouteContext;
  /** CI calls one re-query makes: the stream ends (to be resumed) when the request cannot afford one. */
  callsPerLookup: number;
}): AsyncGenerator<string> {
  const started = Date.now();
  const counts = { events: 0, heartbeats: 0 };
  let outcome: Outcome = 'timeout';
  try {
    yield sseRetry(RECONNECT_MS);
    let last = { value: o.first, fingerprint: eventIdOf(o.first) };
    if (last.fingerprint !== o.seenId) {
      counts.events += 1;
      yield stateEvent(o.first, last.fingerprint);
    }
    while (!settled(last.value)) {
      if (o.ctx.signal?.aborted) {
        outcome = 'gone';
        return;
      }
      const poll = pollUntilChange({
        known: last,
        fetch: o.fetchJobs,
        fingerprint: eventIdOf,
        isSettled: settled,
        stopAt: o.endsAt,
        fetchTimeoutMs: o.ctx.budgetMs,
        backoff: REQUERY_BACKOFF,
        minFetchBudgetMs: MIN_REQUERY_BUDGET_MS,
        mayRefetch: () => o.ctx.attempts.left >= o.callsPerLookup,
        ...(o.ctx.signal ? { signal: o.ctx.signal } : {}),
      });
      // While the poll waits, a comment line every heartbeatMs; the poll itself is never restarted.
      let result: Awaited<typeof poll> | undefined;
      while (!result) {
        const beat = timer(o.heartbeatMs);
        try {
          result = await Promise.race([poll, beat.done.then(() => undefined)]);
        } finally {
          beat.cancel();
        }
        if (!result) {
          counts.heartbeats += 1;
          yield sseComment('keep-alive');
        }
      }
      if (o.ctx.signal?.aborted) {
        outcome = 'gone';
        return;
      }
      // Out of time, or out of this request's CI attempts: a reconnect (a new request) goes on.
      if (result.outcome === 'timeout' || result.outcome === 'budget') {
        yield sseComment('this invocation is about to time out: reconnect with Last-Event-ID') + sseRetry(RECONNECT_MS);
        return;
      }
      last = { value: result.value, fingerprint: eventIdOf(result.value) };
      counts.events += 1;
      yield stateEvent(result.value, last.fingerprint);
    }
    outcome = 'terminal';
    yield sseEvent({ event: 'end', data: '{"reason":"terminal"}' });
  } catch (err) {
    // Headers are sent: a CI failure can only be told in the stream. Transient ones invite a retry.
    if (o.ctx.signal?.aborted) {
      outcome = 'gone';
      return;
    }
    outcome = 'failure';
    const apiError = knownApiError(err) ?? new ApiError(500, 'InternalError', 'The function failed unexpectedly');
    yield sseEvent({ event: 'failure', data: errorResponse(apiError, o.ctx.requestId).body as string }) + sseRetry(RECONNECT_MS);
  } finally {
    logStreamEnd({ requestId: o.ctx.requestId, outcome, ...counts, durationMs: Date.now() - started });
  }
}

function stateEvent(result: CachedJobsResult, id: string): string {
  return sseEvent({ id, data: JSON.stringify(result.envelope) });
}

function settled(result: CachedJobsResult): boolean {
  return allTerminal(result);
}

/** A digest of what counts as a change (jobsFingerprint): equal states, equal ids, across instances. */
export function eventIdOf(result: CachedJobsResult): string {
  return createHash('sha256').update(jobsFingerprint(result)).digest('base64url').slice(0, 22);
}

/** Last-Event-ID as EventSource sends it; `?lastEventId=` for clients that cannot set headers. */
function lastEventId(req: HttpRequest): string | undefined {
  const raw = (req.headers['last-event-id'] ?? req.query.lastEventId)?.trim();
  // Anything else is not one of our ids: a fresh start, which only costs one repeated event.
  return raw && EVENT_ID.test(raw) ? raw : undefined;
}

function timer(ms: number): { done: Promise<void>; cancel: () => void } {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(handle) };
}
