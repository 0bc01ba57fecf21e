/**
 * Issue 12 §2: a hostile or oversized CI answer. The built bundle against the emulator on
 * loopback, made to answer what a hostile upstream would: bodies as large as the caps allow, a
 * Date from 1900, jobs nobody asked for, request ids that are not ids, our own secrets echoed.
 * Every test here failed on the code before the fix.
 */
import { functionUrlEvent } from '../helpers/events';
import { TEST_KEYS, startHarness } from '../helpers/harness';
import { scanForSecrets } from '../helpers/secret-scan';

let h: Awaited<ReturnType<typeof startHarness>>;
const echoedSignatures: string[] = [];
const logged = scanForSecrets({ answers: () => h.answers });

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  // A signature the upstream echoed must appear nowhere we answered or logged.
  const everything = [...logged, ...h.answers].join('\n');
  for (const signature of echoedSignatures) expect(everything).not.toContain(signature);
  await h.close();
});
beforeEach(() => {
  h.setEnv({ UPSTREAM_TIMEOUT_MS: '20000' });
  h.emulator.requests.length = 0;
  h.emulator.requestCount = 0;
  h.emulator.fault = undefined;
  logged.length = 0;
});

const get = (path: string, context: object = { request_id: 'hostile' }, query: Record<string, string> = {}) =>
  h.call(functionUrlEvent({ method: 'GET', path, query }), context);
const idsOf = (path: string) => decodeURIComponent(path.split('/')[2] ?? '').split(',');
const events = (msg: string) => logged.filter((line) => line.includes(`"msg":"${msg}"`)).map((line) => JSON.parse(line));

/**
 * A valid running Translation job whose Operation carries `padBytes` of unknown (allowed) elements,
 * each with `valueChars` of text: 2 is the densest markup, ~200 more like a real large job.
 */
function jobXml(id: string, padBytes = 0, valueChars = 2): string {
  const item = (i: number) => `<Extra><Key>k${i}</Key><Value>${String(i).padStart(valueChars, 'v')}</Value></Extra>`;
  const pad: string[] = [];
  for (let i = 0, size = 0; size < padBytes; i++) {
    pad.push(item(i));
    size += item(i).length;
  }
  return `<JobsDetail><Code>Success</Code><Message/><JobId>${id}</JobId><State>Running</State><Tag>Translation</Tag><Operation><UserData>u</UserData>${pad.join('')}</Operation></JobsDetail>`;
}
const response = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
/** Answers every call with one job per asked id, padded to about `padBytes` each. */
const jobsFor = (padBytes: number, valueChars = 200): NonNullable<typeof h.emulator.fault> => {
  const cache = new Map<string, string>();
  const job = (id: string) => cache.get(id) ?? (cache.set(id, jobXml(id, padBytes, valueChars)), cache.get(id));
  return (req) => ({ body: response(idsOf(req.path).map(job).join('')) });
};
const aiIds = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}hostile`);

describe('one byte budget per request', () => {
  test('50 ai ids each answered with ~2 MiB: 502 ResponseTooLarge asking for fewer ids, without reading them all', async () => {
    const big = response(jobXml('x', 2 * 1024 * 1024 - 1024)); // the old per-call cap let each of these through
    h.emulator.fault = (req) => ({ body: big.replace('<JobId>x</JobId>', `<JobId>${idsOf(req.path)[0]}</JobId>`) });
    const res = await get(`/jobs/ai/${aiIds(50).join(',')}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('ResponseTooLarge');
    expect(res.json.Error.Message).toMatch(/ask for fewer ids/);
    // Three bodies fit the budget; the fourth overruns it while at most 10 calls are in flight, so
    // about 13 calls are ever started, not 50. (Counted from our log line: the emulator may register
    // a cancelled call only after the answer.)
    expect(events('request')[0].attempts).toBeLessThanOrEqual(3 + 10);
  });

  test('ten 250 kB media jobs in one CI call are answered in full', async () => {
    h.emulator.fault = jobsFor(250_000);
    const ids = aiIds(10, 'm');
    const res = await get(`/jobs/media/${ids.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual(ids);
    expect(res.json.JobsDetail[9].Operation.Extra.length).toBeGreaterThan(900); // ~250 kB each, all kept
    expect(events('request')[0].attempts).toBe(1);
  }, 60_000);

  test('the same bytes as dense markup (what the parser pays for) are refused before any parse', async () => {
    h.emulator.fault = jobsFor(250_000, 2); // ~190,000 elements in one 2.4 MB body
    const res = await get(`/jobs/media/${aiIds(10, 'm').join(',')}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('ResponseTooLarge');
  });

  test('answers that add up past the budget across calls are refused, though each call is small', async () => {
    h.emulator.fault = jobsFor(250_000, 2000); // 30 ai calls of 250 kB (mostly text): 7.3 MiB in all
    const res = await get(`/jobs/ai/${aiIds(30).join(',')}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('ResponseTooLarge');
  }, 60_000);
});

describe('fan-out cap', () => {
  test('50 ai ids: at most 10 CI calls in flight at once', async () => {
    let inFlight = 0;
    let peak = 0;
    // Ids of this test's own (prefix f): a call the test before cancelled can still be read by the
    // emulator after this fault is set (it was busy writing that test's large bodies), and counting
    // it would charge this lookup with a call it never made.
    const ids = aiIds(50, 'f');
    const ours = new Set(ids);
    h.emulator.fault = (req) => {
      const id = idsOf(req.path)[0] as string;
      if (ours.has(id)) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        setTimeout(() => (inFlight -= 1), 60);
      }
      return { delayMs: 60, body: response(jobXml(id)) };
    };
    const res = await get(`/jobs/ai/${ids.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail).toHaveLength(50);
    expect(peak).toBeLessThanOrEqual(10);
    expect(peak).toBeGreaterThan(1); // still concurrent
  }, 60_000);

  test('retries included, one request makes at most 100 CI attempts', async () => {
    // Every call needs all 3 of its attempts: 150 for 50 ids without a request-wide cap.
    const seen = new Map<string, number>();
    h.emulator.fault = (req) => {
      seen.set(req.path, (seen.get(req.path) ?? 0) + 1);
      return (seen.get(req.path) as number) < 3
        ? { status: 503, code: 'ServiceUnavailable' }
        : { body: response(jobXml(idsOf(req.path)[0] as string)) };
    };
    const res = await get(`/jobs/ai/${aiIds(50).join(',')}`);
    const { attempts } = events('request')[0];
    expect(attempts).toBeGreaterThan(50); // retries were made…
    expect(attempts).toBeLessThanOrEqual(100); // …within the cap
    expect(res.status).toBe(502); // so some call ended on its 503, reported as such
    expect(res.json.Error.Upstream.Status).toBe(503);
  }, 60_000);

  test('a ?wait= long-poll over 50 ids stays within the same 100 attempts', async () => {
    h.emulator.fault = (req) => ({ body: response(jobXml(idsOf(req.path)[0] as string)) });
    const res = await get(`/jobs/ai/${aiIds(50).join(',')}`, { request_id: 'wait', getRemainingTimeInMillis: () => 30_000 }, { wait: '8' });
    expect(res.status).toBe(200);
    expect(events('request')[0].attempts).toBeLessThanOrEqual(100);
  }, 60_000);
});

describe('clock poisoning', () => {
  test('a 403 RequestTimeTooSkewed dated 1900 does not poison later requests', async () => {
    h.emulator.fault = (_req, index) =>
      index === 0 ? { status: 403, code: 'RequestTimeTooSkewed', headers: { date: 'Mon, 01 Jan 1900 00:00:00 GMT' } } : undefined;
    const first = await get('/jobs/media/j9c0a4726f6ac11ec96aaa9b64ab18d00');
    expect(first.status).toBe(502);
    expect(first.json.Error.Code).toBe('UpstreamAccessDenied');
    expect(h.emulator.requests).toHaveLength(1); // the implausible Date earned no retry
    expect(events('ci-clock-offset-refused')).toHaveLength(1);

    const second = await get('/jobs/media/j9c0a4726f6ac11ec96aaa9b64ab18d00');
    expect(second.status).toBe(200);
    expect(h.emulator.requests).toHaveLength(2); // signed with the true clock, first time
  });
});

describe('answers held to the asked ids', () => {
  test('a job nobody asked for is dropped and logged; the asked id is then unknown (404)', async () => {
    h.emulator.fault = () => ({ body: response(jobXml('jsomeoneelse')) });
    const res = await get('/jobs/media/jasked');
    expect(res.status).toBe(404);
    expect(res.json.Error.Code).toBe('NoSuchJob');
    expect(res.body).not.toContain('jsomeoneelse');
    expect(events('ci-unasked-jobs-dropped')).toEqual([expect.objectContaining({ count: 1, family: 'media' })]);
  });

  test('asked ids that CI neither returned nor listed are reported in NonExistJobIds, in asked order', async () => {
    h.emulator.fault = () => ({ body: response(`${jobXml('jtwo')}${jobXml('jtwo')}<NonExistJobIds>jstranger</NonExistJobIds>`) });
    const res = await get('/jobs/media/jone,jtwo,jthree');
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual(['jtwo']); // the repeat is dropped too
    expect(res.json.NonExistJobIds).toEqual(['jone', 'jthree']);
  });

  test('batch: <NonExistJobId> (singular, as the Go SDK models it) counts like NonExistJobIds', async () => {
    h.emulator.fault = (req) => ({ body: response(`<RequestId>abc</RequestId><NonExistJobId>${idsOf(req.path)[0]}</NonExistJobId>`) });
    const res = await get('/jobs/batch/bone,btwo');
    expect(res.status).toBe(200);
    expect(res.json.NonExistJobIds).toEqual(['bone', 'btwo']);
    expect(res.json).not.toHaveProperty('NonExistJobId');
    expect(events('ci-unasked-jobs-dropped')).toHaveLength(0);
    const single = await get('/jobs/batch/bone');
    expect(single.status).toBe(404);
    expect(single.json.Error.Code).toBe('NoSuchJob');
  });
});

describe('x-ci-request-id on success', () => {
  const bad: [string, string][] = [
    ['12,000 characters', 'A'.repeat(12_000)],
    ['quotes', 'abc"def'],
    ['bytes above 0x7F', 'r\u00e9q\u00ffid'],
  ];
  test.each(bad)('%s: not passed on, not logged', async (_name, value) => {
    h.emulator.fault = (req) => ({ body: response(jobXml(idsOf(req.path)[0] as string)), headers: { 'x-ci-request-id': value } });
    const res = await get('/jobs/media/jfine');
    expect(res.status).toBe(200);
    expect(res.headers['x-ci-request-id']).toBeUndefined();
    expect(res.json.RequestId).toBeNull();
    expect(logged.join('\n')).not.toContain(value);
  });

  test('a well-formed one still is', async () => {
    h.emulator.fault = (req) => ({ body: response(jobXml(idsOf(req.path)[0] as string)), headers: { 'x-ci-request-id': 'NjVmZmE4MTVf' } });
    const res = await get('/jobs/media/jfine');
    expect(res.headers['x-ci-request-id']).toBe('NjVmZmE4MTVf');
  });
});

describe('an upstream echoing our credentials', () => {
  const signatureOf = (req: { headers: Record<string, string | string[] | undefined> }) => {
    const signature = /q-signature=([0-9a-f]+)/.exec(String(req.headers.authorization))?.[1] as string;
    echoedSignatures.push(signature);
    return signature;
  };

  test('token in Code, signature in TraceId and headers: reported without them', async () => {
    h.emulator.fault = (req) => {
      const signature = signatureOf(req);
      return {
        status: 403,
        body: `<Error><Code>${TEST_KEYS.sessionToken}</Code><Message>${req.headers.authorization}</Message><RequestId>${signature}</RequestId><TraceId>${signature}</TraceId></Error>`,
        headers: { 'x-ci-request-id': TEST_KEYS.sessionToken, 'x-ci-trace-id': signature },
      };
    };
    const res = await get('/jobs/media/jfine');
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamAccessDenied');
    expect(res.json.Error.Upstream).toEqual({ Status: 403 });
    expect(events('ci-echoed-credentials')).toHaveLength(1);
  });

  test('token and signature inside a 200 job body are redacted', async () => {
    h.emulator.fault = (req) => {
      const signature = signatureOf(req);
      const job = jobXml(idsOf(req.path)[0] as string).replace(
        '<UserData>u</UserData>',
        `<UserData>${TEST_KEYS.sessionToken} ${signature}</UserData>`,
      );
      return { body: response(job), headers: { 'x-ci-request-id': signature } };
    };
    const res = await get('/jobs/media/jfine');
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail[0].Operation.UserData).toBe('[redacted] [redacted]');
    expect(res.headers['x-ci-request-id']).toBeUndefined();
  });
});
