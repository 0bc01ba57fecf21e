/**
 * The request pipeline: request id → config → CORS preflight → route → auth → handler, with one
 * error envelope, security headers and one log line for every answer. Platform-neutral: the SCF
 * adapter feeds it, and so do the local server and the tests.
 */
import { randomUUID } from 'node:crypto';
import { authenticate } from './auth/authenticate';
import { type Config, readConfig, readCredentials } from './config/env';
import { AttemptBudget } from './ci/upstream-budget';
import { createDeadline, deadlineBudgetMs, invocationEndsAt } from './deadline';
import { knownApiError } from './handlers/ci-errors';
import { corsHeaders, isOriginAllowed, preflightHeaders } from './http/cors';
import { ApiError, methodNotAllowed, notFound } from './http/errors';
import { errorResponse } from './http/response';
import { type RouteMatch, matchRoute } from './http/router';
import type { HttpRequest, HttpResponse } from './http/types';
import { logRequest } from './log';
import { ROUTES, type RouteDefinition } from './routes';
import type { ScfContext } from './scf/event';
import { type RequestTrace, newTrace } from './trace';

export interface Invocation {
  context?: ScfContext;
  invokedAt?: number; // when SCF handed us the event; defaults to now
  /** The platform can send a body in chunks (web mode); an event function cannot. */
  canStream?: boolean;
  /** Fires when the caller goes away (web mode), so a stream stops waiting for it. */
  signal?: AbortSignal;
}

const CALLER_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/;

// JSON never needs to run, frame or load anything; say so to browsers that might be tricked into it.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export async function handle(req: HttpRequest, invocation: Invocation = {}): Promise<HttpResponse> {
  const started = invocation.invokedAt ?? Date.now();
  const callerId = req.headers['x-request-id'];
  const requestId = callerId && CALLER_REQUEST_ID.test(callerId) ? callerId : randomUUID();
  const trace = newTrace();
  // One budget of CI attempts for everything this request does upstream (ci/upstream-budget.ts);
  // it counts the attempts it allows, so the log line reads them from it.
  const attempts = new AttemptBudget();
  let config: Config | undefined;
  let res: HttpResponse;
  let route = 'unknown';
  let errorCode: string | undefined;
  try {
    config = readConfig();
    if (req.method === 'OPTIONS') {
      route = 'preflight';
      res = preflight(req, config);
    } else {
      const match = matchRoute(ROUTES, req.method, req.path);
      route = match.route?.name ?? 'unknown';
      res = await dispatch(req, config, match, invocation, started, trace, attempts, requestId);
    }
  } catch (err) {
    const apiError = toApiError(err);
    errorCode = apiError.code;
    res = errorResponse(apiError, requestId);
  }

  // Built in place, in the order the spread used to give: CORS, the handler's own, security, id.
  const headers = config ? corsHeaders(config.origins, req.headers.origin) : {};
  Object.assign(headers, res.headers, SECURITY_HEADERS);
  headers['x-request-id'] = requestId;
  res.headers = headers;
  if (req.method === 'HEAD') res.body = '';

  // Drift only counts when the answer carries it (a later error answer does not).
  const drift = res.status < 400 ? trace.drift : undefined;
  const upstream = attempts.made > 0;
  // Absent fields are undefined: the log line leaves them out (log.ts).
  logRequest({
    level: res.status >= 500 ? 'error' : res.status >= 400 || drift ? 'warn' : 'info',
    requestId,
    scfRequestId: invocation.context?.request_id || undefined,
    route,
    method: req.method,
    status: res.status,
    outcome: errorCode ?? (res.status < 400 ? 'ok' : 'error'),
    type: trace.type || undefined,
    ids: trace.type ? trace.ids : undefined,
    upstreamStatus: upstream ? trace.upstreamStatus : undefined,
    attempts: upstream ? attempts.made : undefined,
    ciRequestIds: trace.ciRequestIds.length ? trace.ciRequestIds : undefined,
    schemaErrors: drift?.total,
    driftTags: drift?.tags,
    driftPaths: drift?.paths,
    durationMs: Date.now() - started,
  });
  return res;
}

async function dispatch(
  req: HttpRequest,
  config: Config,
  { route, params, allow }: RouteMatch<RouteDefinition>,
  invocation: Invocation,
  started: number,
  trace: RequestTrace,
  attempts: AttemptBudget,
  requestId: string,
): Promise<HttpResponse> {
  if (!route) throw allow.length ? methodNotAllowed([...allow]) : notFound('NoSuchRoute', 'No such route');
  // AUTH_MODE=none has nothing to check: no await (and no microtask) for it.
  if (!route.public && config.auth.mode !== 'none') await authenticate(req, config.auth);
  const budgetMs = deadlineBudgetMs(config.upstreamTimeoutMs, invocation.context, started);
  const deadline = createDeadline(budgetMs);
  try {
    return await route.handler({
      req,
      params,
      config,
      credentials: readCredentials(),
      deadline,
      budgetMs,
      endsAt: invocationEndsAt(invocation.context, started),
      trace,
      attempts,
      requestId,
      scf: invocation.context,
      canStream: invocation.canStream === true,
      signal: invocation.signal,
    });
  } finally {
    deadline.dispose();
  }
}

function preflight(req: HttpRequest, config: Config): HttpResponse {
  const origin = req.headers.origin;
  // A plain OPTIONS (no Origin) is not a CORS question: answer what the API supports.
  if (!origin) return { status: 204, headers: { allow: 'GET, POST, OPTIONS' }, body: '' };
  if (!isOriginAllowed(config.origins, origin)) throw new ApiError(403, 'OriginNotAllowed', 'This origin is not in ALLOWED_ORIGINS');
  return { status: 204, headers: { ...preflightHeaders(config.origins, origin), 'cache-control': 'no-store' }, body: '' };
}

function toApiError(err: unknown): ApiError {
  const known = knownApiError(err);
  if (known) return known;
  // Unknown failures are reported by name only: their text may hold anything.
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled', error: err instanceof Error ? err.name : typeof err }));
  return new ApiError(500, 'InternalError', 'The function failed unexpectedly');
}
