/**
 * Configuration, read from the environment on every invocation (SCF may change role keys between
 * invocations of a warm instance). Invalid settings become a 500 `ServerMisconfigured` naming the
 * variable, never its value.
 */
import { parseKeyHashes } from '../auth/api-key';
import type { AuthPolicy } from '../auth/authenticate';
import { type OriginPolicy, parseOriginPolicy } from '../http/cors';
import { serverMisconfigured } from '../http/errors';
import type { SchemaMode } from '../ci/schema-mode';
import { BUCKET_RE, DEFAULT_ENDPOINT, REGION_RE, type TargetPolicy, checkEndpointTemplate } from '../ci/target';
import type { Credentials } from '../signing/credentials';
import { type CachePolicy, readCachePolicy } from './cache-env';
import { type Env, integerFrom } from './read-env';

export interface Config {
  auth: AuthPolicy;
  target: TargetPolicy;
  origins: OriginPolicy;
  schemaMode: SchemaMode;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  cache: CachePolicy;
}

/** Largest request body accepted; the web-mode server stops reading a body past it. */
export const MAX_BODY_BYTES = 16 * 1024;

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const nonEmpty = (raw: string | undefined) => (raw && raw.trim() ? raw.trim() : undefined);

/**
 * Every variable readConfig's parse reads (test/unit/config-memo.test.ts checks the list against
 * what it actually reads). A warm instance reads their values on every request but parses them
 * (URL template, allowlists, origin policy, key hashes) only when one of them changed.
 */
export const CONFIG_VARIABLES = [
  'CI_BUCKET',
  'ALLOWED_BUCKETS',
  'CI_REGION',
  'TENCENTCLOUD_REGION',
  'ALLOWED_REGIONS',
  'CI_ENDPOINT',
  'SCHEMA_MODE',
  'AUTH_MODE',
  'API_KEY_SHA256',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_CLOCK_TOLERANCE_S',
  'ALLOWED_ORIGINS',
  'UPSTREAM_TIMEOUT_MS',
  'CACHE_TERMINAL_TTL_S',
  'CACHE_ACTIVE_TTL_MS',
  'CACHE_MISSING_TTL_MS',
  'CACHE_MAX_ENTRIES',
] as const;

let lastRead: { values: (string | undefined)[]; config: Config } | undefined;

/**
 * The configuration the environment holds now. Parsed again whenever a value changed, so a test
 * or a local tool that edits the environment between requests sees its change at once; an
 * invalid setting is never kept, and fails every request until it is fixed.
 */
export function readConfig(env: Env = process.env): Config {
  if (lastRead && unchangedSince(lastRead.values, env)) return lastRead.config;
  const values = CONFIG_VARIABLES.map((name) => env[name]);
  const config = parseConfig(env);
  lastRead = { values, config };
  return config;
}

/** Compared as read, stopping at the first change: a warm request allocates nothing here. */
function unchangedSince(values: readonly (string | undefined)[], env: Env): boolean {
  for (let i = 0; i < CONFIG_VARIABLES.length; i++) if (env[CONFIG_VARIABLES[i] as string] !== values[i]) return false;
  return true;
}

function parseConfig(env: Env): Config {
  const defaultBucket = nonEmpty(env.CI_BUCKET);
  if (defaultBucket !== undefined && !BUCKET_RE.test(defaultBucket)) throw serverMisconfigured('CI_BUCKET is not a valid Bucket-APPID');
  const allowedBuckets = list(env.ALLOWED_BUCKETS);
  if (allowedBuckets.some((b) => !BUCKET_RE.test(b))) throw serverMisconfigured('ALLOWED_BUCKETS holds an invalid Bucket-APPID');

  const defaultRegion = nonEmpty(env.CI_REGION) ?? nonEmpty(env.TENCENTCLOUD_REGION);
  const allowedRegions = list(env.ALLOWED_REGIONS);
  if (allowedRegions.some((r) => !REGION_RE.test(r))) throw serverMisconfigured('ALLOWED_REGIONS holds an invalid region');

  const endpoint = nonEmpty(env.CI_ENDPOINT) ?? DEFAULT_ENDPOINT;
  const endpointProblem = checkEndpointTemplate(endpoint);
  if (endpointProblem) throw serverMisconfigured(endpointProblem);

  // report by default: a field CI starts sending in another form must not cost callers the answer.
  const schemaMode = nonEmpty(env.SCHEMA_MODE) ?? 'report';
  if (schemaMode !== 'strict' && schemaMode !== 'report') throw serverMisconfigured('SCHEMA_MODE must be strict or report');

  return {
    auth: readAuthPolicy(env),
    target: {
      defaultBucket,
      defaultRegion,
      allowedBuckets: new Set(allowedBuckets),
      allowedRegions: new Set(allowedRegions),
      endpoint,
    },
    origins: parseOriginPolicy(env.ALLOWED_ORIGINS),
    schemaMode,
    upstreamTimeoutMs: integerFrom(env, 'UPSTREAM_TIMEOUT_MS', 5000, 1, 120_000),
    maxBodyBytes: MAX_BODY_BYTES,
    cache: readCachePolicy(env),
  };
}

function readAuthPolicy(env: Env): AuthPolicy {
  // Blank means unset, and the value is case-blind: `JWT` and `jwt` must not differ in effect.
  const mode = nonEmpty(env.AUTH_MODE)?.toLowerCase() ?? 'none';
  if (mode === 'none') return { mode };
  if (mode === 'apikey') {
    const hashes = parseKeyHashes(env.API_KEY_SHA256);
    if (!hashes?.length) throw serverMisconfigured('AUTH_MODE=apikey needs API_KEY_SHA256 (comma-separated hex SHA-256 hashes)');
    return { mode, hashes };
  }
  if (mode === 'jwt') {
    const secret = nonEmpty(env.JWT_SECRET);
    const jwks = nonEmpty(env.JWT_JWKS_URL);
    if (secret !== undefined && Buffer.byteLength(secret) < 32) throw serverMisconfigured('JWT_SECRET must be at least 32 bytes');
    let jwksUrl: URL | undefined;
    if (jwks !== undefined) {
      try {
        jwksUrl = new URL(jwks);
      } catch {
        throw serverMisconfigured('JWT_JWKS_URL is not a URL');
      }
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(jwksUrl.hostname);
      if (jwksUrl.protocol !== 'https:' && !(jwksUrl.protocol === 'http:' && loopback))
        throw serverMisconfigured('JWT_JWKS_URL must be https');
    }
    if (!secret && !jwksUrl) throw serverMisconfigured('AUTH_MODE=jwt needs JWT_SECRET or JWT_JWKS_URL');
    // Without both, any token the key signs for any app or issuer would do (a shared IdP key set).
    const issuer = nonEmpty(env.JWT_ISSUER);
    const audience = nonEmpty(env.JWT_AUDIENCE);
    if (!issuer || !audience) throw serverMisconfigured('AUTH_MODE=jwt needs both JWT_ISSUER and JWT_AUDIENCE');
    return {
      mode,
      jwt: {
        ...(secret ? { secret: new TextEncoder().encode(secret) } : jwksUrl ? { jwksUrl } : {}),
        issuer,
        audience,
        clockToleranceS: integerFrom(env, 'JWT_CLOCK_TOLERANCE_S', 30, 1, 600),
      },
    };
  }
  throw serverMisconfigured('AUTH_MODE must be none, apikey or jwt');
}

/** The execution role's temporary keys, as SCF injects them. Read per call, never cached. */
export function readCredentials(env: Env = process.env): Credentials | undefined {
  const secretId = nonEmpty(env.TENCENTCLOUD_SECRETID);
  const secretKey = nonEmpty(env.TENCENTCLOUD_SECRETKEY);
  if (!secretId || !secretKey) return undefined;
  return { secretId, secretKey, sessionToken: nonEmpty(env.TENCENTCLOUD_SESSIONTOKEN) };
}
