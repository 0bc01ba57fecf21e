/**
 * The one table that turns CI failures into HTTP answers (handlers/ci-errors.ts), checked kind by
 * kind against the documented answers and against ERROR_CODES, and fed with CI error answers as
 * the CI layer reads them (upstream-error.ts); and the refusals of a bucket or region (target.ts).
 */
import { CI_ERROR_KINDS, CiError, type CiErrorKind } from '../../shared/ci/ci-error';
import { type TargetPolicy, resolveTarget } from '../../shared/ci/target';
import { ciFailure } from '../../shared/ci/upstream-error';
import { CI_ERROR_ANSWERS, TARGET_REFUSAL_CODES, ciErrorAnswer, knownApiError } from '../../shared/handlers/ci-errors';
import { ERROR_CODES } from '../../shared/http/error-codes';
import { ApiError, badRequest } from '../../shared/http/errors';
import { errorResponse } from '../../shared/http/response';

// The documented answer for each kind (docs/api.md, "Upstream errors").
const DOCUMENTED: Record<CiErrorKind, [status: number, code: string]> = {
  'access-denied': [502, 'UpstreamAccessDenied'],
  throttled: [503, 'UpstreamThrottled'],
  'error-status': [502, 'UpstreamError'],
  'invalid-answer': [502, 'UpstreamInvalidResponse'],
  'too-large': [502, 'ResponseTooLarge'],
  timeout: [504, 'UpstreamTimeout'],
  unreachable: [502, 'UpstreamUnavailable'],
  'budget-spent': [502, 'UpstreamUnavailable'],
};

const xmlError = (code: string, message: string, requestId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;

describe('every CI error kind has one answer', () => {
  test('the table covers exactly the kinds the CI layer raises', () => {
    expect(Object.keys(CI_ERROR_ANSWERS).sort()).toEqual([...CI_ERROR_KINDS].sort());
  });

  test.each(CI_ERROR_KINDS)('%s → its documented status and code, the status being the code’s own in ERROR_CODES', (kind) => {
    const answer = ciErrorAnswer(new CiError(kind, 'CI did something'));
    const [status, code] = DOCUMENTED[kind];
    expect(answer).toBeInstanceOf(ApiError);
    expect(answer.code).toBe(code);
    expect(answer.status).toBe(status);
    expect(answer.status).toBe(ERROR_CODES[answer.code].status);
  });

  test('every Upstream* code of ERROR_CODES is the answer to some CI failure', () => {
    const answered = new Set(Object.values(CI_ERROR_ANSWERS).map((a) => a.code));
    const upstreamCodes = Object.keys(ERROR_CODES).filter((c) => c.startsWith('Upstream'));
    expect(upstreamCodes.length).toBeGreaterThan(0);
    for (const code of upstreamCodes) expect(answered).toContain(code);
  });
});

describe('CI error answers, as the CI layer reads them, become these answers', () => {
  const headers = { 'x-ci-request-id': 'NjMxMDJhYTNf', 'x-ci-trace-id': 'trace-1' };

  test('403 AccessDenied: 502 with the CI code and ids, never CI’s own message', () => {
    const answer = ciErrorAnswer(ciFailure(403, headers, xmlError('AccessDenied', 'secret policy text', 'body-req-id')));
    expect(answer.message).toBe("CI answered 403 AccessDenied: the function's role may not read these jobs");
    expect(answer.extra).toEqual({ upstream: { Status: 403, Code: 'AccessDenied', RequestId: 'body-req-id', TraceId: 'trace-1' } });
    expect(JSON.stringify(errorResponse(answer, 'r1'))).not.toContain('secret policy text');
  });

  test.each<[string | undefined, string]>([
    ['3', '3'],
    ['2.5', '1'], // unreadable: the 1 s default
    [undefined, '1'],
    ['0', '1'], // never "retry at once"
  ])('429 with Retry-After %j → 503 and Retry-After %s', (retryAfter, sent) => {
    const answer = ciErrorAnswer(ciFailure(429, { ...headers, 'retry-after': retryAfter }, xmlError('SlowDown', 'x', 'r')));
    expect(answer.code).toBe('UpstreamThrottled');
    expect(answer.message).toBe('CI answered 429 SlowDown: CI is rate-limiting this function');
    expect(answer.extra.headers).toEqual({ 'retry-after': sent });
    expect(errorResponse(answer, 'r1').headers['retry-after']).toBe(sent);
  });

  test('401 without a body is access denied too; 404 and 500 are other CI errors', () => {
    expect(ciErrorAnswer(ciFailure(401, {}, '')).code).toBe('UpstreamAccessDenied');
    const notFound = ciErrorAnswer(ciFailure(404, headers, xmlError('NoSuchBucket', 'x', 'r404')));
    expect([notFound.status, notFound.code, notFound.message]).toEqual([502, 'UpstreamError', 'CI answered 404 NoSuchBucket']);
    const failed = ciErrorAnswer(ciFailure(500, {}, 'not a CI error body'));
    expect([failed.code, failed.message, failed.extra.upstream]).toEqual(['UpstreamError', 'CI answered 500', { Status: 500 }]);
  });

  test('an invalid answer keeps its reason, details and upstream status', () => {
    const details = [{ path: '/JobsDetail/0/State', message: 'must be non-empty text' }];
    const answer = ciErrorAnswer(
      new CiError('invalid-answer', 'CI sent a job without a usable JobId or State', { upstream: { Status: 200 }, details }),
    );
    expect(answer.message).toBe('CI sent a job without a usable JobId or State');
    expect(answer.extra).toEqual({ details, upstream: { Status: 200 } });
  });

  test('too large names how many ids were asked; budget spent says what to do', () => {
    expect(ciErrorAnswer(new CiError('too-large', 'x', { idCount: 7 })).message).toMatch(/these 7 jobs .* ask for fewer ids per request$/);
    expect(ciErrorAnswer(new CiError('too-large', 'x', { idCount: 1 })).message).toMatch(/^CI's answer for this job is larger/);
    expect(ciErrorAnswer(new CiError('budget-spent', 'This request used up its budget of CI calls')).message).toBe(
      'This request used up its budget of CI calls; ask for fewer ids',
    );
  });
});

describe('knownApiError', () => {
  test('passes the API’s own errors through, maps CI errors, and knows nothing else', () => {
    const own = badRequest('InvalidJobId', 'bad id');
    expect(knownApiError(own)).toBe(own);
    expect(knownApiError(new CiError('timeout', 'CI did not answer in time'))?.code).toBe('UpstreamTimeout');
    expect(knownApiError(new Error('boom'))).toBeUndefined();
    expect(knownApiError('a string')).toBeUndefined();
  });
});

describe('a refused bucket or region', () => {
  const policy: TargetPolicy = {
    defaultBucket: 'examplebucket-1250000000',
    defaultRegion: 'ap-guangzhou',
    allowedBuckets: new Set(['other-1250000001']),
    allowedRegions: new Set(['ap-shanghai']),
    endpoint: 'https://{bucket}.ci.{region}.myqcloud.com',
  };
  const answerTo = (requested: { bucket?: string; region?: string }, p: TargetPolicy = policy) => {
    try {
      resolveTarget(p, requested);
    } catch (err) {
      return knownApiError(err);
    }
    throw new Error('resolveTarget accepted it');
  };

  test.each<[string, { bucket?: string; region?: string }, TargetPolicy, number, string]>([
    ['no bucket anywhere', {}, { ...policy, defaultBucket: undefined }, 400, 'MissingBucket'],
    ['a bucket without APPID', { bucket: 'examplebucket' }, policy, 400, 'InvalidBucket'],
    ['a bucket not allowed', { bucket: 'stranger-1250000002' }, policy, 403, 'BucketNotAllowed'],
    ['no region anywhere', {}, { ...policy, defaultRegion: undefined }, 500, 'ServerMisconfigured'],
    ['a region that is not one', { region: 'moon-base' }, policy, 400, 'InvalidRegion'],
    ['a region not allowed', { region: 'eu-frankfurt' }, policy, 403, 'RegionNotAllowed'],
  ])('%s → %i %s', (_name, requested, p, status, code) => {
    const answer = answerTo(requested, p);
    expect([answer?.status, answer?.code]).toEqual([status, code]);
    expect(answer?.status).toBe(ERROR_CODES[answer!.code].status);
  });

  test('every reason has a code, sent with that code’s status', () => {
    for (const code of Object.values(TARGET_REFUSAL_CODES)) expect(ERROR_CODES[code]).toBeDefined();
    expect(Object.keys(TARGET_REFUSAL_CODES)).toHaveLength(6);
  });

  test('an allowed bucket and region resolve to the template’s host', () => {
    expect(resolveTarget(policy, { bucket: 'other-1250000001', region: 'ap-shanghai' }).host).toBe(
      'other-1250000001.ci.ap-shanghai.myqcloud.com',
    );
  });
});
