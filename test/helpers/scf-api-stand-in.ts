/**
 * A loopback stand-in for the SCF API (scf.tencentcloudapi.com, version 2018-04-16), enough for the
 * deploy tool: functions with Creating/Updating/Active states, code, configuration and triggers.
 * It checks each request the way the real API does before acting on it: the TC3-HMAC-SHA256
 * signature is recomputed with the test key pair, and a change to a function that is not Active
 * is refused. Answers use the API's envelope: `{ Response: { …, RequestId } }` or
 * `{ Response: { Error: { Code, Message }, RequestId } }`.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  action: string;
  region: string;
  params: Record<string, any>;
}

interface StoredFunction {
  config: Record<string, any>;
  status: string;
  pollsLeft: number;
  statusReasons: { ErrorCode: string; ErrorMessage: string }[];
  triggers: Record<string, any>[];
}

export interface StandInOptions {
  secretId: string;
  secretKey: string;
  /** GetFunction answers Creating/Updating this many times before Active. */
  pollsUntilActive?: number;
  /** The next create or update ends in this state (e.g. CreateFailed) instead of Active. */
  failNextWith?: { status: string; reason: string };
}

export interface StandIn {
  endpoint: string;
  calls: Call[];
  rejected: { code: string; message: string }[];
  functions: Map<string, StoredFunction>;
  options: StandInOptions;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** TC3-HMAC-SHA256 as the API documents it, rebuilt from what arrived on the wire. */
function verifySignature(req: IncomingMessage, body: Buffer, o: StandInOptions): void {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  for (const name of ['authorization', 'x-tc-action', 'x-tc-timestamp', 'x-tc-version', 'x-tc-region', 'content-type', 'host']) {
    if (!header(name)) throw new ApiError('MissingParameter', `header ${name} is missing`);
  }
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      header('authorization')!,
    );
  if (!m) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization is not TC3-HMAC-SHA256');
  const [, secretId, date, service, signedHeaders, signature] = m as unknown as string[];
  if (secretId !== o.secretId) throw new ApiError('AuthFailure.SecretIdNotFound', 'unknown SecretId');
  if (service !== 'scf') throw new ApiError('AuthFailure.InvalidAuthorization', `credential scope names service ${service}, not scf`);
  const timestamp = Number(header('x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) {
    throw new ApiError('AuthFailure.InvalidAuthorization', 'credential date does not match X-TC-Timestamp');
  }
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('content-type'))
    throw new ApiError('AuthFailure.InvalidAuthorization', 'host and content-type must be signed');
  const hostname = header('host')!.replace(/:\d+$/, '');
  const canonicalHeaders = names.map((n) => `${n}:${n === 'host' ? hostname : header(n)}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(body)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(`TC3${o.secretKey}`, date), service), 'tc3_request');
  if (createHmac('sha256', key).update(stringToSign).digest('hex') !== signature) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated');
  }
}

export async function startScfStandIn(options: StandInOptions): Promise<StandIn> {
  const calls: Call[] = [];
  const rejected: { code: string; message: string }[] = [];
  const functions = new Map<string, StoredFunction>();
  const key = (p: Record<string, any>) => `${p.Namespace ?? 'default'}/${p.FunctionName}`;

  const settle = (fn: StoredFunction, busy: string) => {
    fn.status = busy;
    fn.pollsLeft = options.pollsUntilActive ?? 1;
  };
  const mustBeActive = (fn: StoredFunction | undefined, p: Record<string, any>) => {
    if (!fn) throw new ApiError('ResourceNotFound.Function', `function ${p.FunctionName} does not exist`);
    if (fn.status !== 'Active')
      throw new ApiError('FailedOperation.UpdateFunctionCode', `function is ${fn.status}; retry when it is Active`);
    return fn;
  };
  const checkEnvironment = (env: any) => {
    for (const v of env?.Variables ?? []) {
      if (!v.Key || v.Value === undefined || v.Value === '')
        throw new ApiError('InvalidParameterValue.Environment', `variable ${v.Key} has an empty value`);
    }
  };

  const actions: Record<string, (p: Record<string, any>) => Record<string, any>> = {
    GetFunction(p) {
      const fn = functions.get(key(p));
      if (!fn) throw new ApiError('ResourceNotFound.Function', `function ${p.FunctionName} does not exist`);
      if (fn.status !== 'Active' && !fn.status.endsWith('Failed')) {
        if (fn.pollsLeft > 0) fn.pollsLeft--;
        else if (options.failNextWith) {
          fn.status = options.failNextWith.status;
          fn.statusReasons = [{ ErrorCode: 'InternalError', ErrorMessage: options.failNextWith.reason }];
          delete options.failNextWith;
        } else fn.status = 'Active';
      }
      return { ...fn.config, Status: fn.status, StatusReasons: fn.statusReasons, Triggers: fn.triggers };
    },
    CreateFunction(p) {
      if (functions.has(key(p))) throw new ApiError('ResourceInUse.Function', 'function already exists');
      if (!p.Code?.ZipFile) throw new ApiError('InvalidParameterValue.Code', 'Code.ZipFile is required');
      checkEnvironment(p.Environment);
      const { Code, CodeSource, ...config } = p;
      const fn: StoredFunction = {
        config: { ...config, Namespace: p.Namespace ?? 'default' },
        status: 'Creating',
        pollsLeft: 0,
        statusReasons: [],
        triggers: [],
      };
      settle(fn, 'Creating');
      functions.set(key(p), fn);
      return {};
    },
    UpdateFunctionCode(p) {
      const fn = mustBeActive(functions.get(key(p)), p);
      if (!p.ZipFile && !p.Code?.ZipFile) throw new ApiError('InvalidParameterValue.Code', 'ZipFile is required');
      if (p.Handler) fn.config.Handler = p.Handler;
      settle(fn, 'Updating');
      return {};
    },
    UpdateFunctionConfiguration(p) {
      const fn = mustBeActive(functions.get(key(p)), p);
      checkEnvironment(p.Environment);
      const { FunctionName, Namespace, ...changes } = p;
      Object.assign(fn.config, changes);
      settle(fn, 'Updating');
      return {};
    },
    ListTriggers(p) {
      const fn = functions.get(key(p));
      if (!fn) throw new ApiError('ResourceNotFound.Function', `function ${p.FunctionName} does not exist`);
      return { TotalCount: fn.triggers.length, Triggers: fn.triggers.map((t) => ({ ...t, Enable: 1 })) };
    },
    CreateTrigger(p) {
      const fn = mustBeActive(functions.get(key(p)), p);
      if (fn.triggers.some((t) => t.TriggerName === p.TriggerName && t.Type === p.Type))
        throw new ApiError('ResourceInUse.Trigger', 'trigger already exists');
      const t = { Type: p.Type, TriggerName: p.TriggerName, Qualifier: p.Qualifier ?? '$LATEST', TriggerDesc: p.TriggerDesc };
      fn.triggers.push(t);
      return { TriggerInfo: t };
    },
    UpdateTrigger(p) {
      const fn = mustBeActive(functions.get(key(p)), p);
      const t = fn.triggers.find((x) => x.TriggerName === p.TriggerName && x.Type === p.Type);
      if (!t) throw new ApiError('ResourceNotFound.Trigger', 'no such trigger');
      Object.assign(t, { Qualifier: p.Qualifier ?? t.Qualifier, TriggerDesc: p.TriggerDesc ?? t.TriggerDesc });
      return {};
    },
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const requestId = randomUUID();
      let response: Record<string, any>;
      try {
        if (req.method !== 'POST' || req.url !== '/') throw new ApiError('UnsupportedOperation', 'POST / only');
        verifySignature(req, body, options);
        if (req.headers['x-tc-version'] !== '2018-04-16') throw new ApiError('InvalidParameter', 'SCF API version is 2018-04-16');
        const action = String(req.headers['x-tc-action']);
        const params = JSON.parse(body.toString('utf8')) as Record<string, any>;
        calls.push({ action, region: String(req.headers['x-tc-region']), params });
        const run = actions[action];
        if (!run) throw new ApiError('InvalidAction', `${action} is not known to the stand-in`);
        response = { ...run(params), RequestId: requestId };
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError('InternalError', (e as Error).message);
        rejected.push({ code: err.code, message: err.message });
        response = { Error: { Code: err.code, Message: err.message }, RequestId: requestId };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Response: response }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://scf.localhost:${port}`,
    calls,
    rejected,
    functions,
    options,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
