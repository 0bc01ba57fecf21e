import type { CachedJobsResult } from '../cache/cached-query';
import { cacheControl, ifNoneMatchHits, weakEtag } from '../http/conditional';
import { JSON_TYPE } from '../http/response';
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
  return { status: 200, headers: { 'content-type': JSON_TYPE, ...headers }, body: `{"RequestId":${JSON.stringify(RequestId)},${contentJson.slice(1)}` };
}
