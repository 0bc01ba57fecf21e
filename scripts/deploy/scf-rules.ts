/**
 * SCF's published limits, in one place, so `deploy:check` and `npm run deploy` refuse a config
 * before any call that SCF would refuse after it. Sources are named next to each rule.
 */

/**
 * Node.js runtime names SCF lists today (SCF "Node.js" notes; CloudBase, which runs on SCF, lists
 * 20.19, 18.15, 16.13). The SDK's CreateFunction doc string is older and stops at Nodejs18.15.
 * `Nodejs20.15` (the name this project used to ship) is not among them.
 */
export const NODE_RUNTIMES = ['Nodejs20.19', 'Nodejs18.15', 'Nodejs16.13', 'Nodejs14.18', 'Nodejs12.16'] as const;

/** The Node major the bundle is built for (esbuild `target: 'node20'` in scripts/build.mjs). */
export const BUILD_NODE_MAJOR = 20;

export function runtimeNodeMajor(runtime: string): number | undefined {
  const m = /^Nodejs(\d+)\.\d+$/.exec(runtime);
  return m ? Number(m[1]) : undefined;
}

export function checkRuntime(runtime: string): string | undefined {
  if (!(NODE_RUNTIMES as readonly string[]).includes(runtime)) {
    return `runtime ${JSON.stringify(runtime)} is not a Node.js runtime SCF lists (${NODE_RUNTIMES.join(', ')})`;
  }
  const major = runtimeNodeMajor(runtime)!;
  if (major < BUILD_NODE_MAJOR) return `runtime ${runtime} is older than the bundle's target node${BUILD_NODE_MAJOR}: use Nodejs20.19`;
  return undefined;
}

/** CreateFunction: letters, digits, '-' and '_', starts with a letter, not ending in '-' or '_', 2-60. */
export const FUNCTION_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** CreateFunction Handler: "file.function", each starting and ending with a letter or digit. */
export const HANDLER_RE = /^[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]?\.[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]$/;
export const REGION_RE = /^[a-z]{2}-[a-z]+(?:-[a-z0-9]+)?$/;

/** MemorySize: 64, or 128-3072 MB in steps of 128 (CreateFunction). */
export const checkMemory = (mb: number) =>
  mb === 64 || (Number.isInteger(mb) && mb >= 128 && mb <= 3072 && mb % 128 === 0)
    ? undefined
    : `memorySize ${mb} is not one SCF accepts (64, or 128 to 3072 in steps of 128)`;

/** Timeout: 1-900 s (CreateFunction). */
export const checkTimeout = (s: number) =>
  Number.isInteger(s) && s >= 1 && s <= 900 ? undefined : `timeout ${s} must be a whole number of seconds from 1 to 900`;

/**
 * Environment variables. Keys: start with a letter, letters/digits/'_' (SCF environment-variable
 * doc; CloudBase doc), at most 64 bytes; SCF_, QCLOUD_ and TENCENTCLOUD_ are reserved for the
 * platform. Values: the API's `Variable.Value` "cannot be empty"; all variables together at most
 * 4 KB (SCF quota page). The console help also says values are 2-64 letters, digits and '_'; that
 * cannot describe the API (every URL, region name or comma list would fail it) and is not checked
 * here: see docs/deploy.md.
 */
export const ENV_KEY_RE = /^[A-Za-z][A-Za-z0-9_]{1,63}$/;
export const RESERVED_ENV_PREFIXES = ['SCF_', 'QCLOUD_', 'TENCENTCLOUD_'] as const;
export const ENV_TOTAL_BYTES = 4096;

export function checkEnvironment(vars: Record<string, string>): string[] {
  const problems: string[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(vars)) {
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (!ENV_KEY_RE.test(key))
      problems.push(`environment variable name ${JSON.stringify(key)}: letters, digits and _, starting with a letter, 2-64 characters`);
    const reserved = RESERVED_ENV_PREFIXES.find((p) => key.toUpperCase().startsWith(p));
    if (reserved) problems.push(`environment variable ${key}: the ${reserved} prefix is reserved by SCF`);
    if (value === '') problems.push(`environment variable ${key} is empty: SCF rejects empty values; comment the line out instead`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(value)) problems.push(`environment variable ${key} holds a control character (a newline?)`);
  }
  if (total > ENV_TOTAL_BYTES) problems.push(`environment variables take ${total} bytes; SCF allows ${ENV_TOTAL_BYTES} per function`);
  return problems;
}

/** InstanceConcurrencyConfig.MaxConcurrency: 1-100 (API model). Web functions only. */
export const checkMaxConcurrency = (n: number) =>
  Number.isInteger(n) && n >= 1 && n <= 100
    ? undefined
    : `instanceConcurrencyConfig.maxConcurrency ${n} must be a whole number from 1 to 100`;

/** Function URL trigger (CreateTrigger Type http): AuthType NONE or CAM. */
export const FUNCTION_URL_AUTH_TYPES = ['NONE', 'CAM'] as const;

/** UpdateFunctionCode takes a base64 ZipFile of at most 20 MB (CreateFunction: 50 MB). */
export const ZIP_FILE_MAX_BYTES = 20 * 1024 * 1024;
