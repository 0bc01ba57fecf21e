/**
 * GET /openapi.json — the document the build generated from the function's own schemas. It ships
 * as a file beside the bundle (dist/job-status/openapi.json), read once per warm instance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverMisconfigured } from '../http/errors';
import { JSON_TYPE } from '../http/response';
import type { HttpResponse } from '../http/types';
import type { RouteContext } from './context';

let openapiJson: string | undefined;
function document(): string {
  if (openapiJson === undefined) {
    try {
      openapiJson = readFileSync(join(__dirname, 'openapi.json'), 'utf8');
    } catch {
      throw serverMisconfigured('openapi.json is missing beside the function code: deploy the whole dist/job-status folder');
    }
  }
  return openapiJson;
}

const HEADERS = { 'content-type': JSON_TYPE, 'cache-control': 'public, max-age=300' };
let parsed: Record<string, unknown> | undefined;

// A stage or base path: `/` + letters, digits, `_` or `-`, one or more segments. Anything else
// (`//evil.example`, dots, encoded bytes) would make `servers[0].url` point somewhere else.
const STAGE_PREFIX = /^(?:\/[A-Za-z0-9_-]+)+$/;

export function getOpenApi({ req }: RouteContext): HttpResponse {
  // Behind a stage or base path the paths only resolve against that prefix, so the server says so.
  const prefix = req.path.replace(/\/+openapi\.json$/, '');
  if (!STAGE_PREFIX.test(prefix)) return { status: 200, headers: { ...HEADERS }, body: document() };
  parsed ??= JSON.parse(document()) as Record<string, unknown>;
  return { status: 200, headers: { ...HEADERS }, body: JSON.stringify({ ...parsed, servers: [{ url: prefix }] }) };
}
