/**
 * HTTP caching for job answers: a weak ETag over the answer's content, If-None-Match matching,
 * and Cache-Control chosen by how long the answer stays true.
 */
import { sha1 } from '../digest';

/**
 * Weak because the tag covers the content but not CI's RequestId: two answers for unchanged jobs
 * differ only in that id, are semantically the same, and should revalidate to a 304.
 */
export function weakEtag(content: string): string {
  return `W/"${sha1(content, 'base64url')}"`;
}

/** If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

/**
 * Final answers may be reused for `reusableForS`; anything else must be revalidated (the ETag
 * makes that a cheap 304). A request that carries credentials gets `private`, so a shared cache
 * never hands one caller's authorised answer to another.
 */
export function cacheControl(reusableForS: number | undefined, requestHeaders: Record<string, string>): string {
  if (!reusableForS) return 'no-cache';
  const credentialed = 'authorization' in requestHeaders || 'x-api-key' in requestHeaders;
  return `${credentialed ? 'private' : 'public'}, max-age=${reusableForS}`;
}
