import { backoffMs, retryAfterMs } from '../../shared/ci/retry-policy';

describe('retryAfterMs reads what CI (or a gateway in front of it) sends', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  test.each<[string | string[] | undefined, number | undefined]>([
    ['1', 1000],
    [' 3 ', 3000],
    [['2', '9'], 2000], // a repeated header: the first one counts
    ['Thu, 26 Nov 2026 10:00:04 GMT', 4000],
    ['Thursday, 26-Nov-26 10:00:04 GMT', 4000], // RFC 850, obsolete but allowed
    ['Thu, 26 Nov 2026 09:00:00 GMT', 0], // in the past: no wait, never a negative one
    ['1.5', undefined],
    ['-1', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });
});

describe('backoffMs is full jitter under a doubling ceiling of 100 ms · 2^(attempt-1), capped at 2 s', () => {
  test.each([
    [1, 99],
    [2, 199],
    [3, 399],
    [5, 1599],
    [6, 1999],
    [9, 1999],
  ])('attempt %i: at most %i ms', (attempt, ceiling) => {
    expect(backoffMs(attempt, () => 0)).toBe(0);
    expect(backoffMs(attempt, () => 0.9999999)).toBe(ceiling);
    expect(backoffMs(attempt, () => 0.5)).toBe(Math.floor((ceiling + 1) / 2));
  });
});
