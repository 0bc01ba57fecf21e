/**
 * Every route of the API, in one table: what the app matches (method, path pattern), whether it
 * needs credentials, and the handler. A new route is one entry here and one handler file.
 */
import { postCiCallback } from './handlers/ci-callback';
import type { RouteContext } from './handlers/context';
import { getJobEvents } from './handlers/jobs-events';
import { getHealth } from './handlers/health';
import { getJobsByPath } from './handlers/jobs-by-path';
import { postJobsQuery } from './handlers/jobs-query';
import { getOpenApi } from './handlers/openapi';
import type { HttpResponse } from './http/types';

export interface RouteDefinition {
  /** Names the route in the log line. */
  name: string;
  methods: readonly string[];
  /** Matched on the tail of the path (see http/router.ts); `:name` captures a segment. */
  pattern: readonly string[];
  /**
   * Public routes are answered without the caller credentials of AUTH_MODE: liveness and the API
   * description, and CI's callback, which cannot send them and is guarded by its own token.
   */
  public: boolean;
  handler: (ctx: RouteContext) => HttpResponse | Promise<HttpResponse>;
}

export const ROUTES: readonly RouteDefinition[] = [
  { name: 'health', methods: ['GET', 'HEAD'], pattern: ['health'], public: true, handler: getHealth },
  { name: 'openapi', methods: ['GET', 'HEAD'], pattern: ['openapi.json'], public: true, handler: getOpenApi },
  { name: 'jobs-query', methods: ['POST'], pattern: ['jobs', 'query'], public: false, handler: postJobsQuery },
  { name: 'ci-callback', methods: ['POST'], pattern: ['callbacks', 'ci'], public: true, handler: postCiCallback },
  { name: 'jobs-by-path', methods: ['GET', 'HEAD'], pattern: ['jobs', ':type', ':ids'], public: false, handler: getJobsByPath },
  // Server-Sent Events: web mode only (an event function answers 501 StreamingNotSupported).
  { name: 'jobs-events', methods: ['GET'], pattern: ['jobs', ':type', ':ids', 'events'], public: false, handler: getJobEvents },
];
