/**
 * The emulator's side of CI's six moderation queries, GET /{kind}/auditing/{jobId}: one id per
 * call, the path has two segments before the id, the answer carries a RequestId after JobsDetail
 * (as in the Go SDK's test bodies), and an unknown id is CI's documented 404 AuditingJobNotFound
 * rather than a NonExistJobIds entry.
 */
export const AUDITING_FAMILIES = [
  'image-auditing',
  'video-auditing',
  'audio-auditing',
  'text-auditing',
  'document-auditing',
  'webpage-auditing',
] as const;
export type AuditingFamily = (typeof AUDITING_FAMILIES)[number];

const AUDITING_PATH = /^\/(image|video|audio|text|document|webpage)\/auditing\/([^/]*)$/;

/** `/video/auditing/av12…` → the family and the id part (maybe empty or a comma list, checked by the caller). */
export function auditingRoute(path: string): { family: AuditingFamily; id: string } | undefined {
  const match = AUDITING_PATH.exec(path);
  return match ? { family: `${match[1] as string}-auditing` as AuditingFamily, id: match[2] as string } : undefined;
}

/** CI's body for one moderation job: the stored fragment, then the request id. */
export function auditingBody(fragment: string, requestId: string): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<Response>', fragment, `<RequestId>${requestId}</RequestId>`, '</Response>'].join(
    '\n',
  );
}
