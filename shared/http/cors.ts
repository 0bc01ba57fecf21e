/**
 * CORS for browser callers. The policy comes from ALLOWED_ORIGINS: an exact allowlist, or `*`
 * only when configured as such. Headers are computed per request and added to every response,
 * errors included, so a browser can read our error envelope.
 */
export type OriginPolicy = { kind: 'none' } | { kind: 'any' } | { kind: 'list'; origins: ReadonlySet<string> };

// Retry-After is not CORS-safelisted: without it here, a browser client could not see how long a
// 503 UpstreamThrottled asks it to wait. Nor could it read how many schema drifts an answer has.
const EXPOSED = 'x-request-id, x-ci-request-id, retry-after, x-schema-errors';
export const PREFLIGHT_METHODS = 'GET, POST, OPTIONS';
// last-event-id: a fetch-based SSE client resuming a stream sends it, and it is not CORS-safelisted.
export const PREFLIGHT_HEADERS = 'content-type, authorization, x-api-key, x-request-id, last-event-id';

export function parseOriginPolicy(raw: string | undefined): OriginPolicy {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.includes('*')) return { kind: 'any' };
  if (items.length === 0) return { kind: 'none' };
  return { kind: 'list', origins: new Set(items.map((o) => o.replace(/\/+$/, '').toLowerCase())) };
}

export function isOriginAllowed(policy: OriginPolicy, origin: string | undefined): boolean {
  if (!origin) return false;
  if (policy.kind === 'any') return true;
  return policy.kind === 'list' && policy.origins.has(origin.toLowerCase());
}

/** Headers for a simple (non-preflight) response. */
export function corsHeaders(policy: OriginPolicy, origin: string | undefined): Record<string, string> {
  // The answer depends on Origin whenever an allowlist is in force, so caches must key on it.
  const headers: Record<string, string> = policy.kind === 'list' ? { vary: 'Origin' } : {};
  if (!isOriginAllowed(policy, origin)) return headers;
  headers['access-control-allow-origin'] = policy.kind === 'any' ? '*' : (origin as string);
  headers['access-control-expose-headers'] = EXPOSED;
  return headers;
}

export function preflightHeaders(policy: OriginPolicy, origin: string | undefined): Record<string, string> {
  return {
    ...corsHeaders(policy, origin),
    'access-control-allow-methods': PREFLIGHT_METHODS,
    'access-control-allow-headers': PREFLIGHT_HEADERS,
    'access-control-max-age': '600',
  };
}
