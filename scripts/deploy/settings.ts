/**
 * Reads a serverless.yml (Tencent `scf` component format), fills in `${env:NAME}` from the shell and
 * checks every input against SCF's rules and against the function's own config reader, collecting
 * all problems at once. The file stays the one source of truth for `scf deploy` and `npm run deploy`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { readCachePolicy } from '../../shared/config/cache-env';
import { readConfig } from '../../shared/config/env';
import {
  FUNCTION_NAME_RE,
  FUNCTION_URL_AUTH_TYPES,
  HANDLER_RE,
  REGION_RE,
  checkEnvironment,
  checkMaxConcurrency,
  checkMemory,
  checkRuntime,
  checkTimeout,
} from './scf-rules';

export type Mode = 'check' | 'deploy';
type Env = Record<string, string | undefined>;

export interface FunctionUrlSettings {
  triggerName: string;
  qualifier: string;
  authType: (typeof FUNCTION_URL_AUTH_TYPES)[number];
  enableIntranet: boolean;
  enableExtranet: boolean;
  /** Platform CORS, passed through when set (we warn: the function answers CORS itself). */
  corsConfig?: Record<string, unknown>;
}

export interface FunctionSettings {
  file: string;
  functionName: string;
  namespace: string;
  region: string;
  type: 'event' | 'web';
  srcDir: string;
  handler?: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  role?: string;
  description?: string;
  environment: Record<string, string>;
  vpc?: { vpcId: string; subnetId: string };
  instanceConcurrency?: { dynamicEnabled: boolean; maxConcurrency: number };
  functionUrl?: FunctionUrlSettings;
  /** Set when the HTTP entry is an API Gateway trigger: `scf deploy` only. */
  apigw: boolean;
}

export interface LoadResult {
  settings?: FunctionSettings;
  errors: string[];
  warnings: string[];
}

/**
 * Stand-ins for unset `${env:X}` in check mode, shaped so the function's config reader accepts them
 * (a fresh clone has none of these set and must still check green).
 */
const EXAMPLE_VALUES: Record<string, string> = {
  CI_BUCKET: 'examplebucket-1250000000',
  CI_REGION: 'ap-guangzhou',
  ALLOWED_ORIGINS: 'https://app.example.com',
  API_KEY_SHA256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  VPC_ID: 'vpc-example1',
  SUBNET_ID: 'subnet-example1',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
};

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const OTHER_REF = /\$\{(?!env:)[^}]*\}/;

/** Public routes: no credential header, so no CORS preflight to route. */
// Paths no browser calls with a credential header, so no preflight: liveness, the API description,
// and CI's job callbacks (server to server, guarded by CALLBACK_TOKEN).
const PUBLIC_PATHS = new Set(['/health', '/openapi.json', '/callbacks/ci']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadSettings(file: string, env: Env, mode: Mode): LoadResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fail = (message: string): LoadResult => ({ errors: [...errors, message], warnings });

  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!isObject(doc)) return fail(`${file} is not a YAML mapping`);

  const unset = new Map<string, string[]>();
  const rendered = render(
    doc,
    '',
    (name, where) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      unset.set(name, [...(unset.get(name) ?? []), where]);
      return EXAMPLE_VALUES[name] ?? `example-${name.toLowerCase().replace(/_/g, '-')}`;
    },
    errors,
  ) as Record<string, unknown>;
  for (const [name, uses] of unset) {
    if (mode === 'deploy') errors.push(`${name} is not set in this shell (used by ${uses.join(', ')}): export it first`);
    else warnings.push(`\${env:${name}} is not set: checked with an example value (used by ${uses.join(', ')})`);
  }
  // Everything below would only repeat the same problem in other words.
  if (mode === 'deploy' && unset.size > 0) return { errors, warnings };

  if (rendered.component !== 'scf')
    errors.push(`component must be scf (the Tencent SCF component), not ${JSON.stringify(rendered.component)}`);
  const inputs = rendered.inputs;
  if (!isObject(inputs)) return fail('inputs: missing');

  const str = (key: string, fallback?: string): string | undefined => {
    const v = inputs[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') {
      errors.push(`inputs.${key} must be a string`);
      return fallback;
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = inputs[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number') {
      errors.push(`inputs.${key} must be a number`);
      return fallback;
    }
    return v;
  };

  const functionName = str('name') ?? '';
  if (!FUNCTION_NAME_RE.test(functionName))
    errors.push(`inputs.name ${JSON.stringify(functionName)}: 2-60 letters, digits, - and _, starting with a letter`);
  const namespace = str('namespace', 'default')!;
  const region = str('region') ?? '';
  if (!REGION_RE.test(region)) errors.push(`inputs.region ${JSON.stringify(region)} is not a Tencent Cloud region such as ap-guangzhou`);

  const type = str('type', 'event');
  if (type !== 'event' && type !== 'web') errors.push(`inputs.type must be event or web, not ${JSON.stringify(type)}`);

  const srcInput = inputs.src;
  const srcPath =
    typeof srcInput === 'string' ? srcInput : isObject(srcInput) && typeof srcInput.src === 'string' ? srcInput.src : undefined;
  if (!srcPath) errors.push('inputs.src (or inputs.src.src) must name the directory to upload');
  const srcDir = resolve(dirname(file), srcPath ?? '.');

  const handler = str('handler');
  if (type === 'event') {
    if (!handler || !HANDLER_RE.test(handler))
      errors.push(`inputs.handler ${JSON.stringify(handler)} must be file.function, e.g. index.main_handler`);
  }

  const runtime = str('runtime') ?? '';
  const runtimeProblem = checkRuntime(runtime);
  if (runtimeProblem) errors.push(`inputs.${runtimeProblem}`);

  const memorySize = num('memorySize', 128);
  const memoryProblem = checkMemory(memorySize);
  if (memoryProblem) errors.push(`inputs.${memoryProblem}`);
  const timeout = num('timeout', 3);
  const timeoutProblem = checkTimeout(timeout);
  if (timeoutProblem) errors.push(`inputs.${timeoutProblem}`);

  const role = str('role');
  const description = str('description');
  const environment = readEnvironment(inputs.environment, errors);
  errors.push(...checkEnvironment(environment).map((p) => `inputs.environment: ${p}`));
  checkFunctionConfig(environment, region, errors);

  // A Web function gets no invocation context, so it learns its timeout from FUNCTION_TIMEOUT_S
  // (shared/config/web-env.ts): the two must agree, or streams and waits end at the wrong time.
  if (type === 'web' && environment.FUNCTION_TIMEOUT_S !== String(timeout))
    errors.push(
      `inputs.environment: FUNCTION_TIMEOUT_S must be '${timeout}', the function's timeout (a Web function has no other way to know it)`,
    );

  const vpc = readVpc(inputs.vpcConfig, errors);
  const instanceConcurrency = readConcurrency(inputs.instanceConcurrencyConfig, type, errors);

  const events = inputs.events;
  let functionUrl: FunctionUrlSettings | undefined;
  let apigw = false;
  if (!Array.isArray(events) || events.length === 0)
    errors.push('inputs.events: one HTTP entry (http for a Function URL, or apigw) is needed');
  else {
    for (const [i, event] of events.entries()) {
      const kind = isObject(event) ? Object.keys(event) : [];
      if (kind.length !== 1) {
        errors.push(`inputs.events[${i}] must have exactly one trigger type`);
        continue;
      }
      const params = (event as Record<string, unknown>)[kind[0]!];
      const parameters = isObject(params) && isObject(params.parameters) ? params.parameters : undefined;
      if (kind[0] === 'http') {
        if (functionUrl) errors.push(`inputs.events[${i}]: one http event (Function URL) per function`);
        functionUrl = readFunctionUrl(parameters ?? {}, `inputs.events[${i}].http.parameters`, errors, warnings);
      } else if (kind[0] === 'apigw') {
        apigw = true;
        checkApigw(parameters, `inputs.events[${i}].apigw.parameters`, errors);
      } else errors.push(`inputs.events[${i}]: ${kind[0]} is not an HTTP entry; this function needs http or apigw`);
    }
  }
  if (mode === 'deploy' && apigw) {
    errors.push(
      'npm run deploy creates a Function URL (events: - http) and does not manage API Gateway; deploy this file with `scf deploy`',
    );
  }

  if (mode === 'deploy') checkSource(srcDir, type === 'web' ? 'web' : 'event', handler, errors);
  else if (!existsSync(srcDir)) warnings.push(`${srcDir} does not exist yet: \`npm run build\` writes it`);

  if (errors.length > 0) return { errors, warnings };
  return {
    errors,
    warnings,
    settings: {
      file,
      functionName,
      namespace,
      region,
      type: type as 'event' | 'web',
      srcDir,
      ...(type === 'event' && handler ? { handler } : {}),
      runtime,
      memorySize,
      timeout,
      ...(role ? { role } : {}),
      ...(description ? { description } : {}),
      environment,
      ...(vpc ? { vpc } : {}),
      ...(instanceConcurrency ? { instanceConcurrency } : {}),
      ...(functionUrl ? { functionUrl } : {}),
      apigw,
    },
  };
}

/** Replaces `${env:X}` in every string of the document; anything else in `${…}` is refused. */
function render(value: unknown, where: string, lookup: (name: string, where: string) => string, errors: string[]): unknown {
  if (typeof value === 'string') {
    // Quote the reference only, never the whole value: it may hold a secret.
    const other = OTHER_REF.exec(value);
    if (other) errors.push(`${where}: only \${env:NAME} variables are supported, found ${other[0]}`);
    return value.replace(ENV_REF, (_, name: string) => lookup(name, where));
  }
  if (Array.isArray(value)) return value.map((v, i) => render(v, `${where}[${i}]`, lookup, errors));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, where ? `${where}.${k}` : k, lookup, errors)]));
  }
  return value;
}

function readEnvironment(input: unknown, errors: string[]): Record<string, string> {
  if (input === undefined || input === null) return {};
  const vars = isObject(input) ? input.variables : undefined;
  if (vars === undefined || vars === null) return {};
  if (!isObject(vars)) {
    errors.push('inputs.environment.variables must be a mapping of NAME: value');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) {
    // YAML turns 5000 into a number and `true` into a boolean; SCF stores strings, as the component does.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else if (value === null) out[key] = '';
    else errors.push(`inputs.environment.variables.${key} must be a string`);
  }
  return out;
}

/** The function reads these variables on every call; a value it would refuse fails here instead. */
function checkFunctionConfig(environment: Record<string, string>, region: string, errors: string[]) {
  const env = { TENCENTCLOUD_REGION: region, ...environment };
  for (const read of [readConfig, readCachePolicy]) {
    try {
      read(env);
    } catch (e) {
      errors.push(`inputs.environment: the function would answer 500 ServerMisconfigured: ${(e as Error).message}`);
    }
  }
}

function readVpc(input: unknown, errors: string[]) {
  if (input === undefined || input === null) return undefined;
  if (!isObject(input)) {
    errors.push('inputs.vpcConfig must have vpcId and subnetId');
    return undefined;
  }
  const { vpcId, subnetId } = input;
  if (typeof vpcId !== 'string' || !/^vpc-[a-z0-9]+$/.test(vpcId))
    errors.push(`inputs.vpcConfig.vpcId ${JSON.stringify(vpcId)} is not a VPC id (vpc-…)`);
  if (typeof subnetId !== 'string' || !/^subnet-[a-z0-9]+$/.test(subnetId))
    errors.push(`inputs.vpcConfig.subnetId ${JSON.stringify(subnetId)} is not a subnet id (subnet-…)`);
  return typeof vpcId === 'string' && typeof subnetId === 'string' ? { vpcId, subnetId } : undefined;
}

function readConcurrency(input: unknown, type: string | undefined, errors: string[]) {
  if (input === undefined || input === null) return undefined;
  if (type !== 'web') {
    errors.push('inputs.instanceConcurrencyConfig: SCF allows several requests per instance for Web functions (type: web) only');
    return undefined;
  }
  if (!isObject(input)) {
    errors.push('inputs.instanceConcurrencyConfig must have maxConcurrency');
    return undefined;
  }
  const dynamicEnabled = input.dynamicEnabled ?? false;
  const maxConcurrency = input.maxConcurrency;
  if (typeof dynamicEnabled !== 'boolean') errors.push('inputs.instanceConcurrencyConfig.dynamicEnabled must be true or false');
  const problem =
    typeof maxConcurrency === 'number' ? checkMaxConcurrency(maxConcurrency) : 'instanceConcurrencyConfig.maxConcurrency is required';
  if (problem) errors.push(`inputs.${problem}`);
  return { dynamicEnabled: dynamicEnabled === true, maxConcurrency: Number(maxConcurrency) };
}

function readFunctionUrl(p: Record<string, unknown>, where: string, errors: string[], warnings: string[]): FunctionUrlSettings {
  const net = isObject(p.netConfig) ? p.netConfig : {};
  const bool = (v: unknown, key: string) => {
    if (v === undefined) return false; // the component's default
    if (typeof v !== 'boolean') errors.push(`${where}.netConfig.${key} must be true or false`);
    return v === true;
  };
  const enableIntranet = bool(net.enableIntranet, 'enableIntranet');
  const enableExtranet = bool(net.enableExtranet, 'enableExtranet');
  if (!enableIntranet && !enableExtranet)
    errors.push(`${where}.netConfig: enable the public (enableExtranet) or VPC (enableIntranet) address, or the URL answers nobody`);
  const authType = p.authType ?? 'NONE';
  if (!(FUNCTION_URL_AUTH_TYPES as readonly unknown[]).includes(authType))
    errors.push(`${where}.authType must be NONE or CAM, not ${JSON.stringify(authType)}`);
  if (authType === 'CAM')
    warnings.push(`${where}.authType CAM: browsers cannot sign CAM requests; use NONE with AUTH_MODE jwt/apikey for frontends`);
  const qualifier = p.qualifier ?? '$DEFAULT';
  if (typeof qualifier !== 'string' || !/^(\$DEFAULT|\$LATEST|[A-Za-z0-9_-]{1,64})$/.test(qualifier))
    errors.push(`${where}.qualifier must be $DEFAULT, $LATEST, a version or an alias`);
  const triggerName = p.name ?? 'url-trigger';
  if (typeof triggerName !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,99}$/.test(triggerName))
    errors.push(`${where}.name must be a trigger name (letters, digits, - and _)`);
  let corsConfig: Record<string, unknown> | undefined;
  if (p.corsConfig !== undefined) {
    if (!isObject(p.corsConfig)) errors.push(`${where}.corsConfig must be a mapping`);
    else corsConfig = p.corsConfig;
    warnings.push(
      `${where}.corsConfig: the function already answers CORS from ALLOWED_ORIGINS; platform CORS on top can send a second Access-Control-Allow-Origin, which browsers reject. Leave it out unless ALLOWED_ORIGINS is unset`,
    );
  }
  return {
    triggerName: String(triggerName),
    qualifier: String(qualifier),
    authType: authType as FunctionUrlSettings['authType'],
    enableIntranet,
    enableExtranet,
    ...(corsConfig ? { corsConfig } : {}),
  };
}

/**
 * API Gateway: a browser GET or POST with Authorization or x-api-key is preflighted on the same
 * path, so every credentialed path needs an OPTIONS route, and every `{name}` a PATH parameter.
 */
function checkApigw(p: Record<string, unknown> | undefined, where: string, errors: string[]) {
  const endpoints = p?.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    errors.push(`${where}.endpoints: at least one endpoint is needed`);
    return;
  }
  const methodsByPath = new Map<string, Set<string>>();
  for (const [i, ep] of endpoints.entries()) {
    if (!isObject(ep) || typeof ep.path !== 'string' || typeof ep.method !== 'string') {
      errors.push(`${where}.endpoints[${i}] needs path and method`);
      continue;
    }
    const method = ep.method.toUpperCase();
    if (!methodsByPath.has(ep.path)) methodsByPath.set(ep.path, new Set());
    methodsByPath.get(ep.path)!.add(method);
    const fn = isObject(ep.function) ? ep.function : {};
    if (fn.isIntegratedResponse !== true)
      errors.push(
        `${where}.endpoints[${i}] ${method} ${ep.path}: function.isIntegratedResponse must be true (the function returns status, headers and body)`,
      );
    const declared = new Set(
      (Array.isArray(ep.param) ? ep.param : [])
        .filter((q) => isObject(q) && String(q.position).toUpperCase() === 'PATH')
        .map((q) => (q as Record<string, unknown>).name),
    );
    for (const [, name] of ep.path.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.has(name))
        errors.push(
          `${where}.endpoints[${i}] ${method} ${ep.path}: declare the path parameter ${name} (param: - name: ${name}, position: PATH, required: true)`,
        );
    }
  }
  for (const [path, methods] of methodsByPath) {
    if (PUBLIC_PATHS.has(path)) continue;
    if (!methods.has('OPTIONS') && !methods.has('ANY'))
      errors.push(`${where}: ${path} has no OPTIONS route; a browser's preflight for a call with Authorization or x-api-key would fail`);
  }
}

/** Deploy only: what the upload will hold must be there (built) and start the way SCF starts it. */
function checkSource(srcDir: string, type: 'event' | 'web', handler: string | undefined, errors: string[]) {
  if (!existsSync(srcDir) || !statSync(srcDir).isDirectory()) {
    errors.push(`${srcDir} does not exist: run npm run build first`);
    return;
  }
  if (type === 'event') {
    const entry = join(srcDir, `${(handler ?? 'index.main_handler').split('.')[0]}.js`);
    if (!existsSync(entry)) errors.push(`${entry} is missing: the handler ${handler} needs it`);
    return;
  }
  const bootstrap = join(srcDir, 'scf_bootstrap');
  if (!existsSync(bootstrap)) errors.push(`${bootstrap} is missing: a Web function starts from it`);
}
