/**
 * The OpenAPI document: valid OpenAPI 3.1 by a real validator, built from exactly the schemas the
 * function validates with, served as built, and true of the function's actual answers on every route.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { FAMILIES, FAMILY_NAMES } from '../../shared/ci/families';
import { familyValidator } from '../../shared/schemas/validators';
import { apiGatewayEvent, functionUrlEvent } from '../helpers/events';
import type { Answer } from '../helpers/harness';
import { useQuietHarness } from '../helpers/quiet-harness';
import { MEDIA_RUNNING } from '../helpers/seed-jobs';

type Json = any;
const ROOT = join(__dirname, '..', '..');
const built: Json = JSON.parse(readFileSync(join(ROOT, 'dist', 'openapi.json'), 'utf8'));
const schemas: Record<string, Json> = JSON.parse(readFileSync(join(ROOT, 'generated', 'schemas.json'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'openapi-'));

/** Writes each document to the scratch directory; the tools below read files. */
const toFiles = (kind: string, docs: unknown[]) =>
  docs.map((doc, i) => {
    const file = join(scratch, `${kind}-${i}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  });

type Verdict = { valid: boolean; version: string; errors: unknown; refsResolve: boolean };
/** @seriousme/openapi-schema-validator on each document, in one child process (it is ESM only). */
function validateWithLibrary(docs: unknown[]): Verdict[] {
  const files = toFiles('doc', docs);
  const out = execFileSync(process.execPath, [join(__dirname, '..', 'helpers', 'validate-openapi.mjs'), ...files], { cwd: ROOT });
  return JSON.parse(out.toString());
}

type Lint = { errors: string[]; warnings: string[] };
/**
 * Redocly CLI's lint with its recommended rules, as `npm run lint:openapi` runs it, on each
 * document in one run (its start-up is most of its cost); problems by document and severity.
 */
function redoclyLint(docs: unknown[]): Lint[] {
  const files = toFiles('lint', docs);
  const cli = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  // It exits 1 when it finds errors; the JSON report on stdout is what is judged either way.
  const res = spawnSync(process.execPath, [cli, 'lint', ...files, '--extends', 'recommended', '--format', 'json'], {
    cwd: ROOT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    encoding: 'utf8',
  });
  // One JSON report per file, printed back to back (`}{`); each problem names its file.
  const reports = JSON.parse(`[${res.stdout.replace(/^\}\{$/gm, '},{')}]`) as Array<{
    problems: Array<{ severity: string; ruleId: string; location: Array<{ pointer: string; source: { ref: string } }> }>;
  }>;
  const problems = reports.flatMap((r) => r.problems);
  expect(reports).toHaveLength(files.length);
  return files.map((file) => {
    const own = problems.filter((p) => resolve(ROOT, p.location[0]?.source.ref ?? '') === file);
    const list = (severity: string) => own.filter((p) => p.severity === severity).map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    return { errors: list('error'), warnings: list('warn') };
  });
}

// ajv over the document's components, the way an OpenAPI tool would read them.
const ajv = new Ajv({ strict: false, allowUnionTypes: true });
ajv.addSchema({ $id: 'openapi', components: built.components });
const componentValidator = (pointer: string): ValidateFunction => ajv.getSchema(`openapi${pointer}`) as ValidateFunction;
const inline = new Map<unknown, ValidateFunction>();
const schemaOf = (s: Json): ValidateFunction => {
  if (s.$ref) return componentValidator(s.$ref);
  // Inline schemas refer to components with #/components/…, so each is compiled as its own document.
  if (!inline.has(s)) inline.set(s, ajv.compile({ $id: `inline-${inline.size}`, ...s, components: built.components }));
  return inline.get(s)!;
};

const h = useQuietHarness();

describe('the document', () => {
  // The built document and broken copies of it, each judged by both tools in one run per tool.
  const dangling = structuredClone(built);
  dangling.paths['/health'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
  const untitled = structuredClone(built);
  delete untitled.info.title;
  const insecure = structuredClone(built);
  delete insecure.paths['/health'].get.security;
  delete insecure.paths['/jobs/query'].options.operationId;
  insecure.paths['/jobs/media/{jobIds}'].options.parameters = [];
  let verdicts: Verdict[];
  let lints: Lint[];
  beforeAll(() => {
    verdicts = validateWithLibrary([built, dangling, untitled]);
    lints = redoclyLint([built, insecure]);
  }, 60_000);

  test('is valid OpenAPI 3.1 and every $ref resolves', () => {
    expect(built.openapi).toBe('3.1.0');
    expect(verdicts[0]).toEqual({ valid: true, version: '3.1', errors: null, refsResolve: true });
  });

  test('the validator is not a rubber stamp: a dangling $ref and a missing title are refused', () => {
    expect(verdicts[1]!.valid).toBe(false);
    expect(verdicts[2]!.valid).toBe(false);
  });

  test('Redocly lint with the recommended rules finds no errors, and does find a route without security', () => {
    const clean = lints[0]!;
    expect(clean.errors).toEqual([]);
    // Known warnings: /health and /openapi.json answer no 4xx; the family schemas are used through
    // JSON pointers into them (…/MediaResponse/properties/JobsDetail), which the unused check misses.
    expect(clean.warnings.every((w) => /^(operation-4xx-response|no-unused-components) /.test(w))).toBe(true);
    const found = lints[1]!;
    expect(found.errors.sort()).toEqual([
      'path-parameters-defined #/paths/~1jobs~1media~1{jobIds}/options/parameters',
      'security-defined #/paths/~1health/get',
    ]);
    expect(found.warnings).toContain('operation-operationId #/paths/~1jobs~1query/options/operationId');
  });

  test('has every route, and a JobsDetail schema with a branch per Tag for every family', () => {
    expect(Object.keys(built.paths).sort()).toEqual(
      [
        ...['/health', '/openapi.json', '/jobs/query', '/callbacks/ci'],
        ...FAMILY_NAMES.map((f) => `/jobs/${f}/{jobIds}`),
        ...FAMILY_NAMES.map((f) => `/jobs/${f}/{jobIds}/events`),
      ].sort(),
    );
    for (const family of FAMILY_NAMES) {
      const name = `${family.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}Response`;
      const { list, idField, stateField, variantKey } = FAMILIES[family];
      const item = built.components.schemas[name].properties[list].items;
      // A family without a variant key (workflow, virus, moderation) has one item schema, no branches.
      if (variantKey === null) {
        expect(item.allOf).toBeUndefined();
        expect(item.required).toEqual([idField, stateField]);
        continue;
      }
      const byTag = item.allOf.map((b: Json) => b.if.properties?.[item['x-ci-by']]?.const).filter(Boolean);
      const expected = schemas[`${family}-response`].properties[list].items.allOf.length - 1; // minus the fallback
      expect(byTag).toHaveLength(expected);
      expect(byTag.length).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('its schemas are the ones the function validates with', () => {
  // Undo the one change the build makes (where $refs point) and compare byte for byte.
  const backToGenerated = (value: Json): Json =>
    JSON.parse(JSON.stringify(value).replace(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g, '"ci-defs#/$defs/$1"'));
  const pascal = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

  test.each(Object.keys(schemas).filter((id) => id !== 'ci-defs'))('%s', (id) => {
    expect(backToGenerated(built.components.schemas[pascal(id)])).toEqual(schemas[id]);
  });

  test('every shared definition (ci-defs)', () => {
    const defs = schemas['ci-defs'].$defs;
    expect(Object.keys(defs).length).toBeGreaterThan(50);
    for (const [name, schema] of Object.entries(defs))
      expect([name, backToGenerated(built.components.schemas[name])]).toEqual([name, schema]);
  });

  test('and they judge data the same way as the compiled validators in the bundle', () => {
    const good = {
      JobsDetail: [{ JobId: 'j1', State: 'Running', Tag: 'Transcode', Progress: 30, Operation: { JobLevel: 0 } }],
      NonExistJobIds: [],
    };
    const cases = [
      good,
      { ...good, JobsDetail: [{ ...good.JobsDetail[0], Progress: '30' }] },
      { ...good, JobsDetail: [{ JobId: 'j1', Tag: 'Transcode' }] },
      { ...good, JobsDetail: [{ ...good.JobsDetail[0], Operation: { JobLevel: 'high' } }] },
      { ...good, JobsDetail: [{ ...good.JobsDetail[0], Tag: 'SomethingNew', Operation: { Anything: 1 } }] },
    ];
    const fromDocument = componentValidator('#/components/schemas/MediaResponse');
    const verdicts = cases.map((c) => [fromDocument(c), familyValidator('media')(c)]);
    expect(verdicts).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
  });
});

describe('served by the function', () => {
  test('GET /openapi.json is the built document', async () => {
    const res = await h.call(functionUrlEvent({ method: 'GET', path: '/openapi.json' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual(built);
  });

  test('behind an API Gateway stage, servers names the stage so paths resolve', async () => {
    const res = await h.call(apiGatewayEvent({ method: 'GET', path: '/openapi.json' }, 'release'));
    expect(res.json.servers).toEqual([{ url: '/release' }]);
    expect(res.json.paths).toEqual(built.paths);
  });

  test('POST /openapi.json is 405 with Allow', async () => {
    const res = await h.call(functionUrlEvent({ method: 'POST', path: '/openapi.json', body: '{}' }));
    expect([res.status, res.headers.allow]).toEqual([405, 'GET, HEAD']);
  });
});

describe("the function's answers match what the document declares", () => {
  const checked: string[] = [];

  function expectDeclared(pathTemplate: string, method: string, res: Answer) {
    const operation = built.paths[pathTemplate]?.[method];
    expect(operation).toBeDefined();
    const declared = operation.responses[String(res.status)];
    expect([pathTemplate, method, res.status, declared ? 'declared' : 'missing']).toEqual([pathTemplate, method, res.status, 'declared']);
    const media = declared.content?.['application/json'];
    if (media) {
      const validate = schemaOf(media.schema);
      const ok = validate(res.json);
      expect([pathTemplate, res.status, ok, validate.errors ?? null]).toEqual([pathTemplate, res.status, true, null]);
    } else expect(res.body).toBe('');
    if (res.json?.Error) expect(declared.description).toContain(res.json.Error.Code);
    checked.push(`${method} ${pathTemplate} ${res.status}`);
  }

  const get = (path: string, query?: Record<string, string>, headers?: Record<string, string>) =>
    h.call(functionUrlEvent({ method: 'GET', path, ...(query ? { query } : {}), ...(headers ? { headers } : {}) }));
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    h.call(functionUrlEvent({ method: 'POST', path: '/jobs/query', headers, body }));

  // Over 150 lookups, and a first ajv compile of each family's declared answer (~0.3-4 s each):
  // about 13 s on an idle machine, so it gets a deadline that holds on a busy one.
  test('200 for every fixture job in every family, by GET and by POST', async () => {
    for (const job of h.emulator.jobs.values()) {
      expectDeclared(`/jobs/${job.family}/{jobIds}`, 'get', await get(`/jobs/${job.family}/${job.jobId}`));
      expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: job.family, jobIds: [job.jobId, 'jnotthere'] })));
    }
    expect(checked.length).toBeGreaterThan(80);
    // ajv compiles each family's whole response schema from the document on first use: seconds of
    // CPU each, many more on a machine shared with other suites; one GET and one POST per fixture.
  }, 120_000);

  test('health, the document itself, preflights', async () => {
    expectDeclared('/health', 'get', await get('/health'));
    expectDeclared('/openapi.json', 'get', await get('/openapi.json'));
    const origin = { origin: 'https://app.example.com', 'access-control-request-method': 'GET' };
    expectDeclared('/jobs/query', 'options', await h.call(functionUrlEvent({ method: 'OPTIONS', path: '/jobs/query', headers: origin })));
    const evil = { origin: 'https://evil.example', 'access-control-request-method': 'GET' };
    expectDeclared(
      '/jobs/media/{jobIds}',
      'options',
      await h.call(functionUrlEvent({ method: 'OPTIONS', path: '/jobs/media/j1', headers: evil })),
    );
  });

  test('every declared error the caller can provoke', async () => {
    const running = MEDIA_RUNNING;
    expectDeclared('/jobs/media/{jobIds}', 'get', await get('/jobs/media/bad%20id'));
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`, { wait: '99' }));
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`, { bucket: 'Not_A_Bucket' }));
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`, { bucket: 'otherbucket-1250000000' }));
    expectDeclared('/jobs/media/{jobIds}', 'get', await get('/jobs/media/jnotthere'));
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`, { wait: '1' }));
    expectDeclared('/jobs/media/{jobIds}/events', 'get', await get(`/jobs/media/${running}/events`));
    expectDeclared('/jobs/query', 'post', await post('{not json'));
    expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: 'video', jobIds: ['j1'] })));
    expectDeclared('/jobs/query', 'post', await post('{}', { 'content-type': 'text/plain' }));
    expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: 'media', jobIds: ['x'.repeat(20_000)] })));
  });

  test('the CI callback route: 204, and the errors a caller or CI can provoke', async () => {
    const token = 'openapi-test-callback-token-0123456789';
    h.setEnv({ CALLBACK_TOKEN: token });
    const callback = (body: string, query: Record<string, string> = { token }) =>
      h.call(functionUrlEvent({ method: 'POST', path: '/callbacks/ci', query, headers: { 'content-type': 'application/xml' }, body }));
    const finished = (id: string) =>
      `<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>${id}</JobId><Tag>Transcode</Tag></JobsDetail></Response>`;
    expectDeclared('/callbacks/ci', 'post', await callback(finished(MEDIA_RUNNING)));
    expectDeclared('/callbacks/ci', 'post', await callback(finished(MEDIA_RUNNING), { token: 'wrong' }));
    expectDeclared('/callbacks/ci', 'post', await callback('<Response>'));
    expectDeclared('/callbacks/ci', 'post', await callback(finished('x'.repeat(2_000_000))));
    expectDeclared('/callbacks/ci', 'post', await callback(finished(MEDIA_RUNNING), { token, bucket: 'otherbucket-1250000000' }));
    h.emulator.fault = () => ({ status: 403, code: 'AccessDenied' });
    expectDeclared('/callbacks/ci', 'post', await callback(finished(MEDIA_RUNNING)));
    h.emulator.fault = undefined;
    h.setEnv({ CALLBACK_TOKEN: token, WEBHOOK_URLS: 'http://hooks.example.com/' });
    expectDeclared('/callbacks/ci', 'post', await callback(finished(MEDIA_RUNNING)));
  });

  test('every declared error the platform or CI can cause', async () => {
    const running = MEDIA_RUNNING;
    h.emulator.fault = () => ({ status: 403, code: 'AccessDenied' });
    expectDeclared('/jobs/pic/{jobIds}', 'get', await get('/jobs/pic/c1'));
    h.emulator.fault = () => ({ body: '<Response><JobsDetail>', status: 200 });
    expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: 'ai', jobIds: ['a1'] })));
    h.emulator.fault = () => ({ delayMs: 400 });
    h.setEnv({ UPSTREAM_TIMEOUT_MS: '100' });
    expectDeclared('/jobs/batch/{jobIds}', 'get', await get('/jobs/batch/b1'));
    h.emulator.fault = undefined;
    h.setEnv({ TENCENTCLOUD_SECRETID: undefined });
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`));
    h.setEnv({ SCHEMA_MODE: 'lenient' });
    expectDeclared('/health', 'get', await get('/health'));
    h.setEnv({ AUTH_MODE: 'apikey', API_KEY_SHA256: 'a'.repeat(64) });
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`));
    h.setEnv({});
    h.emulator.fault = () => ({ status: 429, code: 'SlowDown', retryAfter: '30' });
    expectDeclared('/jobs/media/{jobIds}', 'get', await get(`/jobs/media/${running}`));
    h.emulator.fault = () => ({ status: 500, code: 'InternalError' });
    expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: 'pic', jobIds: ['c1'] })));
    h.emulator.fault = () => ({ reset: true });
    expectDeclared('/jobs/query', 'post', await post(JSON.stringify({ type: 'pic', jobIds: ['c1'] })));
    h.emulator.fault = undefined;
  });
});
