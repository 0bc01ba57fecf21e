/**
 * Follows one job as an async iterable of its states, ending after the terminal one:
 *
 *   for await (const job of api.watchJob('media', id, { signal })) render(job.State, job.Progress);
 *
 * It reads the server's event stream (GET …/events, web mode) with fetch, so headers such as
 * Authorization go along, and reconnects with Last-Event-ID when a stream ends early (the server
 * closes it before the function's timeout). Where no stream is deployed — an event function answers
 * 501 StreamingNotSupported, an older deployment or a gateway 404 — it falls back to long-polling
 * (waitForJob's loop), so callers need not know how the API is deployed.
 */
import { JobStatusApiError, JobStatusNetworkError, JobStatusTimeoutError, JobStatusUnexpectedResponseError } from './errors';
import { type Transport, parseRetryAfter, resolveHeaders } from './request';
import { createSseParser, type ServerSentEvent } from './sse-parser';
import type { ErrorEnvelope } from './types';
import { type JobLike, TERMINAL_STATES, type WaitForJobOptions, isTransient } from './wait-for-job';
import { anySignal, sleep } from './abortable';

export interface WatchJobOptions {
  signal?: AbortSignal;
  /** Give up (JobStatusTimeoutError) after this long; default: until terminal or aborted. */
  timeoutMs?: number;
  /** `auto` (default): the event stream, or long-polling where none is deployed. `poll` skips the stream. */
  transport?: 'auto' | 'sse' | 'poll';
  /** Consecutive transient failures (network, 429, 502–504, a `failure` event) tolerated before giving up. */
  retries?: number;
}

/** What watchJob needs from the client: where the stream is, and how to long-poll instead. */
export interface WatchDeps<J> {
  transport: Transport;
  /** `/jobs/{type}/{id}` plus its query string. */
  eventsPath: string;
  /** Where the family's answer lists its items: JobsDetail, or WorkflowExecution (ITEM_LIST in types.ts). */
  list: string;
  /** waitForJob's loop for the same job, for the polling fallback. */
  poll: (options: WaitForJobOptions<J>) => Promise<J>;
  /** Shared by one client's watches: once the API said it has no stream, later watches poll at once. */
  streams: { unavailable: boolean };
}

/** Used until the server's own `retry:` hint arrives. */
const DEFAULT_RECONNECT_MS = 1000;
const MAX_BACKOFF_MS = 15_000;

export async function* watchJobStates<J extends JobLike>(
  deps: WatchDeps<J>,
  options: WatchJobOptions = {},
): AsyncGenerator<J, void, undefined> {
  const { signal, timeoutMs, transport = 'auto', retries = 3 } = options;
  const stop = anySignal([signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)]);
  let last: J | undefined;
  let lastKey: string | undefined;
  const stopped = (): unknown => (signal?.aborted ? signal.reason : new JobStatusTimeoutError(timeoutMs ?? 0, last));
  /** True when `job` is news (first, or a different State/Progress), and remembers it. */
  const isNews = (job: J) => {
    const key = `${job.State}/${job.Progress ?? ''}`;
    last = job;
    if (key === lastKey) return false;
    lastKey = key;
    return true;
  };

  if (transport === 'sse' || (transport === 'auto' && !deps.streams.unavailable)) {
    let lastEventId: string | undefined;
    let reconnectMs = DEFAULT_RECONNECT_MS;
    let failures = 0;
    for (;;) {
      if (stop?.aborted) throw stopped();
      // Asked before each connection, like every other call's (a fresh JWT on each reconnect).
      const extra = await resolveHeaders(deps.transport);
      let res: Response;
      try {
        res = await deps.transport.fetch(`${deps.transport.baseUrl.replace(/\/+$/, '')}${deps.eventsPath}`, {
          headers: { accept: 'text/event-stream', ...extra, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          ...(stop ? { signal: stop } : {}),
        });
      } catch (err) {
        if (stop?.aborted) throw stopped();
        await retryOrThrow(
          new JobStatusNetworkError('The job-status API could not be reached (network failure, or blocked by CORS)', err),
          ++failures,
        );
        continue;
      }
      // 204: the server says this stream has nothing more to send (we hold the final state).
      if (res.status === 204) return;
      if (!res.ok || !isEventStream(res)) {
        const err = await answerError(res);
        if (transport === 'auto' && noStreamHere(err)) {
          deps.streams.unavailable = true;
          break; // to the polling fallback below
        }
        await retryOrThrow(err, ++failures);
        continue;
      }

      const events: ServerSentEvent[] = [];
      const parser = createSseParser(
        (e) => events.push(e),
        (ms) => (reconnectMs = ms),
      );
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (err) {
            if (stop?.aborted) throw stopped();
            throw new JobStatusNetworkError('The event stream was cut off', err);
          }
          if (chunk.done) break;
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          for (const event of events.splice(0)) {
            if (event.event === 'failure') throw failureOf(event);
            if (event.event === 'end') return;
            if (event.event !== 'message') continue;
            const job = firstJob<J>(event.data, deps.list);
            lastEventId = event.id;
            failures = 0;
            if (isNews(job)) yield job;
            if (TERMINAL_STATES.has(job.State)) return;
          }
        }
      } catch (err) {
        if (stop?.aborted) throw stopped();
        await retryOrThrow(err, ++failures);
        continue;
      } finally {
        reader.cancel().catch(() => undefined);
      }
      // The server ended the stream early (its invocation's time was up): come back as it asked.
      await pause(reconnectMs);
    }
  }

  // Polling fallback: waitForJob's loop, its answers handed out one by one as they come.
  yield* pollStates((onProgress, pollSignal) => deps.poll({ signal: pollSignal, retries, onProgress }), stop, stopped, isNews);

  async function retryOrThrow(err: unknown, failureCount: number): Promise<void> {
    if (!isTransient(err) || failureCount > retries) throw err;
    const retryAfter = err instanceof JobStatusApiError || err instanceof JobStatusUnexpectedResponseError ? (err.retryAfterMs ?? 0) : 0;
    await pause(Math.max(retryAfter, backoffMs(failureCount)));
  }

  function pause(ms: number): Promise<void> {
    return sleep(ms, stop).catch(() => Promise.reject(stopped()));
  }
}

/** waitForJob's callbacks turned into an async iterable; leaving the loop early stops the polling. */
async function* pollStates<J extends JobLike>(
  run: (onProgress: (job: J) => void, signal: AbortSignal) => Promise<J>,
  stop: AbortSignal | undefined,
  stopped: () => unknown,
  isNews: (job: J) => boolean,
): AsyncGenerator<J, void, undefined> {
  const controller = new AbortController();
  const onStop = () => controller.abort(stopped());
  stop?.addEventListener('abort', onStop, { once: true });
  const queue: J[] = [];
  let wake: (() => void) | undefined;
  let outcome: { error: unknown } | 'done' | undefined;
  run((job) => {
    if (isNews(job)) queue.push(job);
    wake?.();
  }, controller.signal)
    .then(
      () => (outcome = 'done'),
      (error: unknown) => (outcome = { error }),
    )
    .finally(() => wake?.());
  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift() as J;
      if (outcome === 'done') return;
      if (outcome) throw stop?.aborted ? stopped() : outcome.error;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stop?.removeEventListener('abort', onStop);
    controller.abort();
  }
}

function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** No stream deployed here: an event function's 501, or a 404 that is not about the job. */
function noStreamHere(err: unknown): boolean {
  if (err instanceof JobStatusApiError) return err.status === 501 || (err.status === 404 && err.code !== 'NoSuchJob');
  return err instanceof JobStatusUnexpectedResponseError && (err.status === 404 || err.status === 501);
}

async function answerError(res: Response): Promise<Error> {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const text = await res.text().catch(() => '');
  try {
    const json = JSON.parse(text) as ErrorEnvelope;
    if (typeof json?.Error?.Code === 'string') return new JobStatusApiError(res.status, json, retryAfter);
  } catch {
    // not JSON: fall through
  }
  return new JobStatusUnexpectedResponseError(res.status, text.slice(0, 200), retryAfter);
}

/** A `failure` event: CI failed mid-stream. Told as a 502, so it counts as transient and is retried. */
function failureOf(event: ServerSentEvent): Error {
  try {
    return new JobStatusApiError(502, JSON.parse(event.data) as ErrorEnvelope);
  } catch {
    return new JobStatusUnexpectedResponseError(502, event.data.slice(0, 200));
  }
}

function firstJob<J>(data: string, list: string): J {
  let envelope: Record<string, unknown[] | undefined>;
  try {
    envelope = JSON.parse(data) as Record<string, unknown[] | undefined>;
  } catch {
    throw new JobStatusUnexpectedResponseError(200, data.slice(0, 200));
  }
  const job = envelope?.[list]?.[0];
  if (!job) throw new JobStatusUnexpectedResponseError(200, `${list} is empty`);
  return job as J;
}

/** Exponential with jitter, like waitForJob's retries. */
function backoffMs(failures: number): number {
  const ceiling = Math.min(500 * 2 ** (failures - 1), MAX_BACKOFF_MS);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
