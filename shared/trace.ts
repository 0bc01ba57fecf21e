/** What one request did upstream, collected as it happens and written into its log line. */
export interface RequestTrace {
  type?: string;
  ids?: number;
  attempts: number; // upstream HTTP attempts, retries included
  upstreamStatus?: number; // the last status CI answered with
  ciRequestIds: string[];
}

export const newTrace = (): RequestTrace => ({ attempts: 0, ciRequestIds: [] });
