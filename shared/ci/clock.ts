/**
 * Offset between our clock and CI's, learned from CI's Date header after a clock-skew refusal
 * and kept for a while on the warm instance (as the official SDK does), so later requests are
 * signed right the first time.
 *
 * CI's Date header is upstream input, so it is not trusted blindly (issue 12: one 403 with
 * `Date: Mon, 01 Jan 1900` used to poison every later request of the instance):
 * - an offset beyond MAX_CLOCK_OFFSET_MS is implausible for two NTP-synced clocks and is refused
 *   (and any offset learned before is dropped with it);
 * - a learned offset is forgotten after OFFSET_TTL_MS, so no value outlives a short window;
 * - the time used for signing is never before the Unix epoch, whatever happens.
 */
import { logEvent } from '../log';

export const MAX_CLOCK_OFFSET_MS = 60 * 60 * 1000;
export const OFFSET_TTL_MS = 15 * 60 * 1000;

let learned: { offsetMs: number; atMs: number } | undefined;

/** CI's time as best we know it (epoch ms); the local clock when no fresh offset is known. */
export function ciNow(localNow = Date.now()): number {
  if (learned && (localNow - learned.atMs > OFFSET_TTL_MS || localNow < learned.atMs)) learned = undefined;
  const now = localNow + (learned?.offsetMs ?? 0);
  return now > 0 ? now : Math.max(0, localNow);
}

/** The offset in force (ms), for tests and diagnostics. */
export const clockOffsetMs = (localNow = Date.now()) => ciNow(localNow) - localNow;

/** Returns false when the Date header is missing, unreadable or implausible (no correction made). */
export function learnClockOffset(dateHeader: string | string[] | undefined, localNow = Date.now()): boolean {
  const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
  const serverNow = value ? Date.parse(value) : NaN;
  if (Number.isNaN(serverNow)) return false;
  const offsetMs = serverNow - localNow;
  if (Math.abs(offsetMs) > MAX_CLOCK_OFFSET_MS) {
    learned = undefined;
    // The size only, rounded: enough to tell a broken clock from a hostile header.
    logEvent('warn', 'ci-clock-offset-refused', { offsetS: Math.round(offsetMs / 1000), maxS: MAX_CLOCK_OFFSET_MS / 1000 });
    return false;
  }
  learned = { offsetMs, atMs: localNow };
  return true;
}

/** Forgets any learned offset (a new instance starts the same way). */
export function forgetClockOffset(): void {
  learned = undefined;
}
