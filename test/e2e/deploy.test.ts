/**
 * `npm run deploy` against a loopback stand-in of the SCF API, through the official SDK: which calls
 * go out with which parameters, that a second run updates instead of failing, that both function
 * modes (event, web) come out right, and that bad settings or missing keys stop before any call.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { main } from '../../scripts/deploy/cli';
import { deploy } from '../../scripts/deploy/deploy';
import { createScfClient } from '../../scripts/deploy/scf-client';
import { loadSettings } from '../../scripts/deploy/settings';
import { zipDirectory } from '../../scripts/deploy/zip';
import { type StandIn, startScfStandIn } from '../helpers/scf-api-stand-in';

const ROOT = join(__dirname, '..', '..');
const KEYS = { secretId: 'AKID_fake_deployer_test_key', secretKey: 'deployer-test-secret-key-000000' };
const HASH = 'a'.repeat(64);
const SHELL = {
  TENCENTCLOUD_SECRET_ID: KEYS.secretId,
  TENCENTCLOUD_SECRET_KEY: KEYS.secretKey,
  CI_REGION: 'ap-guangzhou',
  CI_BUCKET: 'examplebucket-1250000000',
  ALLOWED_ORIGINS: 'https://app.example.com',
  API_KEY_SHA256: HASH,
};

let work: string;
let standIn: StandIn;

/** A project dir holding the shipped config files and a built-looking output for each mode. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
  for (const f of ['serverless.yml', 'serverless.web.yml', 'serverless.apigw.yml']) copyFileSync(join(ROOT, f), join(dir, f));
  mkdirSync(join(dir, 'dist', 'job-status'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'job-status', 'index.js'), 'exports.main_handler = async () => ({ statusCode: 200 });\n');
  writeFileSync(join(dir, 'dist', 'job-status', 'openapi.json'), '{"openapi":"3.1.0"}');
  mkdirSync(join(dir, 'dist', 'job-status-web'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'job-status-web', 'scf_bootstrap'), '#!/bin/bash\n/var/lang/node20/bin/node index.js\n');
  chmodSync(join(dir, 'dist', 'job-status-web', 'scf_bootstrap'), 0o755);
  writeFileSync(join(dir, 'dist', 'job-status-web', 'index.js'), 'require("http").createServer().listen(9000, "0.0.0.0");\n');
  return dir;
}

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const code = await main(argv, { ...SHELL, SCF_API_ENDPOINT: standIn.endpoint, ...env }, (l) => lines.push(l), work);
  return { code, out: lines.join('\n') };
}

const actions = () => standIn.calls.map((c) => c.action);
const call = (action: string) => standIn.calls.find((c) => c.action === action)!;
const envOf = (params: Record<string, any>) =>
  Object.fromEntries(params.Environment.Variables.map((v: { Key: string; Value: string }) => [v.Key, v.Value]));

beforeEach(async () => {
  work = project();
  standIn = await startScfStandIn({ ...KEYS, pollsUntilActive: 0 });
});
afterEach(async () => {
  await standIn.close();
  rmSync(work, { recursive: true, force: true });
});

test('first deploy of serverless.yml creates the event function and its Function URL', async () => {
  const { code, out } = await run([]);
  expect(out).toContain('ci-job-status: created; Function URL created');
  expect(code).toBe(0);
  expect(out).not.toContain(KEYS.secretKey);
  expect(standIn.rejected.filter((r) => r.code !== 'ResourceNotFound.Function')).toEqual([]);
  expect(actions()).toEqual(['GetFunction', 'CreateFunction', 'GetFunction', 'ListTriggers', 'CreateTrigger']);
  expect(new Set(standIn.calls.map((c) => c.region))).toEqual(new Set(['ap-guangzhou']));

  const create = call('CreateFunction').params;
  expect(create).toMatchObject({
    FunctionName: 'ci-job-status',
    Namespace: 'default',
    Type: 'Event',
    Runtime: 'Nodejs20.19',
    Handler: 'index.main_handler',
    MemorySize: 128,
    Timeout: 10,
    Role: 'ci-job-status-role',
    CodeSource: 'ZipFile',
  });
  expect(create.VpcConfig).toBeUndefined();
  expect(create.InstanceConcurrencyConfig).toBeUndefined();
  // Every variable of the file goes through as a string, and nothing empty.
  expect(envOf(create)).toEqual({
    CI_BUCKET: 'examplebucket-1250000000',
    CI_REGION: 'ap-guangzhou',
    ALLOWED_ORIGINS: 'https://app.example.com',
    SCHEMA_MODE: 'report',
    AUTH_MODE: 'apikey',
    API_KEY_SHA256: HASH,
    UPSTREAM_TIMEOUT_MS: '5000',
    CACHE_TERMINAL_TTL_S: '300',
    CACHE_ACTIVE_TTL_MS: '1000',
    CACHE_MAX_ENTRIES: '500',
  });
  const files = unzipSync(Buffer.from(create.Code.ZipFile, 'base64'));
  expect(Object.keys(files).sort()).toEqual(['index.js', 'openapi.json']);
  expect(Buffer.from(files['index.js']!).toString()).toContain('main_handler');

  const trigger = call('CreateTrigger').params;
  expect(trigger).toMatchObject({
    FunctionName: 'ci-job-status',
    Type: 'http',
    TriggerName: 'url-trigger',
    Qualifier: '$DEFAULT',
    Enable: 'OPEN',
  });
  expect(JSON.parse(trigger.TriggerDesc)).toEqual({ AuthType: 'NONE', NetConfig: { EnableIntranet: false, EnableExtranet: true } });
});

test('a second deploy updates code and configuration and leaves an unchanged Function URL alone', async () => {
  expect((await run([])).code).toBe(0);
  standIn.calls.length = 0;
  const { code, out } = await run([], { ALLOWED_ORIGINS: 'https://app.example.com,https://admin.example.com' });
  expect(out).toContain('ci-job-status: updated; Function URL unchanged');
  expect(code).toBe(0);
  expect(actions()).toEqual([
    'GetFunction',
    'GetFunction',
    'UpdateFunctionCode',
    'GetFunction',
    'UpdateFunctionConfiguration',
    'GetFunction',
    'ListTriggers',
  ]);
  expect(call('UpdateFunctionCode').params).toMatchObject({
    FunctionName: 'ci-job-status',
    CodeSource: 'ZipFile',
    Handler: 'index.main_handler',
  });
  const config = call('UpdateFunctionConfiguration').params;
  expect(config).toMatchObject({ FunctionName: 'ci-job-status', MemorySize: 128, Timeout: 10, Role: 'ci-job-status-role' });
  expect(config.Runtime).toBeUndefined(); // SCF cannot change it; not sent
  expect(envOf(config).ALLOWED_ORIGINS).toBe('https://app.example.com,https://admin.example.com');
  expect(standIn.functions.get('default/ci-job-status')!.triggers).toHaveLength(1);
});

test('a changed Function URL setting is updated in place', async () => {
  expect((await run([])).code).toBe(0);
  const yml = join(work, 'serverless.yml');
  const text = readFileSync(yml, 'utf8');
  writeFileSync(yml, text.replace('enableIntranet: false', 'enableIntranet: true'));
  standIn.calls.length = 0;
  const { code, out } = await run([]);
  expect([code, out]).toEqual([0, expect.stringContaining('Function URL updated')]);
  expect(JSON.parse(call('UpdateTrigger').params.TriggerDesc).NetConfig).toEqual({ EnableIntranet: true, EnableExtranet: true });
  expect(actions()).not.toContain('CreateTrigger');
});

test('serverless.web.yml creates a Web function (Type HTTP) with instance concurrency and an executable scf_bootstrap', async () => {
  const { code, out } = await run(['--config', 'serverless.web.yml']);
  expect(out).toContain('ci-job-status-web: created');
  expect(code).toBe(0);
  const create = call('CreateFunction').params;
  expect(create).toMatchObject({
    FunctionName: 'ci-job-status-web',
    Type: 'HTTP',
    Runtime: 'Nodejs20.19',
    MemorySize: 256,
    InstanceConcurrencyConfig: { DynamicEnabled: 'FALSE', MaxConcurrency: 20 },
  });
  expect(create.Handler).toBeUndefined(); // scf_bootstrap starts a Web function
  expect(create.ProtocolType).toBeUndefined(); // WS only; plain HTTP is the default
  const zip = Buffer.from(create.Code.ZipFile, 'base64');
  expect(Object.keys(unzipSync(zip)).sort()).toEqual(['index.js', 'scf_bootstrap']);
  expect(unixModeOf(zip, 'scf_bootstrap') & 0o111).toBe(0o111);
  expect(unixModeOf(zip, 'index.js') & 0o111).toBe(0);
  expect(call('CreateTrigger').params.Type).toBe('http');

  // Redeploying the web function updates its concurrency too.
  writeFileSync(
    join(work, 'serverless.web.yml'),
    readFileSync(join(work, 'serverless.web.yml'), 'utf8').replace('maxConcurrency: 20', 'maxConcurrency: 40'),
  );
  standIn.calls.length = 0;
  expect((await run(['--config', 'serverless.web.yml'])).code).toBe(0);
  expect(call('UpdateFunctionConfiguration').params.InstanceConcurrencyConfig).toEqual({ DynamicEnabled: 'FALSE', MaxConcurrency: 40 });
});

test('scf_bootstrap is executable in the zip even when the build forgot chmod +x; other files keep their mode', () => {
  const dir = join(work, 'dist', 'job-status-web');
  chmodSync(join(dir, 'scf_bootstrap'), 0o644);
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  const zip = Buffer.from(zipDirectory(dir));
  expect(unixModeOf(zip, 'scf_bootstrap') & 0o777).toBe(0o755);
  expect(unixModeOf(zip, 'run.sh') & 0o777).toBe(0o755);
  expect(unixModeOf(zip, 'index.js') & 0o777).toBe(0o644);
  // Same input, same bytes: timestamps are fixed, entries sorted.
  expect(Buffer.from(zipDirectory(dir)).equals(zip)).toBe(true);
});

test('vpcConfig, when set, goes out as VpcConfig', async () => {
  const yml = join(work, 'serverless.yml');
  const text = readFileSync(yml, 'utf8');
  writeFileSync(
    yml,
    text.replace(
      '  # vpcConfig:\n  #   vpcId: ${env:VPC_ID}\n  #   subnetId: ${env:SUBNET_ID}',
      '  vpcConfig:\n    vpcId: ${env:VPC_ID}\n    subnetId: ${env:SUBNET_ID}',
    ),
  );
  const { code } = await run([], { VPC_ID: 'vpc-abc123', SUBNET_ID: 'subnet-def456' });
  expect(code).toBe(0);
  expect(call('CreateFunction').params.VpcConfig).toEqual({ VpcId: 'vpc-abc123', SubnetId: 'subnet-def456' });
});

test('missing deployer keys stop before any request, naming the variables', async () => {
  const { code, out } = await run([], { TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: '' });
  expect(code).toBe(1);
  expect(out).toContain('TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set');
  expect(standIn.calls).toEqual([]);
});

test('bad settings stop before any request, each named', async () => {
  const yml = join(work, 'serverless.yml');
  const text = readFileSync(yml, 'utf8');
  writeFileSync(
    yml,
    text
      .replace('Nodejs20.19', 'Nodejs20.15')
      .replace('memorySize: 128', 'memorySize: 100')
      .replace("UPSTREAM_TIMEOUT_MS: '5000'", "UPSTREAM_TIMEOUT_MS: ''"),
  );
  const { code, out } = await run([], { CI_BUCKET: undefined });
  expect(code).toBe(1);
  expect(out).toContain('CI_BUCKET is not set in this shell');
  expect(standIn.calls).toEqual([]);

  const again = await run([]);
  expect(again.code).toBe(1);
  expect(again.out).toContain('runtime "Nodejs20.15" is not a Node.js runtime SCF lists');
  expect(again.out).toContain('memorySize 100 is not one SCF accepts');
  expect(again.out).toContain('UPSTREAM_TIMEOUT_MS is empty: SCF rejects empty values');
  expect(standIn.calls).toEqual([]);
});

test('the API Gateway variant is refused: npm run deploy manages Function URLs only', async () => {
  const { code, out } = await run(['--config', 'serverless.apigw.yml']);
  expect(code).toBe(1);
  expect(out).toContain('deploy this file with `scf deploy`');
  expect(standIn.calls).toEqual([]);
});

test('an unbuilt output directory is reported, not zipped', async () => {
  rmSync(join(work, 'dist', 'job-status'), { recursive: true });
  const { code, out } = await run([]);
  expect([code, out]).toEqual([1, expect.stringContaining('does not exist: run npm run build first')]);
  expect(standIn.calls).toEqual([]);
});

test('a wrong secret key is refused by the signature check, and the error is quoted without the key', async () => {
  const wrong = 'not-the-deployer-secret-key-0000';
  const { code, out } = await run([], { TENCENTCLOUD_SECRET_KEY: wrong });
  expect(code).toBe(1);
  expect(out).toContain('AuthFailure.SignatureFailure');
  expect(out).not.toContain(wrong);
  expect(standIn.calls).toEqual([]);
});

test('a function that ends in CreateFailed fails the deploy with SCF reason', async () => {
  standIn.options.failNextWith = { status: 'CreateFailed', reason: 'role ci-job-status-role does not exist' };
  const { code, out } = await run([]);
  expect(code).toBe(1);
  expect(out).toContain('ci-job-status is CreateFailed after create: InternalError role ci-job-status-role does not exist');
  expect(actions()).not.toContain('CreateTrigger');
});

test('waits for Active between steps, with polls counted and sleeps injected', async () => {
  await standIn.close();
  standIn = await startScfStandIn({ ...KEYS, pollsUntilActive: 3 });
  const env = { ...SHELL, SCF_API_ENDPOINT: standIn.endpoint };
  const settings = loadSettings(join(work, 'serverless.yml'), env, 'deploy').settings!;
  const api = createScfClient(settings.region, KEYS, standIn.endpoint);
  const sleeps: number[] = [];
  const options = { api, zip: zipDirectory(settings.srcDir), sleep: async (ms: number) => void sleeps.push(ms), pollIntervalMs: 500 };

  await deploy(settings, options);
  expect(sleeps).toEqual([500, 500, 500]); // Creating three times, then Active
  // Each change waited: no call was refused because the function was still busy.
  await deploy(settings, options);
  expect(standIn.rejected.map((r) => r.code)).toEqual(['ResourceNotFound.Function']);

  standIn.options.pollsUntilActive = 1000;
  await expect(deploy(settings, { ...options, maxPolls: 5 })).rejects.toThrow('did not become Active after code update (5 checks, 2.5 s)');
});

test('SCF_API_ENDPOINT may be plain http only on loopback', () => {
  expect(() => createScfClient('ap-guangzhou', KEYS, 'http://scf.example.com')).toThrow('http only for *.localhost');
  expect(() => createScfClient('ap-guangzhou', KEYS, 'ftp://scf.localhost')).toThrow('http(s) URL');
});

/** Unix mode from the central directory entry of `name` (external attributes, high 16 bits). */
function unixModeOf(zip: Buffer, name: string): number {
  for (
    let i = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])), off = zip.readUInt32LE(i + 16), n = zip.readUInt16LE(i + 10);
    n > 0;
    n--
  ) {
    const nameLen = zip.readUInt16LE(off + 28);
    const extraLen = zip.readUInt16LE(off + 30);
    const commentLen = zip.readUInt16LE(off + 32);
    if (zip.toString('utf8', off + 46, off + 46 + nameLen) === name) return zip.readUInt32LE(off + 38) >>> 16;
    off += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${name} not in zip`);
}
