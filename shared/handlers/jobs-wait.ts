/**
 * GET /jobs/{type}/{ids}?wait=N — long-poll. Answers as soon as a job's State or Progress differs
 * from the first lookup, or every job is terminal, or N seconds pass, whichever comes first, and
 * never later than the invocation's deadline allows. Browsers then make a call per change instead of
 * one per poll interval.
 */
import type { Config } from '../config/env';
import { FAMILIES, isJobFamily } from '../ci/families';
import type { AttemptBudget } from '../ci/upstream-budget';
import { isTerminal, jobField } from '../ci/job-state';
import type { JobsEnvelope } from '../ci/query-jobs';
import type { HttpRequest, HttpResponse } from '../http/types';
import { pollUntilChange } from '../long-poll/poll-until-change';
import { parseWaitSeconds } from '../long-poll/wait-param';
import { createDeadline } from '../deadline';
import type { RequestTrace } from '../trace';
import { lookupJobs } from './job-lookup';
import { assertSingleJobFound, parseIdSegment } from './jobs-by-path';
import { jobsResponse } from './jobs-response';

// Half a second of CI queries at first (a running job's Progress moves quickly), easing off to 3 s.
const BACKOFF = { firstMs: 500, factor: 1.5, maxMs: 3000 };
/** Left for building and returning the answer before SCF's timeout ends the invocation. */
const DEADLINE_MARGIN_MS = 500;
const MIN_FETCH_BUDGET_MS = 300;

export interface WaitContext {
  trace: RequestTrace;
  /** CI attempts this whole request may make: every re-fetch draws from it. */
  attempts: AttemptBudget;
  /** Upstream budget of one lookup (the request deadline of a plain GET). */
  budgetMs: number;
  /** When SCF ends the invocation (epoch ms), if the context says. */
  endsAt: number | undefined;
}

export async function getJobsWaiting(
  req: HttpRequest,
  params: { type: string; ids: string },
  config: Config,
  ctx: WaitContext,
): Promise<HttpResponse> {
  const waitSeconds = parseWaitSeconds(req.query.wait ?? '');
  const ids = parseIdSegment(params.ids);
  const lookup = { type: params.type, ids, bucket: req.query.bucket, region: req.query.region };
  const started = Date.now();
  const { value } = await pollUntilChange({
    // Each lookup gets a plain request's deadline, cut short when the poll's own time is up.
    fetch: async (signal) => {
      const deadline = createDeadline(ctx.budgetMs, Date.now(), signal);
      try {
        return await lookupJobs(lookup, config, { deadline, trace: ctx.trace, attempts: ctx.attempts });
      } finally {
        deadline.dispose();
      }
    },
    fingerprint: (result) => jobsFingerprint(result.envelope),
    // A re-fetch is only started when the request can still afford one first attempt per CI call.
    mayRefetch: () => ctx.attempts.left >= callsPerLookup(params.type, new Set(ids).size),
    isSettled: (result) => result.envelope.JobsDetail.every(isTerminal),
    stopAt: Math.min(started + waitSeconds * 1000, (ctx.endsAt ?? Infinity) - DEADLINE_MARGIN_MS),
    fetchTimeoutMs: ctx.budgetMs,
    backoff: BACKOFF,
    minFetchBudgetMs: MIN_FETCH_BUDGET_MS,
  });
  assertSingleJobFound(ids, value.envelope);
  return jobsResponse(value, req);
}

/** How many CI calls one lookup of `count` ids makes (an upper bound: the cache may answer some). */
function callsPerLookup(type: string, count: number): number {
  return isJobFamily(type) ? Math.ceil(count / FAMILIES[type].batchSize) : count;
}

/** What counts as a change: any job's State or Progress, or a job appearing or disappearing. */
export function jobsFingerprint(envelope: JobsEnvelope): string {
  return JSON.stringify([
    envelope.JobsDetail.map((job) => [jobField(job, 'JobId'), jobField(job, 'State'), jobField(job, 'Progress')]),
    envelope.NonExistJobIds,
  ]);
}
