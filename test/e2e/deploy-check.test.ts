/**
 * `npm run deploy:check`: the shipped serverless*.yml files are valid for SCF without any network or
 * env, the runtime matches the bundle's esbuild target, and each rule names what is wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SHIPPED_CONFIGS, main } from '../../scripts/deploy/cli';
import { BUILD_NODE_MAJOR, checkEnvironment, runtimeNodeMajor } from '../../scripts/deploy/scf-rules';
import { loadSettings } from '../../scripts/deploy/settings';

const ROOT = join(__dirname, '..', '..');
let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'deploy-check-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Checks a variant of a shipped file, edited by `edit`. */
function checkVariant(shipped: string, edit: (text: string) => string, env: Record<string, string> = {}) {
  const file = join(work, shipped);
  const text = readFileSync(join(ROOT, shipped), 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text); // the edit must have applied, or the test checks nothing
  writeFileSync(file, edited);
  return loadSettings(file, env, 'check');
}

test('a fresh clone checks green: every shipped config, no env set, example values announced', async () => {
  const lines: string[] = [];
  const code = await main(['--check'], {}, (l) => lines.push(l), ROOT);
  expect(lines.filter((l) => l.includes('error'))).toEqual([]);
  expect(code).toBe(0);
  for (const f of SHIPPED_CONFIGS) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${f.replace('.', '\\.')}: ok `)));
  expect(lines).toContainEqual(expect.stringContaining('warning: ${env:CI_BUCKET} is not set: checked with an example value'));
});

test('the built CLI (npm run deploy:check) exits 0 in an empty environment', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist', 'deploy', 'cli.js'), '--check'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  });
  expect(out).toContain('serverless.yml: ok (event function ci-job-status, Nodejs20.19, Function URL)');
  expect(out).toContain('serverless.web.yml: ok (web function ci-job-status-web, Nodejs20.19, Function URL)');
});

test('every shipped runtime is the Node major esbuild targets', () => {
  const build = readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8');
  const target = /const node = \{[^}]*target: 'node(\d+)'/.exec(build);
  expect(Number(target?.[1])).toBe(BUILD_NODE_MAJOR);
  for (const f of SHIPPED_CONFIGS) {
    const runtime = (parse(readFileSync(join(ROOT, f), 'utf8')) as { inputs: { runtime: string } }).inputs.runtime;
    expect([f, runtimeNodeMajor(runtime)]).toEqual([f, BUILD_NODE_MAJOR]);
  }
});

test('the shipped env values obey SCF rules: none empty, names allowed, under 4 KB', () => {
  for (const f of SHIPPED_CONFIGS) {
    const r = loadSettings(join(ROOT, f), {}, 'check');
    expect([f, r.errors]).toEqual([f, []]);
    expect(Object.values(r.settings!.environment).every((v) => v !== '')).toBe(true);
  }
});

test('API Gateway: a credentialed path without an OPTIONS route, or with an undeclared path parameter, is an error', () => {
  const noPreflight = checkVariant('serverless.apigw.yml', (t) =>
    t.replace(
      / {12}- path: \/jobs\/\{type\}\/\{jobIds\}\n {14}method: OPTIONS[\s\S]*?(?= {12}- path: \/jobs\/query\n {14}method: POST)/,
      '',
    ),
  );
  expect(noPreflight.errors).toEqual([expect.stringContaining("/jobs/{type}/{jobIds} has no OPTIONS route; a browser's preflight")]);

  const undeclared = checkVariant('serverless.apigw.yml', (t) =>
    t.replace("                - { name: jobIds, position: PATH, required: true, type: string, desc: 'job ids, comma-separated' }\n", ''),
  );
  expect(undeclared.errors).toEqual([expect.stringContaining('GET /jobs/{type}/{jobIds}: declare the path parameter jobIds')]);

  const notIntegrated = checkVariant('serverless.apigw.yml', (t) =>
    t.replace(
      'isIntegratedResponse: true, functionQualifier: $DEFAULT }\n            - path: /jobs/query',
      'isIntegratedResponse: false }\n            - path: /jobs/query',
    ),
  );
  expect(notIntegrated.errors).toEqual([expect.stringContaining('function.isIntegratedResponse must be true')]);
});

test('Function URL settings: no address enabled, a bad auth type, platform CORS', () => {
  const closed = checkVariant('serverless.yml', (t) => t.replace('enableExtranet: true', 'enableExtranet: false'));
  expect(closed.errors).toEqual([expect.stringContaining('netConfig: enable the public (enableExtranet) or VPC (enableIntranet) address')]);
  const auth = checkVariant('serverless.yml', (t) => t.replace('authType: NONE', 'authType: OPEN'));
  expect(auth.errors).toEqual([expect.stringContaining('authType must be NONE or CAM')]);
  const cors = checkVariant('serverless.yml', (t) =>
    t.replace('          authType: NONE\n', "          authType: NONE\n          corsConfig: { origins: 'https://app.example.com' }\n"),
  );
  expect(cors.errors).toEqual([]);
  expect(cors.warnings).toContainEqual(expect.stringContaining('platform CORS on top can send a second Access-Control-Allow-Origin'));
  expect(cors.settings!.functionUrl!.corsConfig).toEqual({ origins: 'https://app.example.com' });
});

test('function settings SCF or the function would refuse are errors', () => {
  const r = checkVariant('serverless.yml', (t) =>
    t
      .replace('name: ci-job-status\n  namespace', 'name: 9bad-name\n  namespace')
      .replace('timeout: 10', 'timeout: 901')
      .replace('AUTH_MODE: apikey', 'AUTH_MODE: password')
      .replace('  events:', '  instanceConcurrencyConfig: { maxConcurrency: 5 }\n  events:'),
  );
  expect(r.errors).toEqual([
    expect.stringContaining('inputs.name "9bad-name"'),
    expect.stringContaining('timeout 901 must be a whole number of seconds from 1 to 900'),
    expect.stringContaining('the function would answer 500 ServerMisconfigured: AUTH_MODE'),
    expect.stringContaining('Web functions (type: web) only'),
  ]);

  const web = checkVariant('serverless.web.yml', (t) => t.replace('maxConcurrency: 20', 'maxConcurrency: 101'));
  expect(web.errors).toEqual([expect.stringContaining('maxConcurrency 101 must be a whole number from 1 to 100')]);

  const vars = checkVariant('serverless.yml', (t) =>
    t
      .replace('  name: ci-job-status\n', '  name: ${name}-${stage}\n')
      .replace('AUTH_MODE: apikey', 'AUTH_MODE: apikey\n      JWT_SECRET: s3cret-${stage}'),
  );
  expect(vars.errors).toContainEqual(expect.stringContaining('inputs.name: only ${env:NAME} variables are supported, found ${name}'));
  expect(vars.errors).toContainEqual('inputs.environment.variables.JWT_SECRET: only ${env:NAME} variables are supported, found ${stage}');
  expect(vars.errors.join('\n')).not.toContain('s3cret'); // a value is never quoted

  const vpc = checkVariant('serverless.yml', (t) =>
    t.replace('  # vpcConfig:\n  #   vpcId: ${env:VPC_ID}', '  vpcConfig:\n    vpcId: my-vpc\n  #'),
  );
  expect(vpc.errors).toEqual([
    expect.stringContaining('vpcConfig.vpcId "my-vpc" is not a VPC id'),
    expect.stringContaining('subnetId undefined is not a subnet id'),
  ]);
});

test('SCF env rules: names, reserved prefixes, empty values, control characters, 4 KB in all', () => {
  expect(
    checkEnvironment({
      CI_BUCKET: 'b-1250000000',
      ALLOWED_ORIGINS: 'https://a.example.com,https://b.example.com',
      UPSTREAM_TIMEOUT_MS: '5000',
    }),
  ).toEqual([]);
  expect(checkEnvironment({ '1ABC': 'x' })).toEqual([expect.stringContaining('name "1ABC"')]);
  expect(checkEnvironment({ 'BAD-NAME': 'x' })).toEqual([expect.stringContaining('name "BAD-NAME"')]);
  expect(checkEnvironment({ SCF_RUNTIME: 'x', QCLOUD_APPID: 'y' })).toEqual([
    expect.stringContaining('SCF_ prefix is reserved'),
    expect.stringContaining('QCLOUD_ prefix is reserved'),
  ]);
  expect(checkEnvironment({ ALLOWED_BUCKETS: '' })).toEqual([
    expect.stringContaining('ALLOWED_BUCKETS is empty: SCF rejects empty values'),
  ]);
  expect(checkEnvironment({ JWT_SECRET: 'line1\nline2' })).toEqual([expect.stringContaining('control character')]);
  // 3 bytes of name + value: 4096 is the limit itself, one more is over.
  expect(checkEnvironment({ BIG: 'x'.repeat(4094) })).toEqual([expect.stringContaining('take 4097 bytes; SCF allows 4096 per function')]);
  expect(checkEnvironment({ BIG: 'x'.repeat(4093) })).toEqual([]);
});

test('deploy mode names each unset variable once, with where it is used', () => {
  const r = loadSettings(
    join(ROOT, 'serverless.yml'),
    { CI_BUCKET: 'examplebucket-1250000000', ALLOWED_ORIGINS: 'https://a.example.com', API_KEY_SHA256: 'a'.repeat(64) },
    'deploy',
  );
  expect(r.errors).toEqual([
    'CI_REGION is not set in this shell (used by inputs.region, inputs.environment.variables.CI_REGION): export it first',
  ]);
});

/** Runs `fn` with `vars` added to process.env (the function reads it per call), then restores it. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('with the shipped settings, a browser on an allowed origin gets its credentialed preflights answered on every route it calls', async () => {
  const { main_handler } = await import('../../functions/job-status/index');
  const { apiGatewayEvent, functionUrlEvent } = await import('../helpers/events');
  const origin = 'https://app.example.com';
  const quiet = jest.spyOn(console, 'log').mockImplementation(() => {}); // the function's request log
  try {
    for (const file of ['serverless.yml', 'serverless.apigw.yml']) {
      const environment = loadSettings(join(ROOT, file), { ALLOWED_ORIGINS: origin }, 'check').settings!.environment;
      for (const [path, method] of [
        ['/jobs/media/j1,j2', 'GET'],
        ['/jobs/query', 'POST'],
      ] as const) {
        const input = {
          method: 'OPTIONS',
          path,
          headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'x-api-key' },
        };
        const res = await withEnv(environment, () =>
          main_handler(file === 'serverless.yml' ? functionUrlEvent(input) : apiGatewayEvent(input)),
        );
        expect([file, path, res.statusCode]).toEqual([file, path, 204]);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(String(res.headers['access-control-allow-headers'])).toContain('x-api-key');
        expect(String(res.headers['access-control-allow-methods'])).toContain(method);
      }
    }
  } finally {
    quiet.mockRestore();
  }
});

test("a Web function's FUNCTION_TIMEOUT_S must equal its timeout: it has no other way to know it", () => {
  const r = checkVariant('serverless.web.yml', (t) => t.replace('  timeout: 60', '  timeout: 30'));
  expect(r.errors).toEqual([expect.stringContaining("FUNCTION_TIMEOUT_S must be '30', the function's timeout")]);
});
