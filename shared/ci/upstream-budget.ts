/**
 * What one caller request may spend upstream. Without these caps a request for 50 `ai` ids was
 * 50 concurrent calls, up to 150 attempts with retries, and up to 100 MiB of XML parsed on one
 * event loop (issue 12): more than a 128 MB function can hold and far past any deadline.
 *
 * - Attempts: every CI attempt of one caller request, retries and long-poll re-fetches included,
 *   draws from one budget of MAX_ATTEMPTS_PER_REQUEST.
 * - Concurrency: at most MAX_CONCURRENT_CALLS CI calls of one lookup are in flight at once.
 * - Bytes: all CI bodies read for one lookup (every fan-out call, error bodies included) share
 *   MAX_ANSWER_BYTES, which is about what SCF can return in one synchronous response.
 * - Markup: the parser's memory grows with the number of elements, not with bytes, and most of it
 *   is the transient tree of the one body being parsed (2.4 MB of tiny elements in one body peaked
 *   at ~150 MB RSS; the same bytes as records with text need a few MB). So, counted before any
 *   parse, one body may hold at most MAX_BODY_TAGS `<` and a lookup's bodies MAX_ANSWER_TAGS in
 *   all. CI's own records run ~15-25 bytes per `<`: ten 250 kB jobs in one call, or 6 MiB over
 *   many calls, still fit (bench/hostile-fanout.mjs: peak RSS ~105 MB with a 48 MB heap).
 */
export const MAX_ATTEMPTS_PER_REQUEST = 100;
export const MAX_CONCURRENT_CALLS = 10;
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;
export const MAX_BODY_TAGS = 160_000;
export const MAX_ANSWER_TAGS = 400_000;

/** How many `<` a body holds: each element costs one or two, whatever its size in bytes. */
export function countTags(body: string): number {
  let count = 0;
  for (let i = body.indexOf('<'); i !== -1; i = body.indexOf('<', i + 1)) count += 1;
  return count;
}

/**
 * The attempt budget of one caller request; shared by every lookup it makes. A lookup first
 * reserves one attempt per CI call it will make, so retries of early calls can never starve the
 * first attempt of a later one; retries take only what is left unreserved.
 */
export class AttemptBudget {
  private used = 0;
  private reserved = 0;
  constructor(readonly max: number = MAX_ATTEMPTS_PER_REQUEST) {}

  /** Attempts made (retries included): the request's log line reports this count. */
  get made(): number {
    return this.used;
  }

  /** Attempts neither made nor reserved. */
  get left(): number {
    return this.max - this.used - this.reserved;
  }

  /** Reserves the first attempts of `calls` calls; false (nothing reserved) when they do not fit. */
  reserve(calls: number): boolean {
    if (calls > this.left) return false;
    this.reserved += calls;
    return true;
  }

  /** A call's first attempt: from the reservation when there is one, else like a retry. */
  takeFirst(): boolean {
    if (this.reserved > 0) {
      this.reserved -= 1;
      this.used += 1;
      return true;
    }
    return this.take();
  }

  /** A retry: one unreserved attempt; false (and nothing taken) when none is left. */
  take(): boolean {
    if (this.left <= 0) return false;
    this.used += 1;
    return true;
  }
}

/** The byte budget of one lookup, charged while bodies stream in. */
export class ByteBudget {
  private used = 0;
  constructor(readonly max: number = MAX_ANSWER_BYTES) {}

  get spent(): number {
    return this.used;
  }

  /** Charges `bytes`; false once the total is past the budget (the caller stops reading). */
  take(bytes: number): boolean {
    this.used += bytes;
    return this.used <= this.max;
  }
}
