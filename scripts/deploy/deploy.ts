/**
 * Creates or updates one SCF function from checked settings: code, configuration, then its Function
 * URL. Every step waits for the function to be Active again, because SCF refuses changes to a
 * function that is still Creating or Updating. Running it twice updates instead of failing.
 */
import type {
  CreateFunctionRequest,
  GetFunctionResponse,
  InstanceConcurrencyConfig,
  UpdateFunctionConfigurationRequest,
} from 'tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models';
import type { ScfClient } from './scf-client';
import { DeployError } from './scf-client';
import type { FunctionSettings, FunctionUrlSettings } from './settings';
import { ZIP_FILE_MAX_BYTES } from './scf-rules';

export type ScfApi = Pick<
  ScfClient,
  | 'GetFunction'
  | 'CreateFunction'
  | 'UpdateFunctionCode'
  | 'UpdateFunctionConfiguration'
  | 'ListTriggers'
  | 'CreateTrigger'
  | 'UpdateTrigger'
>;

export interface DeployOptions {
  api: ScfApi;
  zip: Uint8Array;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Between two GetFunction polls while the function is not Active. */
  pollIntervalMs?: number;
  /** How many polls before giving up (counted, not timed, so tests need no clock). */
  maxPolls?: number;
}

export interface DeployResult {
  created: boolean;
  trigger: 'created' | 'updated' | 'unchanged' | 'none';
  /** The Function URL's addresses, when SCF returns them in the trigger description. */
  urls: string[];
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function deploy(s: FunctionSettings, o: DeployOptions): Promise<DeployResult> {
  const log = o.log ?? (() => {});
  const ids = { FunctionName: s.functionName, Namespace: s.namespace };
  if (o.zip.byteLength > ZIP_FILE_MAX_BYTES) {
    throw new DeployError(
      `the code zip is ${(o.zip.byteLength / 1048576).toFixed(1)} MB; SCF takes at most 20 MB inline (upload it to COS instead)`,
    );
  }
  const zipFile = Buffer.from(o.zip).toString('base64');
  const waitActive = (step: string) =>
    waitUntilActive(o.api, ids, step, o.sleep ?? realSleep, o.pollIntervalMs ?? 1000, o.maxPolls ?? 180, log);

  const existing = await getFunction(o.api, ids);
  const wantType = s.type === 'web' ? 'HTTP' : 'Event';
  if (!existing) {
    log(`creating ${s.type} function ${s.functionName} in ${s.region}`);
    const req: CreateFunctionRequest = {
      ...ids,
      ...configuration(s),
      Runtime: s.runtime,
      Type: wantType,
      CodeSource: 'ZipFile',
      Code: { ZipFile: zipFile },
      ...(s.handler ? { Handler: s.handler } : {}),
    };
    await o.api.CreateFunction(req);
    await waitActive('create');
  } else {
    if ((existing.Type ?? 'Event') !== wantType) {
      throw new DeployError(
        `${s.functionName} exists as an ${existing.Type} function and SCF cannot change a function's type to ${wantType}: pick another name or delete it`,
      );
    }
    if (existing.Runtime && existing.Runtime !== s.runtime) {
      throw new DeployError(
        `${s.functionName} runs ${existing.Runtime}; SCF cannot change the runtime of a function (${s.runtime} asked): pick another name or delete it`,
      );
    }
    await waitActive('the last change'); // a previous deploy may still be settling
    log(`updating code of ${s.functionName}`);
    await o.api.UpdateFunctionCode({ ...ids, CodeSource: 'ZipFile', ZipFile: zipFile, ...(s.handler ? { Handler: s.handler } : {}) });
    await waitActive('code update');
    log(`updating configuration of ${s.functionName}`);
    await o.api.UpdateFunctionConfiguration({ ...ids, ...configuration(s) });
    await waitActive('configuration update');
  }

  if (!s.functionUrl) return { created: !existing, trigger: 'none', urls: [] };
  const { trigger, urls } = await ensureFunctionUrl(o.api, ids, s.functionUrl, log);
  return { created: !existing, trigger, urls };
}

/** What CreateFunction and UpdateFunctionConfiguration share: everything but code, runtime, type. */
function configuration(s: FunctionSettings): Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> {
  const concurrency: InstanceConcurrencyConfig | undefined = s.instanceConcurrency
    ? { DynamicEnabled: s.instanceConcurrency.dynamicEnabled ? 'TRUE' : 'FALSE', MaxConcurrency: s.instanceConcurrency.maxConcurrency }
    : undefined;
  return {
    MemorySize: s.memorySize,
    Timeout: s.timeout,
    Environment: { Variables: Object.entries(s.environment).map(([Key, Value]) => ({ Key, Value })) },
    ...(s.role ? { Role: s.role } : {}),
    ...(s.description ? { Description: s.description } : {}),
    ...(s.vpc ? { VpcConfig: { VpcId: s.vpc.vpcId, SubnetId: s.vpc.subnetId } } : {}),
    ...(concurrency ? { InstanceConcurrencyConfig: concurrency } : {}),
  };
}

type Ids = { FunctionName: string; Namespace: string };

async function getFunction(api: ScfApi, ids: Ids): Promise<GetFunctionResponse | undefined> {
  try {
    return await api.GetFunction(ids);
  } catch (e) {
    if (String((e as { code?: string }).code ?? '').startsWith('ResourceNotFound')) return undefined;
    throw e;
  }
}

async function waitUntilActive(
  api: ScfApi,
  ids: Ids,
  step: string,
  sleep: (ms: number) => Promise<void>,
  intervalMs: number,
  maxPolls: number,
  log: (line: string) => void,
): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll++) {
    const fn = await api.GetFunction(ids);
    const status = fn.Status ?? 'Unknown';
    if (status === 'Active') return;
    if (/Failed$/.test(status)) {
      const reasons = (fn.StatusReasons ?? []).map((r) => `${r.ErrorCode ?? ''} ${r.ErrorMessage ?? ''}`.trim()).filter(Boolean);
      throw new DeployError(`${ids.FunctionName} is ${status} after ${step}${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
    }
    if (poll === 0) log(`waiting for ${ids.FunctionName} (${status}) after ${step}`);
    await sleep(intervalMs);
  }
  throw new DeployError(
    `${ids.FunctionName} did not become Active after ${step} (${maxPolls} checks, ${(maxPolls * intervalMs) / 1000} s)`,
  );
}

/** The Function URL is a trigger of type http (CreateTrigger docs); its settings go in TriggerDesc. */
function triggerDesc(u: FunctionUrlSettings): Record<string, unknown> {
  return {
    AuthType: u.authType,
    NetConfig: { EnableIntranet: u.enableIntranet, EnableExtranet: u.enableExtranet },
    ...(u.corsConfig ? { CorsConfig: upperCaseKeys(u.corsConfig) } : {}),
  };
}

async function ensureFunctionUrl(api: ScfApi, ids: Ids, u: FunctionUrlSettings, log: (line: string) => void) {
  const desc = triggerDesc(u);
  const listed = await api.ListTriggers({ ...ids, Limit: 100 });
  const current = (listed.Triggers ?? []).find((t) => t.Type === 'http' && t.TriggerName === u.triggerName);
  const request = { ...ids, TriggerName: u.triggerName, Type: 'http', Qualifier: u.qualifier, TriggerDesc: JSON.stringify(desc) };
  if (!current) {
    log(`creating Function URL ${u.triggerName} on ${u.qualifier}`);
    const created = await api.CreateTrigger({ ...request, Enable: 'OPEN' });
    return { trigger: 'created' as const, urls: urlsIn(created.TriggerInfo?.TriggerDesc) };
  }
  if (current.Qualifier === u.qualifier && sameSettings(current.TriggerDesc, desc) && current.Enable !== 0) {
    log(`Function URL ${u.triggerName} is up to date`);
    return { trigger: 'unchanged' as const, urls: urlsIn(current.TriggerDesc) };
  }
  log(`updating Function URL ${u.triggerName}`);
  await api.UpdateTrigger({ ...request, Enable: 'OPEN' });
  return { trigger: 'updated' as const, urls: urlsIn(current.TriggerDesc) };
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** SCF may add read-only fields (the URLs) to the stored description: compare only what we set. */
function sameSettings(stored: string | undefined, wanted: Record<string, unknown>): boolean {
  const have = parseJson(stored);
  if (!have) return false;
  return (
    Object.entries(wanted).every(([k, v]) => JSON.stringify(have[k]) === JSON.stringify(v)) &&
    (wanted.CorsConfig !== undefined || have.CorsConfig === undefined)
  );
}

function urlsIn(desc: string | undefined): string[] {
  const found: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) found.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(parseJson(desc));
  return found;
}

function upperCaseKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]));
}
