/**
 * Route matching on the tail of the path, so the same function works behind any deployment
 * prefix (an API Gateway stage such as /release, a base path, or none for a Function URL).
 */
export type Route =
  | { name: 'health' }
  | { name: 'openapi' }
  | { name: 'jobs-by-path'; type: string; ids: string }
  | { name: 'jobs-query' };

export interface RouteMatch {
  route: Route | undefined;
  allow: string[]; // methods the matched path accepts; empty when no route has this path
}

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const segments = rawPath.split('/').filter(Boolean);
  const n = segments.length;
  const last = segments[n - 1];
  let route: Route | undefined;
  let allow: string[] = [];
  // The job routes first: a job id may be any token, `health` included, and must still be found.
  if (n >= 2 && segments[n - 2] === 'jobs' && last === 'query') {
    route = { name: 'jobs-query' };
    allow = ['POST'];
  } else if (n >= 3 && segments[n - 3] === 'jobs') {
    route = { name: 'jobs-by-path', type: segments[n - 2] as string, ids: last as string };
    allow = ['GET', 'HEAD'];
  } else if (last === 'health') {
    route = { name: 'health' };
    allow = ['GET', 'HEAD'];
  } else if (last === 'openapi.json') {
    route = { name: 'openapi' };
    allow = ['GET', 'HEAD'];
  }
  return { route: route && allow.includes(method) ? route : undefined, allow };
}
