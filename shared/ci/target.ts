/**
 * Which CI host a request goes to. This is the SSRF boundary: the host is assembled only from a
 * deploy-time URL template plus a bucket and region that passed strict patterns and the bucket
 * allowlist. Nothing the caller sends (Host, X-Forwarded-*, a URL) is ever used. A refusal is a
 * TargetRefused with its reason; handlers/ci-errors.ts decides the answer (400, 403 or 500).
 */

export const BUCKET_RE = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?-[0-9]{5,12}$/;
// Tencent Cloud region ids: ap-guangzhou, na-siliconvalley, eu-frankfurt, ap-shanghai-fsi, …
export const REGION_RE = /^(?:ap|na|eu|sa|me)-[a-z]{3,20}(?:-fsi|-[0-9]{1,2})?$/;
export const DEFAULT_ENDPOINT = 'https://{bucket}.ci.{region}.myqcloud.com';

export interface TargetPolicy {
  defaultBucket: string | undefined;
  defaultRegion: string | undefined;
  allowedBuckets: ReadonlySet<string>;
  /** Other regions a request may name (ALLOWED_REGIONS); the default region is always allowed. */
  allowedRegions?: ReadonlySet<string>;
  endpoint: string; // template with {bucket} and {region}
}

export interface CiTarget {
  bucket: string;
  region: string;
  origin: string; // scheme://host[:port]
  host: string; // host[:port], exactly what is signed and sent
}

/** Checks the template once at config time so a bad deployment fails loudly, not per host. */
export function checkEndpointTemplate(template: string): string | undefined {
  let url: URL;
  try {
    url = new URL(template.replace('{bucket}', 'bucket-1250000000').replace('{region}', 'ap-guangzhou'));
  } catch {
    return 'CI_ENDPOINT is not a URL template';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'CI_ENDPOINT must be http(s)';
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return 'CI_ENDPOINT must be a bare origin template';
  return undefined;
}

/** Why a bucket or region was refused: the caller's (a pattern, the allowlists) or the deployment's (no region). */
export type TargetRefusal =
  'missing-bucket' | 'invalid-bucket' | 'bucket-not-allowed' | 'missing-region' | 'invalid-region' | 'region-not-allowed';

export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
  constructor(
    readonly reason: TargetRefusal,
    message: string,
  ) {
    super(message);
  }
}

export function resolveTarget(policy: TargetPolicy, requested: { bucket?: string; region?: string }): CiTarget {
  const bucket = requested.bucket ?? policy.defaultBucket;
  if (bucket === undefined) throw new TargetRefused('missing-bucket', 'No bucket given and CI_BUCKET is not configured');
  if (!BUCKET_RE.test(bucket)) throw new TargetRefused('invalid-bucket', 'bucket must look like <name>-<APPID>');
  if (bucket !== policy.defaultBucket && !policy.allowedBuckets.has(bucket))
    throw new TargetRefused('bucket-not-allowed', 'This bucket is not in ALLOWED_BUCKETS');

  const region = requested.region ?? policy.defaultRegion;
  if (region === undefined)
    throw new TargetRefused('missing-region', 'No region given and neither CI_REGION nor TENCENTCLOUD_REGION is set');
  if (!REGION_RE.test(region)) throw new TargetRefused('invalid-region', 'region must be a CI region such as ap-guangzhou');
  if (region !== policy.defaultRegion && !policy.allowedRegions?.has(region))
    throw new TargetRefused('region-not-allowed', 'This region is not CI_REGION and not in ALLOWED_REGIONS');

  return { bucket, region, ...originOf(policy.endpoint, bucket, region) };
}

// Every host is built from the deploy-time template and an allowed bucket and region, so there are
// few: each is parsed once per warm instance, not with a new URL on every request.
const MAX_KNOWN_HOSTS = 64;
const knownHosts = new Map<string, { origin: string; host: string }>();

function originOf(template: string, bucket: string, region: string): { origin: string; host: string } {
  const key = `${template}\n${bucket}\n${region}`;
  let known = knownHosts.get(key);
  if (!known) {
    const url = new URL(template.replace('{bucket}', bucket).replace('{region}', region));
    if (knownHosts.size >= MAX_KNOWN_HOSTS) knownHosts.clear();
    knownHosts.set(key, (known = { origin: url.origin, host: url.host }));
  }
  return known;
}
