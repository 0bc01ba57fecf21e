/**
 * Every failure the API can answer with, as one typed class. Handlers throw these; the app turns
 * them into the single error envelope `{"Error": {Code, Message, RequestId, …}}`. Messages are
 * written by us: no upstream text, stack or secret ever reaches them.
 */
import type { CodeWithStatus, ErrorCode, StatusOf } from './error-codes';

export interface UpstreamInfo {
  Status: number;
  Code?: string;
  RequestId?: string;
  TraceId?: string;
}

export interface SchemaIssue {
  path: string;
  message: string;
}

/** `new ApiError(403, 'NoSuchJob', …)` does not compile: a code is sent with its one status (error-codes.ts). */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: StatusOf<C>,
    readonly code: C,
    message: string,
    readonly extra: { details?: SchemaIssue[]; upstream?: UpstreamInfo; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: CodeWithStatus<400>, message: string, details?: SchemaIssue[]) =>
  new ApiError(400, code, message, details ? { details } : {});
export const forbidden = (code: CodeWithStatus<403>, message: string) => new ApiError(403, code, message);
export const notFound = (code: CodeWithStatus<404>, message: string) => new ApiError(404, code, message);
export const methodNotAllowed = (allow: string[]) =>
  new ApiError(405, 'MethodNotAllowed', `Use ${allow.join(' or ')} on this route`, { headers: { allow: allow.join(', ') } });
export const payloadTooLarge = (limit: number) => new ApiError(413, 'PayloadTooLarge', `Request body is larger than ${limit} bytes`);
export const unsupportedMediaType = () => new ApiError(415, 'UnsupportedMediaType', 'Send the body as Content-Type: application/json');
export const serverMisconfigured = (message: string) => new ApiError(500, 'ServerMisconfigured', message);
export const unauthorized = (message: string, error: 'invalid_request' | 'invalid_token' = 'invalid_token') =>
  new ApiError(401, 'Unauthorized', message, {
    headers: { 'www-authenticate': `Bearer realm="ci-job-status", error="${error}"` },
  });
/** `instanceof ApiError` narrows to ApiError<any>; this keeps the code typed as one of the table's. */
export const isApiError = (err: unknown): err is ApiError => err instanceof ApiError;

/** An event function answers in one piece, so it cannot hold a stream open. */
export const streamingNotSupported = () =>
  new ApiError(
    501,
    'StreamingNotSupported',
    'This deployment is an SCF event function and cannot stream events: follow jobs with GET /jobs/{type}/{ids}?wait=20 instead',
  );
/** CI's answers for this request add up to more than one function response can carry. */
export const responseTooLarge = (idCount: number) => new ApiError(502, 'ResponseTooLarge', responseTooLargeMessage(idCount));
export const responseTooLargeMessage = (idCount: number) =>
  idCount > 1
    ? `CI's answers for these ${idCount} jobs are larger than one response may carry (about 6 MB): ask for fewer ids per request`
    : "CI's answer for this job is larger than one response may carry (about 6 MB)";
