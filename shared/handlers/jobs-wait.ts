/**
 * GET /jobs/{type}/{ids}?wait=N — long-poll. Answers as soon as a job's State or Progress differs
 * from the first lookup, or every job is terminal, or N seconds pass, whichever comes first, and
 * never later than the invocation's deadline allows. Browsers then make a call per change instead of
 * one per poll interval.
 */
import { ciCallsFor } from '../ci/families';
import { createDeadline } from '../deadline';
import type { HttpResponse } from '../http/types';
import { pollUntilChange } from '../long-poll/poll-until-change';
import { parseWaitSeconds } from '../long-poll/wait-param';
import type { RouteContext } from './context';
import { MIN_REQUERY_BUDGET_MS, REQUERY_BACKOFF, allTerminal, jobsFingerprint } from './job-changes';
import { assertSingleJobFound, parseIdSegment } from './job-ids';
import { lookupJobs } from './job-lookup';
import { jobsResponse } from './jobs-response';

/**
 * A wait ends this long before SCF's timeout: room for the last lookup's answer to be built and
 * returned. Larger than a plain request's margin (deadline.ts) because a re-query may still be in
 * flight when the wait ends.
 */
const WAIT_END_MARGIN_MS = 500;

export async function getJobsWaiting(ctx: RouteContext): Promise<HttpResponse> {
  const { req, params } = ctx;
  const waitSeconds = parseWaitSeconds(req.query.wait ?? '');
  const ids = parseIdSegment(params.ids ?? '');
  const lookup = { type: params.type, ids, bucket: req.query.bucket, region: req.query.region };
  const started = Date.now();
  const { value } = await pollUntilChange({
    // Each lookup gets a plain request's deadline, cut short when the poll's own time is up.
    fetch: async (signal) => {
      const deadline = createDeadline(ctx.budgetMs, Date.now(), signal);
      try {
        return await lookupJobs(lookup, ctx, deadline);
      } finally {
        deadline.dispose();
      }
    },
    fingerprint: (result) => jobsFingerprint(result),
    // A re-fetch is only started when the request can still afford one first attempt per CI call.
    mayRefetch: () => ctx.attempts.left >= ciCallsFor(params.type ?? '', new Set(ids).size),
    isSettled: allTerminal,
    stopAt: Math.min(started + waitSeconds * 1000, (ctx.endsAt ?? Infinity) - WAIT_END_MARGIN_MS),
    fetchTimeoutMs: ctx.budgetMs,
    backoff: REQUERY_BACKOFF,
    minFetchBudgetMs: MIN_REQUERY_BUDGET_MS,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  assertSingleJobFound(ids, value);
  return jobsResponse(value, req);
}
