/**
 * What the two waiting routes share (GET /jobs/{type}/{ids}?wait= and its /events stream): what
 * counts as a change of the jobs looked up, and how fast CI is asked again while none comes.
 */
import { jobField } from '../ci/job-state';
import type { JobsEnvelope } from '../ci/query-jobs';
import type { Backoff } from '../long-poll/poll-until-change';

// Half a second of CI queries at first (a running job's Progress moves quickly), easing off to 3 s.
export const REQUERY_BACKOFF: Backoff = { firstMs: 500, factor: 1.5, maxMs: 3000 };
/** A re-query needs at least this long before the wait ends to be worth starting. */
export const MIN_REQUERY_BUDGET_MS = 300;

/** What counts as a change: any job's State or Progress, or a job appearing or disappearing. */
export function jobsFingerprint(envelope: JobsEnvelope): string {
  return JSON.stringify([
    envelope.JobsDetail.map((job) => [jobField(job, 'JobId'), jobField(job, 'State'), jobField(job, 'Progress')]),
    envelope.NonExistJobIds,
  ]);
}
