import type { CachedJobsResult } from '../cache/cached-query';
import { cacheControl, ifNoneMatchHits, weakEtag } from '../http/conditional';
import { responseTooLarge } from '../http/errors';
import { JSON_TYPE } from '../http/response';
import { familySpec } from '../ci/families';
import { itemsOf } from '../ci/job-state';
import type { HttpRequest, HttpResponse } from '../http/types';

export function jobsResponse(result: CachedJobsResult, req: HttpRequest): HttpResponse {
  const { RequestId, ...content } = result.envelope;
  // Serialised once: the ETag covers everything but RequestId, the body puts RequestId back first.
  const contentJson = JSON.stringify(content);
  const headers: Record<string, string> = {
    'cache-control': cacheControl(result.reusableForS, req.headers),
    etag: weakEtag(contentJson),
    'x-cache': result.cache,
  };
  if (result.upstreamRequestIds.length) headers['x-ci-request-id'] = result.upstreamRequestIds.join(', ');
  // Every drift counted, also those past the SchemaErrors list's limit; absent when there is none.
  if (result.drift.total > 0) headers['x-schema-errors'] = String(result.drift.total);
  // A matching If-None-Match on a GET (RFC 9110 §13.1.2) is answered without the body.
  if ((req.method === 'GET' || req.method === 'HEAD') && ifNoneMatchHits(req.headers['if-none-match'], headers.etag as string))
    return { status: 304, headers, body: '' };
  const body = `{"RequestId":${JSON.stringify(RequestId)},${contentJson.slice(1)}`;
  if (mayExceedScfLimit(body) && scfPayloadBytes(body) > MAX_RESPONSE_BODY_BYTES)
    throw responseTooLarge(itemsOf(result.envelope, familySpec(result.family)).length + result.envelope.NonExistJobIds.length);
  return { status: 200, headers: { 'content-type': JSON_TYPE, ...headers }, body };
}

/**
 * SCF refuses a synchronous response over 6 MB, measured on the JSON it serialises our result to,
 * where the body is a string: every `"` and `\` in it gains an escaping backslash. Room is kept
 * for the status, the headers and that JSON's own frame.
 */
const SCF_RESPONSE_LIMIT_BYTES = 6 * 1000 * 1000;
export const MAX_RESPONSE_BODY_BYTES = SCF_RESPONSE_LIMIT_BYTES - 16 * 1024;

/**
 * Each UTF-16 unit of a body costs SCF at most 3 bytes (a `"` or `\` 2, a unit of a surrogate
 * pair 2, any other 1-3), so a body a third of the limit long fits without counting; only a body
 * that could be near the limit is walked byte by byte.
 */
function mayExceedScfLimit(body: string): boolean {
  return body.length * 3 > MAX_RESPONSE_BODY_BYTES;
}

export function scfPayloadBytes(body: string): number {
  let escapes = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 34 /* " */ || c === 92 /* \ */) escapes += 1;
  }
  return Buffer.byteLength(body, 'utf8') + escapes;
}
