/**
 * What one request learned upstream, for its log line. The CI layer never sees it: lookups return
 * what CI answered (JobsResult.upstreamRequestIds) or raise it (CiError.info.answers), and the
 * handler layer records that here through recordCiAnswers (handlers/job-lookup.ts). Attempts are
 * counted by the request's AttemptBudget, which allows each one.
 */
export interface RequestTrace {
  type?: string;
  ids?: number;
  upstreamStatus?: number; // the status of the last CI answer a lookup got
  ciRequestIds: string[];
  /** Schema drift in the answer: how many issues, the Tags of the drifted jobs and the paths (never values). */
  drift?: { total: number; tags: string[]; paths: string[] };
}

export const newTrace = (): RequestTrace => ({ ciRequestIds: [] });

/** One lookup's CI answers: each request id listed once, in the order they came; the last status kept. */
export function recordCiAnswers(trace: RequestTrace, requestIds: readonly string[], lastStatus: number | undefined): void {
  for (const id of requestIds) if (!trace.ciRequestIds.includes(id)) trace.ciRequestIds.push(id);
  if (lastStatus !== undefined) trace.upstreamStatus = lastStatus;
}
