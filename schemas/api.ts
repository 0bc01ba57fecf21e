/**
 * Schemas for our own HTTP API (request body, success envelope, error envelope). Build-time only,
 * like the CI schemas: the request validator is precompiled, the rest feed tests and docs.
 */
import { Type } from '@sinclair/typebox';
import { FAMILIES, FAMILY_NAMES, type FamilySpec, JOB_ID_PATTERN, type JobFamily, MAX_JOB_IDS } from '../shared/ci/families';

export const jobQueryRequest = Type.Object(
  {
    // An enum, not a union of constants: its check is one lookup whatever the number of families,
    // and it sits in the eager bundle (the 150 kB budget).
    type: Type.Unsafe<JobFamily>({
      type: 'string',
      enum: FAMILY_NAMES,
      description: `Job family: ${Object.entries(FAMILIES)
        .map(([family, { path }]) => `${family} → ${path}`)
        .join(', ')}`,
    }),
    jobIds: Type.Array(Type.String({ pattern: JOB_ID_PATTERN }), {
      minItems: 1,
      maxItems: MAX_JOB_IDS,
      description: `CI job ids, at most ${MAX_JOB_IDS}; answered in this order`,
    }),
    bucket: Type.Optional(Type.String({ maxLength: 64, description: 'Bucket-APPID; must be CI_BUCKET or listed in ALLOWED_BUCKETS' })),
    region: Type.Optional(Type.String({ maxLength: 32, description: 'CI region, e.g. ap-guangzhou' })),
  },
  { additionalProperties: false },
);

const schemaError = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer into the converted CI response' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);

const schemaDrift = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer into this answer, e.g. /JobsDetail/0/Progress' }),
    expected: Type.String({ description: 'What the documented schema has there: number, boolean, string, object, …' }),
    received: Type.String({
      description: 'The JSON kind that came instead (string, object, array, missing, …); the value itself is at path',
    }),
  },
  { additionalProperties: false },
);

export const jobsEnvelope = Type.Object(
  {
    RequestId: Type.Union([Type.String(), Type.Null()], {
      description: "CI's request id when one CI call answered the request; null when several did",
    }),
    NonExistJobIds: Type.Array(Type.String(), { description: 'Requested ids CI does not know' }),
    SchemaErrors: Type.Optional(
      Type.Array(schemaDrift, {
        description:
          'Present only when CI broke the documented shape (SCHEMA_MODE=report, the default): every place, at most 1000 (the x-schema-errors header has the full count)',
      }),
    ),
  },
  {
    // The family's list (JobsDetail, or WorkflowExecution for workflow runs) is added per family
    // (familyListSchema); when one CI call answered, CI's other top-level nodes (e.g. NextToken) pass through.
    additionalProperties: true,
    description:
      "The answer to a job lookup: RequestId, the family's list (JobsDetail; WorkflowExecution for workflow), NonExistJobIds, then any other node CI sent",
  },
);

export const errorEnvelope = Type.Object(
  {
    Error: Type.Object(
      {
        Code: Type.String({ description: 'Stable machine-readable code, e.g. InvalidJobId, UpstreamError' }),
        Message: Type.String(),
        RequestId: Type.String({ description: 'Our request id (also in the x-request-id header)' }),
        Details: Type.Optional(Type.Array(schemaError)),
        Upstream: Type.Optional(
          Type.Object(
            {
              Status: Type.Integer(),
              Code: Type.Optional(Type.String()),
              RequestId: Type.Optional(Type.String()),
              TraceId: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/**
 * The family's list in its answer: `JobsDetail` (jobs) or `WorkflowExecution` (workflow runs),
 * always an array, one entry per existing id in request order. `items` is the family's item schema.
 */
export function familyListSchema(spec: FamilySpec, items: Record<string, unknown>): Record<string, unknown> {
  const what = spec.idField === 'JobId' ? 'job' : spec.idField;
  return {
    type: 'array',
    description: `One entry per existing ${what}, in request order; shape per family${spec.variantKey ? ' and Tag' : ''}`,
    items,
  };
}
