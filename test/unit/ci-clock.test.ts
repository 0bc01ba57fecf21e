/**
 * The learned CI clock offset (shared/ci/clock.ts) with an injected local clock: a plausible
 * offset is used, an implausible one is refused and clears what was learned, and no offset outlives
 * its 15 minutes.
 */
import { MAX_CLOCK_OFFSET_MS, OFFSET_TTL_MS, clockOffsetMs, forgetClockOffset, learnClockOffset } from '../../shared/ci/clock';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toUTCString();
let logSpy: jest.SpyInstance;
beforeEach(() => {
  forgetClockOffset();
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => logSpy.mockRestore());

test('a plausible offset is learned and used', () => {
  expect(learnClockOffset(at(T0 + 20 * 60_000), T0)).toBe(true);
  expect(clockOffsetMs(T0 + 1000)).toBe(20 * 60_000);
});

test.each([
  ['1900', 'Mon, 01 Jan 1900 00:00:00 GMT'],
  ['9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ['just past the bound', at(T0 + MAX_CLOCK_OFFSET_MS + 1000)],
])('an offset to %s is refused, logged, and clears the one learned before', (_name, date) => {
  expect(learnClockOffset(at(T0 + 60_000), T0)).toBe(true);
  expect(learnClockOffset(date, T0)).toBe(false);
  expect(clockOffsetMs(T0)).toBe(0);
  expect(logSpy.mock.calls.map((c) => String(c[0])).join('\n')).toContain('"msg":"ci-clock-offset-refused"');
});

test('an unreadable Date changes nothing', () => {
  expect(learnClockOffset(at(T0 + 60_000), T0)).toBe(true);
  expect(learnClockOffset('garbage', T0)).toBe(false);
  expect(learnClockOffset(undefined, T0)).toBe(false);
  expect(clockOffsetMs(T0)).toBe(60_000);
});

test('a learned offset is forgotten after its TTL, and when the local clock goes back', () => {
  expect(learnClockOffset(at(T0 - 30 * 60_000), T0)).toBe(true);
  expect(clockOffsetMs(T0 + OFFSET_TTL_MS - 1000)).toBe(-30 * 60_000);
  expect(clockOffsetMs(T0 + OFFSET_TTL_MS + 1000)).toBe(0);
  expect(learnClockOffset(at(T0 - 30 * 60_000), T0)).toBe(true);
  expect(clockOffsetMs(T0 - 5000)).toBe(0);
});
