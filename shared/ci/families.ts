/**
 * How a job family maps onto a CI query endpoint and reads back. `path` and `batchSize` say how
 * its ids are asked for; the rest says where in CI's `<Response>` its items are and how to read
 * one, so nothing past this table assumes `JobsDetail` items named by `JobId`.
 */
export interface FamilySpec {
  /** The CI query path; ids follow it as `/<id>[,<id>…]`. */
  path: string;
  /** How many comma-joined ids one CI call may carry (1: several ids fan out one call each). */
  batchSize: number;
  /** The repeated element holding one item per existing id. */
  list: string;
  /** The child naming an item. */
  idField: string;
  /** The child holding an item's state. */
  stateField: string;
  /** The child whose text selects an item's schema branch (`Tag`, batch `Type`); null: one schema. */
  variantKey: string | null;
  /**
   * How CI answers a one-id call for an id it does not know when it does not list it in
   * `NonExistJobIds`: an HTTP 404 with this CI code (`AuditingJobNotFound`, from CI's error table,
   * for content moderation and virus detection), or `'*'`: a 404 with any code but InvalidUrl
   * (/workflowexecution, where CI's answer is undocumented; docs/api.md says why this reading).
   * Such an answer lists the id as missing; any other error is still an upstream error.
   */
  unknownIdError?: string;
}

/** The `<Response>` layout of every job family that answers `JobsDetail` items named by `JobId`. */
const JOBS_DETAIL = { list: 'JobsDetail', idField: 'JobId', stateField: 'State' } as const;
/** Content moderation and virus detection: one schema per family, an unknown id is CI's 404 AuditingJobNotFound. */
const MODERATION = { batchSize: 1, ...JOBS_DETAIL, variantKey: null, unknownIdError: 'AuditingJobNotFound' } as const;

/**
 * The job families callers name (`type`).
 * `batchSize`: `/jobs` and `/file_jobs` document up to 10 comma-separated ids; `/pic_jobs` and
 * `/asr_jobs` are typed as arrays in the docs and queried the same way by the SDKs (Go
 * DescribeMultiASRJob joins ids with commas); the AI, batch, document, workflow, virus and the six
 * moderation (`*-auditing`) endpoints take one id a call in every SDK, so those fan out one call each.
 */
export const FAMILIES = {
  media: { path: '/jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  pic: { path: '/pic_jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  ai: { path: '/ai_jobs', batchSize: 1, ...JOBS_DETAIL, variantKey: 'Tag' },
  batch: { path: '/inventorytriggerjob', batchSize: 1, ...JOBS_DETAIL, variantKey: 'Type' },
  asr: { path: '/asr_jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  doc: { path: '/doc_jobs', batchSize: 1, ...JOBS_DETAIL, variantKey: 'Tag' },
  file: { path: '/file_jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  // Workflow runs: `<WorkflowExecution>` items named by `<RunId>`, one run id per call (the API
  // takes one), one schema for every run (a run's node types vary inside it, not by a key).
  workflow: {
    path: '/workflowexecution',
    batchSize: 1,
    list: 'WorkflowExecution',
    idField: 'RunId',
    stateField: 'State',
    variantKey: null,
    unknownIdError: '*',
  },
  virus: { path: '/virus/detect', ...MODERATION },
  'image-auditing': { path: '/image/auditing', ...MODERATION },
  'video-auditing': { path: '/video/auditing', ...MODERATION },
  'audio-auditing': { path: '/audio/auditing', ...MODERATION },
  'text-auditing': { path: '/text/auditing', ...MODERATION },
  'document-auditing': { path: '/document/auditing', ...MODERATION },
  'webpage-auditing': { path: '/webpage/auditing', ...MODERATION },
} as const satisfies Record<string, FamilySpec>;

export type JobFamily = keyof typeof FAMILIES;
export const FAMILY_NAMES = Object.keys(FAMILIES) as JobFamily[];

export function isJobFamily(value: unknown): value is JobFamily {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FAMILIES, value);
}

/** A family's spec as the plain interface (the table's literal types are for the build's keys). */
export const familySpec = (family: JobFamily): FamilySpec => FAMILIES[family];

/** CI job ids are short tokens; this pattern keeps anything else out of the upstream path. */
export const JOB_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const JOB_ID_RE = new RegExp(JOB_ID_PATTERN);

/** Most ids one request may name (each family then splits them into CI-sized calls). */
export const MAX_JOB_IDS = 50;

/** How many CI calls one lookup of `idCount` distinct ids makes (an unknown family: one per id). */
export function ciCallsFor(type: string, idCount: number): number {
  return isJobFamily(type) ? Math.ceil(idCount / FAMILIES[type].batchSize) : idCount;
}
