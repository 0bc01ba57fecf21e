/**
 * What the two waiting routes share (GET /jobs/{type}/{ids}?wait= and its /events stream): what
 * counts as a change of the jobs looked up, and how fast CI is asked again while none comes.
 */
import { familySpec } from '../ci/families';
import { isTerminal, itemsOf, jobField, jobIdOf, jobStateOf } from '../ci/job-state';
import type { JobsResult } from '../ci/query-jobs';
import type { Backoff } from '../long-poll/poll-until-change';

// Half a second of CI queries at first (a running job's Progress moves quickly), easing off to 3 s.
export const REQUERY_BACKOFF: Backoff = { firstMs: 500, factor: 1.5, maxMs: 3000 };
/** A re-query needs at least this long before the wait ends to be worth starting. */
export const MIN_REQUERY_BUDGET_MS = 300;

/**
 * What counts as a change: any job's state or Progress, or a job appearing or disappearing. The id
 * and state are the fields the family names (JobId/State for jobs, RunId/State for workflow runs);
 * a workflow run also changes when one of its Tasks starts or changes state.
 */
export function jobsFingerprint({ family, envelope }: Pick<JobsResult, 'family' | 'envelope'>): string {
  const spec = familySpec(family);
  return JSON.stringify([
    itemsOf(envelope, spec).map((job) => {
      const tasks = jobField(job, 'Tasks');
      const taskStates = Array.isArray(tasks) ? tasks.map((task) => [jobField(task, 'Name'), jobField(task, 'State')]) : undefined;
      return [jobIdOf(job, spec), jobStateOf(job, spec), jobField(job, 'Progress'), ...(taskStates ? [taskStates] : [])];
    }),
    envelope.NonExistJobIds,
  ]);
}

/** Whether every item the answer holds is in a final state (no item: nothing left to wait for). */
export function allTerminal({ family, envelope }: Pick<JobsResult, 'family' | 'envelope'>): boolean {
  const spec = familySpec(family);
  return itemsOf(envelope, spec).every((job) => isTerminal(job, spec));
}
