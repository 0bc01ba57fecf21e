/** Converts between SCF's HTTP event shapes and the app's HttpRequest/HttpResponse. */
import { firstValue } from '../http/header-value';
import { JSON_TYPE } from '../http/response';
import type { HttpRequest, HttpResponse } from '../http/types';
import type { HeaderMap, ScfHttpEvent, ScfHttpResult } from './event';

function lowerCaseHeaders(headers: HeaderMap | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function queryOf(event: ScfHttpEvent): Record<string, string> {
  const out: Record<string, string> = {};
  addQuery(out, event.queryStringParameters);
  addQuery(out, event.queryString);
  return out;
}

function addQuery(out: Record<string, string>, source: HeaderMap | undefined): void {
  if (!source) return;
  for (const name of Object.keys(source)) {
    const v = firstValue(source[name]);
    if (v !== undefined && !(name in out)) out[name] = String(v);
  }
}

/** Returns undefined when the event is not an HTTP event at all. */
export function toHttpRequest(event: unknown): HttpRequest | undefined {
  if (event === null || typeof event !== 'object') return undefined;
  const e = event as ScfHttpEvent;
  const method = e.httpMethod ?? e.requestContext?.httpMethod;
  if (typeof method !== 'string' || typeof (e.path ?? '/') !== 'string') return undefined;
  let body = typeof e.body === 'string' ? e.body : undefined;
  if (body !== undefined && e.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
  return {
    method: method.toUpperCase(),
    path: e.path ?? '/',
    query: queryOf(e),
    headers: lowerCaseHeaders(e.headers),
    body,
  };
}

export function toScfResult(res: HttpResponse): ScfHttpResult {
  // An event function answers in one piece; the app never streams here (canStream is unset), and if
  // that ever broke, a 500 says so instead of a silently empty 200.
  if (typeof res.body !== 'string')
    return {
      isBase64Encoded: false,
      statusCode: 500,
      headers: { 'content-type': JSON_TYPE },
      body: STREAM_IN_EVENT_MODE,
    };
  return { isBase64Encoded: false, statusCode: res.status, headers: res.headers, body: res.body };
}

const STREAM_IN_EVENT_MODE = JSON.stringify({
  Error: { Code: 'InternalError', Message: 'A streamed answer cannot be returned by an event function', RequestId: 'none' },
});
