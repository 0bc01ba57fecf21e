/**
 * Follows one job until it reaches a terminal state. Each call long-polls (the server holds it until
 * State or Progress changes), so a browser makes about one call per change. Pacing stays polite when
 * answers come back fast anyway, transient failures are retried a few times with backoff, and an
 * AbortSignal or timeoutMs ends it at any point, including during a pause.
 */
import { JobStatusApiError, JobStatusNetworkError, JobStatusTimeoutError, JobStatusUnexpectedResponseError } from './errors';
import { anySignal, sleep as abortableSleep } from './abortable';

/** CI states after which a job never changes again. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['Success', 'Failed', 'Cancel']);

export interface WaitForJobOptions<J> {
  signal?: AbortSignal;
  /** Give up (JobStatusTimeoutError) after this long; default: wait until terminal or aborted. */
  timeoutMs?: number;
  /** Called with the job whenever its State or Progress differs from the last call, and on the first answer. */
  onProgress?: (job: J) => void;
  /** How long each call asks the server to hold (`?wait=`); the server caps it at 25 and at its own timeout. */
  waitSeconds?: number;
  /** Least time between the starts of two calls when the server answers quickly without news; doubles while nothing changes. */
  minIntervalMs?: number;
  /**
   * Consecutive transient failures (network, 429, 502, 503, 504) tolerated before giving up. Between
   * them it backs off exponentially with jitter, or waits the answer's Retry-After when that is
   * longer (capped at 60 s).
   */
  retries?: number;
  /** The clock, for tests that move time instead of waiting for it. Default: Date.now. */
  now?: () => number;
  /** Resolves after `ms`, or rejects with the signal's reason; for tests, like `now`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface JobLike {
  State: string;
  /** A number, or CI's own text when it sent something unreadable (the answer's SchemaErrors says so). */
  Progress?: number | string | null;
}

const MAX_INTERVAL_MS = 15_000;
/**
 * A Retry-After longer than this is cut to it: a misconfigured gateway asking for an hour should not
 * freeze a progress bar that has no timeoutMs. Still far above anything our API sends (a few seconds).
 */
const MAX_RETRY_AFTER_MS = 60_000;
/** Beyond `wait`, how long one call may take before it counts as hung. */
const CALL_GRACE_MS = 15_000;

export async function waitUntilTerminal<J extends JobLike>(
  fetchJob: (waitSeconds: number, signal: AbortSignal) => Promise<J>,
  options: WaitForJobOptions<J> = {},
): Promise<J> {
  const {
    signal,
    timeoutMs,
    onProgress,
    waitSeconds = 20,
    minIntervalMs = 1000,
    retries = 3,
    now = Date.now,
    sleep = abortableSleep,
  } = options;
  const startedAt = now();
  const stop = anySignal([signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)]);
  let last: J | undefined;
  let lastKey: string | undefined;
  let quietAnswers = 0;
  let failures = 0;
  const stopped = (): unknown => (signal?.aborted ? signal.reason : new JobStatusTimeoutError(timeoutMs ?? 0, last));
  const pause = (ms: number) => sleep(ms, stop).catch(() => Promise.reject(stopped()));

  for (;;) {
    if (stop?.aborted) throw stopped();
    const left = timeoutMs === undefined ? Infinity : timeoutMs - (now() - startedAt);
    // The first call answers at once, so the caller sees where the job is now; later calls hold
    // until something changes, but never past our own timeout.
    const wait = last === undefined ? 0 : Math.max(0, Math.min(waitSeconds, Math.floor(left / 1000) - 1));
    const callStarted = now();
    let job: J;
    try {
      job = await fetchJob(wait, anySignal([stop, AbortSignal.timeout(wait * 1000 + CALL_GRACE_MS)]) as AbortSignal);
      failures = 0;
    } catch (err) {
      if (stop?.aborted) throw stopped();
      if (!isTransient(err) || ++failures > retries) throw err;
      // The server's own estimate wins when it asks for longer than our backoff would wait.
      await pause(Math.max(retryDelayMs(failures, minIntervalMs), Math.min(retryAfterOf(err), MAX_RETRY_AFTER_MS)));
      continue;
    }

    const key = `${job.State}/${job.Progress ?? ''}`;
    const changed = key !== lastKey;
    last = job;
    if (changed) {
      lastKey = key;
      onProgress?.(job);
    }
    if (TERMINAL_STATES.has(job.State)) return job;
    quietAnswers = changed ? 0 : quietAnswers + 1;
    const interval = Math.min(minIntervalMs * 2 ** quietAnswers, MAX_INTERVAL_MS);
    const rest = interval - (now() - callStarted);
    if (rest > 0) await pause(rest);
  }
}

export function isTransient(err: unknown): boolean {
  if (err instanceof JobStatusNetworkError) return true;
  if (err instanceof JobStatusApiError || err instanceof JobStatusUnexpectedResponseError) return [429, 502, 503, 504].includes(err.status);
  // Our own per-call guard fired: the connection hung.
  return (err as { name?: unknown } | null)?.name === 'TimeoutError';
}

function retryAfterOf(err: unknown): number {
  return err instanceof JobStatusApiError || err instanceof JobStatusUnexpectedResponseError ? (err.retryAfterMs ?? 0) : 0;
}

/** Exponential with jitter, so many clients failing together do not come back together. */
function retryDelayMs(failures: number, baseMs: number): number {
  const ceiling = Math.min(baseMs * 2 ** (failures - 1), MAX_INTERVAL_MS);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
