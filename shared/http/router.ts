/**
 * Route matching on the tail of the path, so the same function works behind any deployment
 * prefix (an API Gateway stage such as /release, a base path, or none for a Function URL).
 * Patterns are lists of segments; `:name` captures one segment. Longer patterns are tried first,
 * so `/jobs/media/health` is a lookup of the job `health`, not the health check.
 */
export interface RoutePattern {
  methods: readonly string[];
  pattern: readonly string[];
}

export interface RouteMatch<R> {
  route: R | undefined;
  params: Record<string, string>;
  allow: readonly string[]; // methods the matched path accepts; empty when no route has this path
}

function matchTail(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  // Compared in place at the tail's offset: no copy of the segments per candidate route.
  const offset = segments.length - pattern.length;
  if (offset < 0) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] as string;
    const segment = segments[offset + i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

interface Candidate<R> {
  route: R;
  /** Every route with the same pattern: they share one path, and each says which methods it takes. */
  same: readonly R[];
  allow: readonly string[];
}

// A route table is fixed at start-up: sorted and grouped once, not on every request.
const prepared = new WeakMap<readonly RoutePattern[], Candidate<RoutePattern>[]>();

function candidatesOf<R extends RoutePattern>(routes: readonly R[]): Candidate<R>[] {
  let candidates = prepared.get(routes) as Candidate<R>[] | undefined;
  if (!candidates) {
    const byLength = [...routes].sort((a, b) => b.pattern.length - a.pattern.length);
    candidates = byLength.map((route) => {
      const same = byLength.filter((r) => r.pattern.join('/') === route.pattern.join('/'));
      return { route, same, allow: same.flatMap((r) => r.methods) };
    });
    prepared.set(routes, candidates);
  }
  return candidates;
}

export function matchRoute<R extends RoutePattern>(routes: readonly R[], method: string, rawPath: string): RouteMatch<R> {
  const segments = rawPath.split('/').filter(Boolean);
  for (const candidate of candidatesOf(routes)) {
    const params = matchTail(candidate.route.pattern, segments);
    if (!params) continue;
    // The path is this resource: every route with the same pattern says which methods it takes.
    const route = candidate.same.find((r) => r.methods.includes(method));
    return { route, params, allow: candidate.allow };
  }
  return { route: undefined, params: {}, allow: [] };
}
