/**
 * Every `Error.Code` this API can answer with, and the one HTTP status each is sent with. Throw
 * sites are checked against it by the compiler (ApiError's status must be the code's status), the
 * OpenAPI document's error lists are typed by it, and test/e2e/error-codes.test.ts keeps docs/api.md's
 * error table equal to it.
 */
export const ERROR_CODES = {
  InvalidJobType: { status: 400, summary: 'The job type is not one this API serves' },
  InvalidJobId: { status: 400, summary: 'A job id is outside the id pattern' },
  MissingJobIds: { status: 400, summary: 'No job id was named' },
  TooManyJobIds: { status: 400, summary: 'More job ids than one request may name' },
  InvalidBucket: { status: 400, summary: 'The bucket is not of the form name-APPID' },
  InvalidRegion: { status: 400, summary: 'The region is not of the form of a Tencent Cloud region' },
  MissingBucket: { status: 400, summary: 'No bucket was named and CI_BUCKET is not set' },
  InvalidWait: { status: 400, summary: '`wait` is not a whole number of seconds in range' },
  InvalidJson: { status: 400, summary: 'The body is not JSON' },
  InvalidRequest: { status: 400, summary: 'The body does not match the request schema' },
  InvalidCallback: { status: 400, summary: 'The CI callback body is not a callback CI sends' },
  InvalidEvent: { status: 400, summary: 'The function was invoked with an event that is not HTTP' },
  Unauthorized: { status: 401, summary: 'Credentials are missing or invalid' },
  RegionNotAllowed: { status: 403, summary: 'The region is not CI_REGION nor in ALLOWED_REGIONS' },
  BucketNotAllowed: { status: 403, summary: 'The bucket is not CI_BUCKET nor in ALLOWED_BUCKETS' },
  OriginNotAllowed: { status: 403, summary: 'A CORS preflight from an origin not in ALLOWED_ORIGINS' },
  NoSuchRoute: { status: 404, summary: 'Unknown path' },
  NoSuchJob: { status: 404, summary: 'CI does not know the one job id asked for' },
  MethodNotAllowed: { status: 405, summary: 'Known path, other method' },
  PayloadTooLarge: { status: 413, summary: 'The request body is over the limit' },
  UnsupportedMediaType: { status: 415, summary: 'The body is not sent as application/json' },
  MissingCredentials: { status: 500, summary: 'The function has no role keys' },
  ServerMisconfigured: { status: 500, summary: 'An environment variable is invalid' },
  InternalError: { status: 500, summary: 'The function failed unexpectedly' },
  StreamingNotSupported: { status: 501, summary: 'The events stream asked of an event function, which cannot stream' },
  UpstreamAccessDenied: { status: 502, summary: "CI refused the function's role" },
  UpstreamError: { status: 502, summary: 'CI answered with another error' },
  UpstreamInvalidResponse: { status: 502, summary: "CI's answer is not acceptable" },
  ResponseTooLarge: { status: 502, summary: "CI's answers to the ids asked would not fit one response" },
  UpstreamUnavailable: { status: 502, summary: 'CI could not be reached' },
  UpstreamThrottled: { status: 503, summary: 'CI kept rate-limiting the function' },
  UpstreamTimeout: { status: 504, summary: "CI did not answer before the request's deadline" },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'];
export type ErrorStatus = StatusOf<ErrorCode>;
/** The codes sent with one status, e.g. `CodeWithStatus<400>`. */
export type CodeWithStatus<S extends ErrorStatus> = { [C in ErrorCode]: StatusOf<C> extends S ? C : never }[ErrorCode];
