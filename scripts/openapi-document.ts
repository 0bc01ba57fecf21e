/**
 * Build-time: the OpenAPI 3.1 document, assembled from generated/schemas.json (the very schemas the
 * function's validators were compiled from) plus the route table below. Schemas are copied as they
 * are; only their `$ref`s move from `ci-defs#/$defs/X` to `#/components/schemas/X`.
 */
import { FAMILIES, FAMILY_NAMES, JOB_ID_PATTERN, MAX_JOB_IDS } from '../shared/ci/families';
import { MAX_WAIT_SECONDS } from '../shared/long-poll/wait-param';
// Leaf modules only: this runs at build time, before generated/ (which the handlers need) exists.
import { MAX_CALLBACK_BYTES } from '../shared/callbacks/limits';

type Json = Record<string, unknown>;
const DEFS_ID = 'ci-defs';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `media-response` → `MediaResponse`: component names follow the schema ids mechanically. */
export const componentName = (schemaId: string) => schemaId.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

const familyEnvelope = (family: string) => `${componentName(family)}JobsEnvelope`;

export function schemaComponents(schemas: Record<string, Json>): Record<string, Json> {
  const components: Record<string, Json> = {};
  const add = (name: string, schema: unknown) => {
    if (name in components) throw new Error(`OpenAPI component name ${name} is used twice`);
    components[name] = rewriteRefs(schema) as Json;
  };
  for (const [id, schema] of Object.entries(schemas)) if (id !== DEFS_ID) add(componentName(id), schema);
  const defs = (schemas[DEFS_ID]?.$defs ?? {}) as Record<string, unknown>;
  for (const [name, schema] of Object.entries(defs)) add(name, schema);
  return components;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = new RegExp(`^${DEFS_ID}#/\\$defs/([A-Za-z0-9_]+)$`).exec(v);
      if (!m) throw new Error(`unexpected $ref ${v}`);
      out[k] = ref(m[1] as string).$ref;
    } else out[k] = rewriteRefs(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Errors each operation can answer (codes and statuses from shared/http/error-codes.ts; test/e2e/error-codes.test.ts holds these lists to it)
// ---------------------------------------------------------------------------------------------

const ANY_ROUTE: Record<string, string[]> = {
  '500': ['ServerMisconfigured', 'InternalError'],
};
const CI_LOOKUP: Record<string, string[]> = {
  '401': ['Unauthorized (AUTH_MODE apikey or jwt)'],
  '403': ['BucketNotAllowed', 'RegionNotAllowed'],
  '500': ['MissingCredentials', 'ServerMisconfigured', 'InternalError'],
  '502': ['UpstreamAccessDenied', 'UpstreamError', 'UpstreamInvalidResponse', 'UpstreamUnavailable', 'ResponseTooLarge'],
  '503': ['UpstreamThrottled'],
  '504': ['UpstreamTimeout'],
};
// Headers some error statuses carry besides x-request-id.
const ERROR_HEADERS: Record<string, Json> = {
  '401': {
    'www-authenticate': {
      description: 'Bearer realm="ci-job-status", error="invalid_request" | "invalid_token"',
      schema: { type: 'string' },
    },
  },
  '405': { allow: { description: 'The methods this path accepts', schema: { type: 'string' } } },
  '503': { 'retry-after': { description: 'Seconds to wait before asking again', schema: { type: 'string' } } },
};
// Job lookups accept either credential, or none when AUTH_MODE=none.
const JOB_SECURITY = [{ bearer: [] }, { apiKey: [] }, {}];
const BAD_TARGET = ['InvalidBucket', 'InvalidRegion', 'MissingBucket'];

const STATUS_TEXT: Record<string, string> = {
  '400': 'Bad request',
  '401': 'Credentials missing or invalid',
  '403': 'Forbidden',
  '404': 'Not found',
  '413': 'Payload too large',
  '415': 'Unsupported media type',
  '500': 'Function misconfigured or failed',
  '501': 'Not available in this deployment',
  '502': 'CI failed or answered something unacceptable',
  '503': 'CI is rate-limiting the function',
  '504': 'CI did not answer in time',
};

function errorResponses(codes: Record<string, string[]>): Json {
  return Object.fromEntries(
    Object.entries(codes).map(([status, list]) => [
      status,
      {
        description: `${STATUS_TEXT[status]}: ${list.map((c) => `\`${c}\``).join(', ')}`,
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' }, ...(ERROR_HEADERS[status] ?? {}) },
        content: { 'application/json': { schema: ref('ErrorEnvelope') } },
      },
    ]),
  );
}

const jobsOk = (schema: Json, description: string) => ({
  description,
  headers: {
    'x-request-id': { $ref: '#/components/headers/RequestId' },
    'x-ci-request-id': { $ref: '#/components/headers/CiRequestId' },
    etag: { $ref: '#/components/headers/ETag' },
    'cache-control': { $ref: '#/components/headers/CacheControl' },
    'x-cache': { $ref: '#/components/headers/XCache' },
    'x-schema-errors': { $ref: '#/components/headers/SchemaErrorCount' },
  },
  content: { 'application/json': { schema } },
});

/** The callback's 401 is about its token, not a Bearer credential: no WWW-Authenticate. */
function callbackErrors(codes: Record<string, string[]>): Json {
  const responses = errorResponses(codes) as Record<string, { headers: Record<string, unknown> }>;
  delete responses['401']?.headers['www-authenticate'];
  return responses;
}

/**
 * Browsers send a preflight without credentials (Fetch spec), so it is public: `security: []`. It
 * declares the same path parameters as the lookup beside it.
 */
const preflight = (operationId: string, parameters: Json[] = []) => ({
  operationId,
  security: [],
  summary: 'CORS preflight',
  description: 'Answered by the function for origins in ALLOWED_ORIGINS; other origins get 403 OriginNotAllowed.',
  ...(parameters.length ? { parameters } : {}),
  responses: {
    '204': { description: 'Allowed (CORS headers set), or a plain OPTIONS without Origin' },
    ...errorResponses({ '403': ['OriginNotAllowed'], ...ANY_ROUTE }),
  },
});

const oneId = JOB_ID_PATTERN.replace(/^\^|\$$/g, '');
const jobIdList = `^${oneId}(,${oneId}){0,${MAX_JOB_IDS - 1}}$`;

function familyPath(family: string): Json {
  return {
    get: {
      operationId: `get${componentName(family)}Jobs`,
      security: JOB_SECURITY,
      summary: `Look up ${family} jobs by id`,
      description:
        `One id, or up to ${MAX_JOB_IDS} separated by commas (duplicates dropped, order kept). With \`wait\`, long-poll: ` +
        'answer when a State or Progress changes, every job is terminal, or the wait (or the invocation) ends.',
      parameters: [
        { $ref: '#/components/parameters/JobIds' },
        { $ref: '#/components/parameters/Bucket' },
        { $ref: '#/components/parameters/Region' },
        { $ref: '#/components/parameters/Wait' },
        { $ref: '#/components/parameters/CallerRequestId' },
        { $ref: '#/components/parameters/IfNoneMatch' },
      ],
      responses: {
        '200': jobsOk(ref(familyEnvelope(family)), 'The jobs CI knows, in request order, and the ids it does not'),
        '304': {
          description: 'If-None-Match named the current ETag: nothing changed since (no body)',
          headers: { etag: { $ref: '#/components/headers/ETag' }, 'cache-control': { $ref: '#/components/headers/CacheControl' } },
        },
        ...errorResponses({
          '400': ['InvalidJobId', 'MissingJobIds', 'TooManyJobIds', 'InvalidWait', ...BAD_TARGET],
          '404': ['NoSuchJob (exactly one id was asked for and CI does not know it)'],
          ...CI_LOOKUP,
        }),
      },
    },
    options: preflight(`preflight${componentName(family)}Jobs`, [{ $ref: '#/components/parameters/JobIds' }]),
  };
}

/** GET …/events: Server-Sent Events, web mode only (docs/web-function.md). */
function familyEventsPath(family: string): Json {
  return {
    get: {
      operationId: `watch${componentName(family)}Jobs`,
      security: JOB_SECURITY,
      summary: `Follow ${family} jobs as Server-Sent Events (web mode)`,
      description:
        'A text/event-stream. Each unnamed event carries the same JSON envelope a GET answers, with an `id` that ' +
        "digests the jobs' State and Progress; one is sent per change. Comment lines keep the stream alive. " +
        '`event: end` follows once every job is terminal; `event: failure` carries an error envelope when CI fails ' +
        "mid-stream; otherwise the stream ends shortly before the function's timeout with a `retry:` hint, and the " +
        'client reconnects with Last-Event-ID. Errors before the first event are ordinary JSON errors. An SCF event ' +
        'function cannot stream and answers 501 StreamingNotSupported: use GET with `wait` there.',
      parameters: [
        { $ref: '#/components/parameters/JobIds' },
        { $ref: '#/components/parameters/Bucket' },
        { $ref: '#/components/parameters/Region' },
        { $ref: '#/components/parameters/LastEventId' },
        { $ref: '#/components/parameters/CallerRequestId' },
      ],
      responses: {
        '200': { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '204': { description: 'Last-Event-ID already names the final state: nothing more will come (an EventSource stops reconnecting)' },
        ...errorResponses({
          '400': ['InvalidJobId', 'MissingJobIds', 'TooManyJobIds', ...BAD_TARGET],
          '404': ['NoSuchJob (exactly one id was asked for and CI does not know it)'],
          '501': ['StreamingNotSupported (SCF event function: use GET with wait)'],
          ...CI_LOOKUP,
        }),
      },
    },
    options: preflight,
  };
}

export function buildOpenApiDocument(schemas: Record<string, Json>, version: string): Json {
  const components = schemaComponents(schemas);
  for (const family of FAMILY_NAMES) {
    // The envelope the function sends, with its list's items (JobsDetail; WorkflowExecution for
    // workflow runs) as the family schema describes them.
    const { list } = FAMILIES[family];
    components[familyEnvelope(family)] = {
      description:
        `Answer for ${family} ${list === 'JobsDetail' ? 'jobs' : 'runs'}. ${list} items follow ${componentName(`${family}-response`)}` +
        `${FAMILIES[family].variantKey ? ' (per Tag)' : ''}; ` +
        'with SCHEMA_MODE=report (the default) they may deviate where SchemaErrors says: a number or boolean CI ' +
        'sent in a form that cannot be read is kept as its text.',
      allOf: [
        ref('JobsEnvelope'),
        {
          type: 'object',
          required: [list],
          properties: { [list]: { $ref: `#/components/schemas/${componentName(`${family}-response`)}/properties/${list}` } },
        },
      ],
    };
  }

  const paths: Json = {
    '/health': {
      get: {
        operationId: 'getHealth',
        security: [], // public whatever AUTH_MODE is: a load balancer's health check has no credential
        summary: 'Liveness; never calls CI',
        responses: {
          '200': {
            description: 'The function is up',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } }, additionalProperties: false },
              },
            },
          },
          ...errorResponses(ANY_ROUTE),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        security: [], // public: the contract itself is no secret
        summary: 'This document',
        responses: {
          '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } },
          ...errorResponses(ANY_ROUTE),
        },
      },
    },
    ...Object.fromEntries(FAMILY_NAMES.map((family) => [`/jobs/${family}/{jobIds}`, familyPath(family)])),
    ...Object.fromEntries(FAMILY_NAMES.map((family) => [`/jobs/${family}/{jobIds}/events`, familyEventsPath(family)])),
    '/jobs/query': {
      post: {
        operationId: 'queryJobs',
        security: JOB_SECURITY,
        summary: 'Look up jobs with a JSON body',
        description: 'Same lookup as the GET routes. Never 404: unknown ids are listed in NonExistJobIds.',
        parameters: [{ $ref: '#/components/parameters/CallerRequestId' }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('JobQueryRequest') } } },
        responses: {
          '200': jobsOk({ anyOf: FAMILY_NAMES.map((f) => ref(familyEnvelope(f))) }, 'The jobs CI knows, in request order'),
          ...errorResponses({
            '400': ['InvalidJson', 'InvalidRequest', 'InvalidJobType', ...BAD_TARGET],
            '413': ['PayloadTooLarge'],
            '415': ['UnsupportedMediaType'],
            ...CI_LOOKUP,
          }),
        },
      },
      options: preflight('preflightQueryJobs'),
    },
    '/callbacks/ci': {
      post: {
        operationId: 'receiveCiCallback',
        security: [{ callbackToken: [] }],
        summary: 'CI job callback in; verified, signed webhooks out (docs/callbacks.md)',
        description:
          'Set as the CallBack URL when submitting a CI job. The body is not trusted: only job ids and Tags are read, each job ' +
          'is looked up in CI, cached, and its CI answer (as GET /jobs/{type}/{id} returns it) is POSTed to every WEBHOOK_URLS ' +
          'entry, signed per Standard Webhooks. 204 once verified, also for ids CI does not know.',
        parameters: [{ $ref: '#/components/parameters/Bucket' }, { $ref: '#/components/parameters/Region' }],
        requestBody: {
          required: true,
          description: `A CI TaskFinish or WorkflowFinish callback, at most ${MAX_CALLBACK_BYTES} bytes`,
          content: { 'application/xml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } },
        },
        responses: {
          '204': { description: 'Verified (and forwarded where CI knows the job); nothing is said about which' },
          ...callbackErrors({
            '400': ['InvalidCallback', 'InvalidBucket', 'InvalidRegion', 'MissingBucket'],
            '401': ['Unauthorized (token missing or wrong, or CALLBACK_TOKEN unset)'],
            '403': ['BucketNotAllowed'],
            '413': ['PayloadTooLarge'],
            '500': ['MissingCredentials', 'ServerMisconfigured', 'InternalError'],
            '502': CI_LOOKUP['502'] as string[],
            '503': ['UpstreamThrottled'],
            '504': ['UpstreamTimeout'],
          }),
        },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'ci-job-status',
      version,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        "Status of Tencent Cloud Infinite (CI) jobs as JSON, signed with the function role's keys. Field names are " +
        "CI's own (PascalCase). Every route also works behind a deployment prefix such as an API Gateway stage.",
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components,
      parameters: {
        JobIds: {
          name: 'jobIds',
          in: 'path',
          required: true,
          description: 'One CI job id, or several separated by commas',
          schema: { type: 'string', pattern: jobIdList },
        },
        Bucket: {
          name: 'bucket',
          in: 'query',
          description: 'Bucket-APPID; must be CI_BUCKET or listed in ALLOWED_BUCKETS. Defaults to CI_BUCKET',
          schema: { type: 'string', maxLength: 64 },
        },
        Region: {
          name: 'region',
          in: 'query',
          description: 'CI region, e.g. ap-guangzhou. Defaults to CI_REGION',
          schema: { type: 'string', maxLength: 32 },
        },
        Wait: {
          name: 'wait',
          in: 'query',
          description: 'Long-poll for up to this many seconds (capped by the function timeout); 0 = answer at once',
          schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS },
        },
        CallerRequestId: {
          name: 'x-request-id',
          in: 'header',
          description: 'Kept as our request id when it is 1-128 characters of A-Z a-z 0-9 . _ : = -',
          schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$' },
        },
        LastEventId: {
          name: 'last-event-id',
          in: 'header',
          description:
            'The id of the last event received: the stream resumes without repeating that state (also accepted as ?lastEventId=)',
          schema: { type: 'string' },
        },
        IfNoneMatch: {
          name: 'if-none-match',
          in: 'header',
          description: 'ETag(s) of an earlier answer; a match answers 304 without a body',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'AUTH_MODE=jwt: a JWT from your login; AUTH_MODE=apikey: the API key' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'AUTH_MODE=apikey' },
        callbackToken: { type: 'apiKey', in: 'query', name: 'token', description: 'CALLBACK_TOKEN, on /callbacks/ci only' },
      },
      headers: {
        RequestId: { description: 'Our request id (also Error.RequestId)', schema: { type: 'string' } },
        CiRequestId: { description: "CI's request id(s), comma-separated when several CI calls were made", schema: { type: 'string' } },
        ETag: { description: 'Weak tag of the answer without RequestId, for If-None-Match', schema: { type: 'string' } },
        CacheControl: {
          description: '`public, max-age=<CACHE_TERMINAL_TTL_S>` when every job is final (`private` with credentials), else `no-cache`',
          schema: { type: 'string' },
        },
        XCache: {
          description: "Where the jobs came from: this instance's cache (hit), partly (partial), or CI (miss)",
          schema: { enum: ['hit', 'partial', 'miss'] },
        },
        SchemaErrorCount: {
          description:
            'How many places in the answer differ from the documented schema (SchemaErrors lists them, at most 1000); absent when none',
          schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
        },
      },
    },
  };
}
