/**
 * SCF event and context types, written from the SCF docs (the official typings package is not on
 * npm). Two HTTP entry points reach the function:
 * - Function URL: { httpMethod, path, headers (lower-case), queryString, body } and no requestContext;
 * - API Gateway trigger (older deployments): the same plus requestContext, queryStringParameters,
 *   pathParameters, headerParameters and isBase64Encoded.
 */
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface ScfHttpEvent {
  httpMethod?: string;
  path?: string;
  headers?: HeaderMap;
  queryString?: HeaderMap;
  queryStringParameters?: HeaderMap;
  body?: string | null;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  headerParameters?: Record<string, string>;
  requestContext?: {
    serviceId?: string;
    path?: string;
    httpMethod?: string;
    requestId?: string;
    sourceIp?: string;
    stage?: string;
  };
}

/** The Node.js runtime's context argument. Only request_id is relied on; the rest is optional. */
export interface ScfContext {
  request_id?: string;
  function_name?: string;
  function_version?: string;
  namespace?: string;
  memory_limit_in_mb?: number;
  time_limit_in_ms?: number;
  tencentcloud_region?: string;
  getRemainingTimeInMillis?: () => number;
}

/** What both HTTP entry points accept back (API Gateway's integration response shape). */
export interface ScfHttpResult {
  isBase64Encoded: boolean;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
