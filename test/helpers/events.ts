/** SCF event builders for both HTTP entry points, shaped as the SCF docs show them. */
export interface EventInput {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

/** Function URL: lower-case headers, `queryString`, no requestContext. */
export function functionUrlEvent(input: EventInput) {
  const body = input.body === undefined ? '' : input.base64 ? Buffer.from(input.body).toString('base64') : input.body;
  return {
    httpMethod: input.method,
    path: input.path,
    headers: { host: 'x-1250000000-ab12-ap-guangzhou.scf.tencentcs.com', 'x-scf-remote-addr': '203.0.113.7', ...lower(input.headers) },
    queryString: input.query ?? {},
    body,
    ...(input.base64 ? { isBase64Encoded: true } : {}),
  };
}

/** API Gateway trigger: requestContext with a stage, the path carries the stage prefix. */
export function apiGatewayEvent(input: EventInput, stage = 'release') {
  const body = input.body === undefined ? null : input.base64 ? Buffer.from(input.body).toString('base64') : input.body;
  return {
    requestContext: {
      serviceId: 'service-abc123',
      path: '/',
      httpMethod: input.method,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      sourceIp: '203.0.113.8',
      stage,
    },
    headers: { Host: 'service-abc123-1250000000.gz.apigw.tencentcs.com', ...(input.headers ?? {}) },
    body,
    pathParameters: {},
    queryStringParameters: input.query ?? {},
    headerParameters: {},
    queryString: input.query ?? {},
    httpMethod: input.method,
    path: `/${stage}${input.path}`,
    isBase64Encoded: Boolean(input.base64),
  };
}

function lower(headers: Record<string, string> | undefined) {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
