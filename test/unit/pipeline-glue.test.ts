/**
 * The cheap paths of the request pipeline must answer exactly what the full ones did:
 * - jobsResponse walks a body for SCF's byte count only when it could be near the limit; that
 *   rests on every UTF-16 unit costing SCF at most 3 bytes, checked here on arbitrary text, and
 *   a body that fits only before SCF escapes it is still refused;
 * - the request log line leaves absent fields out and keeps its field order;
 * - reconcileIds skips sorting when there is one entry, and still answers in the asked order.
 */
import fc from 'fast-check';
import type { CachedJobsResult } from '../../shared/cache/cached-query';
import { familySpec } from '../../shared/ci/families';
import { reconcileIds } from '../../shared/ci/reconcile-ids';
import { MAX_RESPONSE_BODY_BYTES, jobsResponse, scfPayloadBytes } from '../../shared/handlers/jobs-response';
import { ApiError } from '../../shared/http/errors';
import { logRequest } from '../../shared/log';

const request = { method: 'GET', path: '/jobs/media/j1', query: {}, headers: {}, body: undefined };

function resultWith(message: string): CachedJobsResult {
  const envelope = { RequestId: 'r-1', JobsDetail: [{ JobId: 'j1', State: 'Success', Message: message }], NonExistJobIds: [] };
  return {
    family: 'media',
    envelope,
    upstreamRequestIds: [],
    drift: { jobs: [undefined], other: undefined, total: 0 },
    cache: 'miss',
    reusableForS: undefined,
  };
}

describe('the SCF response limit', () => {
  test('no text costs SCF more than 3 bytes per UTF-16 unit (lone surrogates, pairs, quotes and backslashes included)', () => {
    const anyUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((codes) => String.fromCharCode(...codes));
    const edgy = fc
      .array(fc.constantFrom('"', '\\', 'a', 'é', '€', '😀', '\ud800', '\udfff', '\u2028'), { maxLength: 200 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(anyUnits, edgy, fc.string({ unit: 'binary' })), (text) => {
        expect(scfPayloadBytes(text)).toBeLessThanOrEqual(3 * text.length);
      }),
      { numRuns: 2000 },
    );
  });

  test('a body near the limit that fits is answered', () => {
    const res = jobsResponse(resultWith('a'.repeat(MAX_RESPONSE_BODY_BYTES - 200)), request);
    expect(res.status).toBe(200);
    expect(scfPayloadBytes(res.body as string)).toBeLessThanOrEqual(MAX_RESPONSE_BODY_BYTES);
  });

  test('a body under the limit in bytes but over it once SCF escapes it is refused', () => {
    // 2.5 M quotes: JSON makes them 5 M characters (under the limit), SCF's escaping 10 MB.
    const attempt = () => jobsResponse(resultWith('"'.repeat(2_500_000)), request);
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow(/larger than one response may carry/);
  });
});

describe('the request log line', () => {
  test('leaves absent fields out and keeps the documented order', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      logRequest({
        level: 'info',
        requestId: 'req-1',
        scfRequestId: undefined,
        route: 'jobs-by-path',
        method: 'GET',
        status: 200,
        outcome: 'ok',
        type: 'media',
        ids: 1,
        upstreamStatus: 200,
        attempts: 1,
        ciRequestIds: ['ci-1'],
        durationMs: 3,
      });
      logRequest({
        level: 'warn',
        requestId: 'req-2',
        route: 'unknown',
        method: 'GET',
        status: 404,
        outcome: 'NoSuchRoute',
        durationMs: 0,
      });
    } finally {
      spy.mockRestore();
    }
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual([
      'time',
      'msg',
      'level',
      'requestId',
      'route',
      'method',
      'status',
      'outcome',
      'type',
      'ids',
      'upstreamStatus',
      'attempts',
      'ciRequestIds',
      'durationMs',
    ]);
    expect(first).toMatchObject({ msg: 'request', requestId: 'req-1', ciRequestIds: ['ci-1'], durationMs: 3 });
    expect(Object.keys(second!)).toEqual(['time', 'msg', 'level', 'requestId', 'route', 'method', 'status', 'outcome', 'durationMs']);
    expect(lines.every((l) => !l.includes('undefined') && !l.includes('null'))).toBe(true);
  });
});

describe('reconcileIds answers in the asked order', () => {
  const media = familySpec('media');
  const job = (id: string) => ({ JobId: id, State: 'Success' });

  test('one job asked and answered passes through', () => {
    const only = job('a');
    expect(reconcileIds(['a'], [only], [], media)).toEqual({ jobs: [only], missing: [], unasked: 0 });
  });

  test('several jobs in CI order come back in asked order; repeats and unasked jobs are dropped; the rest is missing', () => {
    const answered = [job('c'), job('x'), job('a'), job('a')];
    const out = reconcileIds(['a', 'b', 'c', 'd'], answered, ['d', 'zz'], media);
    expect(out.jobs.map((j) => (j as { JobId: string }).JobId)).toEqual(['a', 'c']);
    expect(out.missing).toEqual(['b', 'd']);
    expect(out.unasked).toBe(2);
  });

  test('one id CI neither returned nor listed is reported missing', () => {
    expect(reconcileIds(['a'], [job('b')], [], media)).toEqual({ jobs: [], missing: ['a'], unasked: 1 });
  });
});
