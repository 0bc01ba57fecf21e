/**
 * The job families callers name (`type`) and how each maps onto a CI query endpoint and reads back.
 * `batchSize` is how many ids one CI call may carry: `/jobs` documents up to 10 comma-separated
 * ids; `/pic_jobs` is typed as an array in the docs and queried the same way by the SDKs; the AI
 * and batch endpoints take one id a call in every SDK, so those are fanned out one call each.
 *
 * The rest says where in CI's `<Response>` a family's items are and how to read one, so nothing
 * past this table assumes `JobsDetail` items named by `JobId`: `list` is the repeated element
 * holding one item per existing id, `idField` the child naming it, `stateField` the child holding
 * its state, `variantKey` the child whose text selects its schema branch (`Tag`, batch `Type`),
 * or null when a family has one schema for every item.
 */
export interface FamilySpec {
  path: string;
  batchSize: number;
  list: string;
  idField: string;
  stateField: string;
  variantKey: string | null;
  /**
   * Whether CI may answer a one-id call for an id it does not know with an error (HTTP 404, any
   * code but InvalidUrl) rather than with NonExistJobIds: such an answer then lists the id as
   * missing. Undocumented for /workflowexecution (docs/api.md says why this reading).
   */
  unknownIdAsError?: boolean;
}

/** The `<Response>` layout of every job family that answers `JobsDetail` items named by `JobId`. */
const JOBS_DETAIL = { list: 'JobsDetail', idField: 'JobId', stateField: 'State' } as const;

export const FAMILIES = {
  media: { path: '/jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  pic: { path: '/pic_jobs', batchSize: 10, ...JOBS_DETAIL, variantKey: 'Tag' },
  ai: { path: '/ai_jobs', batchSize: 1, ...JOBS_DETAIL, variantKey: 'Tag' },
  batch: { path: '/inventorytriggerjob', batchSize: 1, ...JOBS_DETAIL, variantKey: 'Type' },
  // Workflow runs: `<WorkflowExecution>` items named by `<RunId>`, one run id per call (the API
  // takes one), one schema for every run (a run's node types vary inside it, not by a key).
  workflow: {
    path: '/workflowexecution',
    batchSize: 1,
    list: 'WorkflowExecution',
    idField: 'RunId',
    stateField: 'State',
    variantKey: null,
    unknownIdAsError: true,
  },
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
