/** What one request did upstream, collected as it happens and written into its log line. */
export interface RequestTrace {
  type?: string;
  ids?: number;
  attempts: number; // upstream HTTP attempts, retries included
  upstreamStatus?: number; // the last status CI answered with
  ciRequestIds: string[];
  /** Schema drift in the answer: how many issues, the Tags of the drifted jobs and the paths (never values). */
  drift?: { total: number; tags: string[]; paths: string[] };
}

export const newTrace = (): RequestTrace => ({ attempts: 0, ciRequestIds: [] });
