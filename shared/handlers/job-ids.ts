/** The `{ids}` path segment of the job routes, and what asking for exactly one id means. */
import { familySpec } from '../ci/families';
import { itemsOf } from '../ci/job-state';
import type { JobsResult } from '../ci/query-jobs';
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
export function assertSingleJobFound(ids: string[], { family, envelope }: Pick<JobsResult, 'family' | 'envelope'>): void {
  if (new Set(ids).size === 1 && itemsOf(envelope, familySpec(family)).length === 0 && envelope.NonExistJobIds.includes(ids[0] as string))
    throw notFound('NoSuchJob', 'CI has no job with this id in this bucket');
}
