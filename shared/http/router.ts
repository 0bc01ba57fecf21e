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
  if (segments.length < pattern.length) return undefined;
  const tail = segments.slice(segments.length - pattern.length);
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = tail[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

export function matchRoute<R extends RoutePattern>(routes: readonly R[], method: string, rawPath: string): RouteMatch<R> {
  const segments = rawPath.split('/').filter(Boolean);
  const byLength = [...routes].sort((a, b) => b.pattern.length - a.pattern.length);
  for (const candidate of byLength) {
    const params = matchTail(candidate.pattern, segments);
    if (!params) continue;
    // The path is this resource: every route with the same pattern says which methods it takes.
    const same = byLength.filter((r) => r.pattern.join('/') === candidate.pattern.join('/'));
    const route = same.find((r) => r.methods.includes(method));
    return { route, params, allow: same.flatMap((r) => r.methods) };
  }
  return { route: undefined, params: {}, allow: [] };
}
