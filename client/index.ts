/**
 * Typed client for the ci-job-status API. Plain ESM on fetch, no dependencies: works in browsers,
 * Node 20+, Deno and workers.
 *
 *   const api = createJobStatusClient({ baseUrl: 'https://…' });
 *   const job = await api.waitForJob('media', id, { onProgress: (j) => console.log(j.State, j.Progress) });
 *   for await (const j of api.watchJob('media', id)) console.log(j.State, j.Progress);
 */
import { JobStatusUnexpectedResponseError } from './errors';
import { type HeadersOption, type Transport, callApi } from './request';
import { ITEM_LIST, type JobFamily, type JobOf, type JobQueryRequest, type JobsEnvelopeByFamily } from './types';
import { type WaitForJobOptions, waitUntilTerminal } from './wait-for-job';
import { type WatchJobOptions, watchJobStates } from './watch-job';

export * from './errors';
export type * from './types';
export { ITEM_LIST } from './types';
export { TERMINAL_STATES, isTransient, type WaitForJobOptions } from './wait-for-job';
export type { HeadersOption } from './request';
export type { WatchJobOptions } from './watch-job';
export { createSseParser, type ServerSentEvent, type SseParser } from './sse-parser';

export interface JobStatusClientOptions {
  /** Where the function answers, including any stage prefix: `https://…/release`. */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Sent with every call: `{ 'x-api-key': key }`, or a function (sync or async) called before each
   * call, e.g. `async () => ({ authorization: \`Bearer ${await getToken()}\` })` so a fresh JWT goes
   * with every request. Custom headers make browsers preflight (the API answers OPTIONS).
   */
  headers?: HeadersOption;
}

export interface LookupOptions {
  bucket?: string;
  region?: string;
  signal?: AbortSignal;
}

export interface GetJobsOptions extends LookupOptions {
  /** Long-poll: let the server hold the call up to this many seconds (0–25) until something changes. */
  wait?: number;
}

export interface JobStatusClient {
  /** GET /jobs/{type}/{ids}. One unknown id alone is a 404 NoSuchJob (JobStatusApiError). */
  getJobs<F extends JobFamily>(type: F, ids: string | readonly string[], options?: GetJobsOptions): Promise<JobsEnvelopeByFamily[F]>;
  /** POST /jobs/query. Unknown ids come back in NonExistJobIds, never as 404. */
  queryJobs<F extends JobFamily>(body: JobQueryRequest & { type: F }, options?: { signal?: AbortSignal }): Promise<JobsEnvelopeByFamily[F]>;
  /** Resolves with the job once it is Success, Failed or Cancel (check `State`). */
  waitForJob<F extends JobFamily>(
    type: F,
    id: string,
    options?: WaitForJobOptions<JobOf<F>> & Omit<LookupOptions, 'signal'>,
  ): Promise<JobOf<F>>;
  /**
   * The job's states as they change, ending after the terminal one: a Server-Sent Events stream
   * (GET /jobs/{type}/{id}/events) where the API runs as a Web function, long-polling elsewhere.
   */
  watchJob<F extends JobFamily>(
    type: F,
    id: string,
    options?: WatchJobOptions & Omit<LookupOptions, 'signal'>,
  ): AsyncGenerator<JobOf<F>, void, undefined>;
}

export function createJobStatusClient(options: JobStatusClientOptions): JobStatusClient {
  const transport: Transport = {
    baseUrl: options.baseUrl,
    // Browsers refuse fetch called on another object ("Illegal invocation"), so it is bound here.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    headers: options.headers ?? {},
  };

  const getJobs: JobStatusClient['getJobs'] = (type, ids, opts = {}) => {
    const list = typeof ids === 'string' ? [ids] : ids;
    const query = new URLSearchParams();
    if (opts.bucket) query.set('bucket', opts.bucket);
    if (opts.region) query.set('region', opts.region);
    if (opts.wait !== undefined) query.set('wait', String(opts.wait));
    const qs = query.toString() ? `?${query.toString()}` : '';
    return callApi(transport, `/jobs/${encodeURIComponent(type)}/${list.map(encodeURIComponent).join(',')}${qs}`, { signal: opts.signal });
  };

  const queryJobs: JobStatusClient['queryJobs'] = (body, opts = {}) =>
    callApi(transport, '/jobs/query', { method: 'POST', body, signal: opts.signal });

  const waitForJob: JobStatusClient['waitForJob'] = (type, id, opts = {}) => {
    const { bucket, region, ...waitOptions } = opts;
    return waitUntilTerminal(async (wait, signal) => {
      const envelope = await getJobs(type, id, { wait, signal, ...(bucket ? { bucket } : {}), ...(region ? { region } : {}) });
      // The family's list: JobsDetail, or WorkflowExecution for workflow runs.
      const list = ITEM_LIST[type];
      const job = (envelope as unknown as Record<string, unknown[] | undefined>)[list]?.[0] as JobOf<typeof type> | undefined;
      if (!job) throw new JobStatusUnexpectedResponseError(200, `${list} is empty`);
      return job;
    }, waitOptions);
  };

  // Learned by the first watch that meets an API without a stream, so later watches skip the 501.
  const streams = { unavailable: false };
  const watchJob: JobStatusClient['watchJob'] = (type, id, opts = {}) => {
    const { bucket, region, ...watchOptions } = opts;
    const query = new URLSearchParams();
    if (bucket) query.set('bucket', bucket);
    if (region) query.set('region', region);
    const qs = query.toString() ? `?${query.toString()}` : '';
    return watchJobStates(
      {
        transport,
        eventsPath: `/jobs/${encodeURIComponent(type)}/${encodeURIComponent(id)}/events${qs}`,
        list: ITEM_LIST[type],
        poll: (pollOptions) => waitForJob(type, id, { ...pollOptions, ...(bucket ? { bucket } : {}), ...(region ? { region } : {}) }),
        streams,
      },
      watchOptions,
    );
  };

  return { getJobs, queryJobs, waitForJob, watchJob };
}
