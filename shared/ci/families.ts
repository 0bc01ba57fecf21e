/**
 * The job families callers name (`type`) and how each maps onto a CI query endpoint.
 * `batchSize` is how many ids one CI call may carry: `/jobs` and `/file_jobs` document up to 10
 * comma-separated ids; `/pic_jobs` and `/asr_jobs` are typed as arrays in the docs and queried the
 * same way by the SDKs (Go DescribeMultiASRJob joins ids with commas); the AI, batch, document and
 * virus endpoints take one id a call in every SDK, so those are fanned out one call each.
 */
export const FAMILIES = {
  media: { path: '/jobs', batchSize: 10 },
  pic: { path: '/pic_jobs', batchSize: 10 },
  ai: { path: '/ai_jobs', batchSize: 1 },
  batch: { path: '/inventorytriggerjob', batchSize: 1 },
  asr: { path: '/asr_jobs', batchSize: 10 },
  doc: { path: '/doc_jobs', batchSize: 1 },
  file: { path: '/file_jobs', batchSize: 10 },
  virus: { path: '/virus/detect', batchSize: 1, missingCode: 'AuditingJobNotFound' },
} as const;

/**
 * The CI error code that means "no such job" on a family whose endpoint answers an unknown id with
 * an error rather than NonExistJobIds. Virus detection is a content-moderation API (its CAM action
 * is DescribeAuditingVirusJob) and its result has no NonExistJobIds; CI's error table lists
 * `404 AuditingJobNotFound` for moderation jobs, so such an answer puts the id in NonExistJobIds.
 */
export function missingJobCode(family: JobFamily): string | undefined {
  const entry: { path: string; missingCode?: string } = FAMILIES[family];
  return entry.missingCode;
}

export type JobFamily = keyof typeof FAMILIES;
export const FAMILY_NAMES = Object.keys(FAMILIES) as JobFamily[];

export function isJobFamily(value: unknown): value is JobFamily {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FAMILIES, value);
}

/** CI job ids are short tokens; this pattern keeps anything else out of the upstream path. */
export const JOB_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const JOB_ID_RE = new RegExp(JOB_ID_PATTERN);

/** Most ids one request may name (each family then splits them into CI-sized calls). */
export const MAX_JOB_IDS = 50;

/** How many CI calls one lookup of `idCount` distinct ids makes (an unknown family: one per id). */
export function ciCallsFor(type: string, idCount: number): number {
  return isJobFamily(type) ? Math.ceil(idCount / FAMILIES[type].batchSize) : idCount;
}
