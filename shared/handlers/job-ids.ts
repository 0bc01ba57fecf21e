/** The `{ids}` path segment of the job routes, and what asking for exactly one id means. */
import type { JobsEnvelope } from '../ci/query-jobs';
import { badRequest, notFound } from '../http/errors';

/** One id or several separated by commas, percent-decoded. */
export function parseIdSegment(segment: string): string[] {
  let idList: string;
  try {
    idList = decodeURIComponent(segment);
  } catch {
    throw badRequest('InvalidJobId', 'The job id segment is not valid percent-encoding');
  }
  return idList.split(',').map((s) => s.trim());
}

/** Asking for exactly one job by URL is asking for a resource: absent means 404. */
export function assertSingleJobFound(ids: string[], envelope: JobsEnvelope): void {
  if (ids.length === 1 && envelope.JobsDetail.length === 0 && envelope.NonExistJobIds.includes(ids[0] as string))
    throw notFound('NoSuchJob', 'CI has no job with this id in this bucket');
}
