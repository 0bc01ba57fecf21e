/**
 * Property-based fuzzing of the built bundle against a healthy emulator: whatever a caller sends,
 * the answer is a documented status with our JSON envelope, caller input never causes a 5xx, and
 * the emulator never sees a request for a host, bucket or path outside the allowlist.
 * 10,000 runs under `npm run test:fuzz` (FUZZ=full), 500 in `npm test`; FUZZ_RUNS sets the count.
 */
import fc from 'fast-check';
import { JOB_ID_RE } from '../../shared/ci/families';
import { REGION_RE } from '../../shared/ci/target';
import { apiGatewayEvent, functionUrlEvent } from '../helpers/events';
import { fuzzRuns } from '../helpers/fuzz-runs';
import { BUCKET, startHarness } from '../helpers/harness';
import { scanForSecrets } from '../helpers/secret-scan';

const RUNS = fuzzRuns('FUZZ_RUNS', { full: 10_000, quick: 500 });
const ALLOWED = [BUCKET, 'otherbucket-1250000001'];
const DOCUMENTED = new Set([200, 204, 400, 401, 403, 404, 405, 413, 415]);
const CI_PATH = /^\/(jobs|pic_jobs|ai_jobs|inventorytriggerjob)\/([^/]+)$/;

let h: Awaited<ReturnType<typeof startHarness>>;
scanForSecrets({ answers: () => h.answers });
beforeAll(async () => {
  h = await startHarness();
  h.setEnv({ ALLOWED_BUCKETS: ALLOWED[1] });
});
afterAll(async () => {
  await h.close();
});

const knownIds = () => [...h.emulator.jobs.values()].map((j) => j.jobId);
const nasty = fc.constantFrom(
  '..',
  '%2e%2e',
  '%2F',
  '/',
  '\\',
  '%00',
  '@evil.com',
  '#',
  '?x=1',
  ' ',
  '%',
  '%E0%A4%A',
  '\u202e',
  '😀',
  'a'.repeat(65),
  '<x>',
  '${x}',
);
const idLike = fc.oneof(
  fc.constantFrom(
    'j9c0a4726f6ac11ec96aaa9b64ab18d00',
    'c93984788066911ed89ed352d4d9d2084',
    'a8d121820f5e411ec926ef19d53ba9c6f',
    'jnothere',
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.string({ maxLength: 20 }),
  nasty,
);
const typeLike = fc.oneof(fc.constantFrom('media', 'pic', 'ai', 'batch'), fc.string({ maxLength: 8 }), nasty);
const bucketLike = fc.oneof(
  fc.constantFrom(...ALLOWED, 'stranger-1250000009', 'evil.com', 'a-1', 'x'.repeat(70)),
  fc.string({ maxLength: 30 }),
  nasty,
);
const regionLike = fc.oneof(
  fc.constantFrom('ap-guangzhou', 'ap-shanghai', 'na-siliconvalley', 'localhost', '127.0.0.1:80', 'evil.com#'),
  fc.string({ maxLength: 20 }),
  nasty,
);
const prefix = fc.constantFrom('', '', '/release', '/prod/v1', '//', '/jobs');

const path = fc.oneof(
  fc
    .tuple(prefix, typeLike, fc.array(idLike, { minLength: 1, maxLength: 14 }))
    .map(([p, t, ids]) => `${p}/jobs/${encodeURIComponent(t)}/${ids.map(encodeURIComponent).join(',')}`),
  fc.tuple(prefix, typeLike, fc.string({ maxLength: 30 })).map(([p, t, raw]) => `${p}/jobs/${t}/${raw}`),
  prefix.map((p) => `${p}/jobs/query`),
  prefix.map((p) => `${p}/health`),
  fc.string({ maxLength: 40 }).map((s) => `/${s}`),
);

const body = fc.oneof(
  fc
    .record(
      {
        type: typeLike,
        jobIds: fc.oneof(fc.array(idLike, { maxLength: 60 }), idLike, fc.constant(null)),
        bucket: bucketLike,
        region: regionLike,
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"type":"media","jobIds":["j1"]}',
    '{"constructor":{"prototype":{"x":1}}}',
    'x'.repeat(20_000),
  ),
);

// Mostly-valid lookups, so a good share of runs goes all the way upstream.
const goodId = fc.oneof(
  fc.constantFrom(
    'j9c0a4726f6ac11ec96aaa9b64ab18d00',
    'c93984788066911ed89ed352d4d9d2084',
    'a8d121820f5e411ec926ef19d53ba9c6f',
    'b3deffea2f84911ec9cb15254008618d9',
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
);
const goodType = fc.constantFrom('media', 'pic', 'ai', 'batch');
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const validGetPath = fc
  .tuple(prefix, goodType, fc.array(goodId, { minLength: 1, maxLength: 12 }))
  .map(([p, t, ids]) => `${p}/jobs/${t}/${ids.join(',')}`);
const validBody = fc
  .record({
    type: goodType,
    jobIds: fc.array(goodId, { minLength: 1, maxLength: 25 }),
    bucket: maybe(fc.constantFrom(...ALLOWED, 'stranger-1250000009')),
    region: maybe(regionLike),
  })
  .map((o) => JSON.stringify(o));

const request = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'GET', 'POST', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'DELETE', 'PATCH'), fc.string({ maxLength: 8 })),
  path: fc.oneof({ arbitrary: path, weight: 3 }, { arbitrary: validGetPath, weight: 2 }),
  query: fc.dictionary(
    fc.oneof(fc.constantFrom('bucket', 'region', 'wait'), fc.string({ maxLength: 8 })),
    fc.oneof(bucketLike, regionLike),
    { maxKeys: 3 },
  ),
  headers: fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        '',
      ),
      origin: fc.constantFrom('https://app.example.com', 'https://evil.example', 'null'),
      'x-request-id': fc.string({ maxLength: 140 }),
      authorization: fc.string({ maxLength: 40 }),
      host: fc.constantFrom('evil.com', 'otherbucket-1250000001.ci.ap-guangzhou.myqcloud.com'),
      'x-forwarded-host': fc.constantFrom('evil.com', '169.254.169.254'),
    },
    { requiredKeys: [] },
  ),
  body: fc.oneof({ arbitrary: body, weight: 3 }, { arbitrary: validBody, weight: 2 }),
  gateway: fc.boolean(),
  base64: fc.boolean(),
});

const valid = fc.record({
  method: fc.constant('GET'),
  path: validGetPath,
  query: fc.record({ bucket: fc.constantFrom(...ALLOWED), region: fc.constantFrom('ap-guangzhou', 'ap-beijing') }, { requiredKeys: [] }),
  headers: fc.constant({}),
  body: fc.constant(''),
  gateway: fc.boolean(),
  base64: fc.constant(false),
});
const validPost = valid.chain((v) =>
  validBody.map((b) => ({ ...v, method: 'POST', path: '/jobs/query', headers: { 'content-type': 'application/json' }, body: b })),
);
const anyRequest = fc.oneof({ arbitrary: request, weight: 6 }, { arbitrary: valid, weight: 2 }, { arbitrary: validPost, weight: 2 });

test(`${RUNS} random requests: documented statuses, no 5xx for caller input, nothing outside the allowlist upstream`, async () => {
  let reachedCi = 0;
  await fc.assert(
    fc.asyncProperty(anyRequest, async (r) => {
      h.emulator.requests.length = 0;
      const input = { method: r.method, path: r.path, query: r.query, headers: r.headers, body: r.body, base64: r.base64 };
      const res = await h.call(r.gateway ? apiGatewayEvent(input) : functionUrlEvent(input));
      expect(DOCUMENTED.has(res.status) || (r.method.toUpperCase() === 'HEAD' && res.status < 500)).toBe(true);
      expect(res.headers['content-type'] ?? 'application/json; charset=utf-8').toBe('application/json; charset=utf-8');
      if (res.status >= 400 && r.method.toUpperCase() !== 'HEAD') expect(res.json.Error.Code).toEqual(expect.any(String));
      for (const seen of h.emulator.requests) {
        reachedCi += 1;
        expect(ALLOWED).toContain(seen.bucket);
        expect(seen.region).toMatch(REGION_RE);
        const m = CI_PATH.exec(seen.path);
        expect(m).not.toBeNull();
        for (const id of m![2]!.split(',')) expect(id).toMatch(JOB_ID_RE);
        expect(seen.headers['x-forwarded-host']).toBeUndefined();
        expect(seen.headers.origin).toBeUndefined();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
    { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
  );
  // The generators must really exercise the upstream path, not only the validators.
  expect(reachedCi).toBeGreaterThan(RUNS / 10);
  process.stdout.write(`fuzz: ${RUNS} runs, ${reachedCi} requests reached the emulator, all inside the allowlist\n`);
  expect(knownIds().length).toBeGreaterThan(0);
}, 600_000);
