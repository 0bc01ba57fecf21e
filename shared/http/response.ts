import type { ApiError } from './errors';
import type { HttpResponse } from './types';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(err: ApiError, requestId: string): HttpResponse {
  const { details, upstream, headers } = err.extra;
  return json(
    err.status,
    {
      Error: {
        Code: err.code,
        Message: err.message,
        RequestId: requestId,
        ...(details ? { Details: details } : {}),
        ...(upstream ? { Upstream: upstream } : {}),
      },
    },
    { 'cache-control': 'no-store', ...headers },
  );
}
