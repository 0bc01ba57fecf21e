/**
 * Offset between our clock and CI's, learned from CI's Date header after a clock-skew refusal
 * and kept for the life of the warm instance (as the official SDK does), so later requests are
 * signed right the first time.
 */
let offsetMs = 0;

export const ciNow = () => Date.now() + offsetMs;

/** Returns false when the Date header is missing or unreadable (no correction possible). */
export function learnClockOffset(dateHeader: string | string[] | undefined, localNow = Date.now()): boolean {
  const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
  const serverNow = value ? Date.parse(value) : NaN;
  if (Number.isNaN(serverNow)) return false;
  offsetMs = serverNow - localNow;
  return true;
}
