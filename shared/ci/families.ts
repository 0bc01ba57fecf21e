/**
 * The job families callers name (`type`) and how each maps onto a CI query endpoint.
 * `batchSize` is how many ids one CI call may carry: `/jobs` documents up to 10 comma-separated
 * ids; `/pic_jobs` is typed as an array in the docs and queried the same way by the SDKs; the AI
 * and batch endpoints take one id a call in every SDK, so those are fanned out one call each; so do
 * the six moderation (`*-auditing`) endpoints, whose path has two segments before the id.
 */
export const FAMILIES = {
  media: { path: '/jobs', batchSize: 10 },
  pic: { path: '/pic_jobs', batchSize: 10 },
  ai: { path: '/ai_jobs', batchSize: 1 },
  batch: { path: '/inventorytriggerjob', batchSize: 1 },
  'image-auditing': { path: '/image/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
  'video-auditing': { path: '/video/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
  'audio-auditing': { path: '/audio/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
  'text-auditing': { path: '/text/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
  'document-auditing': { path: '/document/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
  'webpage-auditing': { path: '/webpage/auditing', batchSize: 1, missingCode: 'AuditingJobNotFound' },
} as const;

/**
 * The CI error code that means "no such job" on a family whose endpoint answers an unknown id with
 * an error rather than NonExistJobIds: CI's error table lists `404 AuditingJobNotFound` for the
 * moderation queries (one id per call), so such an answer puts the id in NonExistJobIds.
 */
export function missingJobCode(family: JobFamily): string | undefined {
  const entry = FAMILIES[family];
  return 'missingCode' in entry ? entry.missingCode : undefined;
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
