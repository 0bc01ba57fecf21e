/**
 * What the emulator knows about each CI query endpoint: one entry per family, and nothing else in
 * the emulator names a family. Written from CI's documentation, not imported from the function's
 * own table (shared/ci/families.ts), so a mistake there shows up as a failing test here.
 *
 * - `route`: the path before the ids (`jobs` in `/jobs/<ids>`, `virus/detect`, `image/auditing`);
 *   `folder`: the fixtures under dev/fixtures/.
 * - `maxIds`: how many comma-separated ids one call may name.
 * - `item`: the repeated element holding one job (`JobsDetail`, `WorkflowExecution`); `idField`
 *   its id child; `variantField`: the child whose text names its kind (Tag, batch Type), if any.
 * - `requestIdInBody`: where CI's sample bodies carry `<RequestId>`: first child, last (after the
 *   items: moderation and virus detection, as in the Go SDK's test bodies), or not at all.
 * - `unknownId`: how an id CI does not know is answered: listed in `<NonExistJobIds>` of a 200, or
 *   an `<Error>` with that HTTP status and code (CI's error table has `404 AuditingJobNotFound` for
 *   moderation; see `workflow` in docs/api.md for why its reading).
 */
export interface EmulatedFamily {
  route: string;
  folder: string;
  maxIds: number;
  item: string;
  idField: string;
  variantField: string | undefined;
  requestIdInBody: 'first' | 'last' | false;
  unknownId: 'listed' | { status: number; code: string };
}

const jobsDetail = { item: 'JobsDetail', idField: 'JobId', unknownId: 'listed' } as const;
/** Content moderation and virus detection: one id per call, no Tag, RequestId after the job. */
const moderation = (route: string, folder: string) =>
  ({
    route,
    folder,
    maxIds: 1,
    item: 'JobsDetail',
    idField: 'JobId',
    variantField: undefined,
    requestIdInBody: 'last',
    unknownId: { status: 404, code: 'AuditingJobNotFound' },
  }) as const;

export const EMULATED_FAMILIES = {
  media: { route: 'jobs', folder: 'media', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  pic: { route: 'pic_jobs', folder: 'pic', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  ai: { route: 'ai_jobs', folder: 'ai', maxIds: 1, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  batch: { route: 'inventorytriggerjob', folder: 'batch', maxIds: 1, ...jobsDetail, variantField: 'Type', requestIdInBody: 'first' },
  workflow: {
    route: 'workflowexecution',
    folder: 'workflow',
    maxIds: 1,
    item: 'WorkflowExecution',
    idField: 'RunId',
    variantField: undefined,
    requestIdInBody: 'first',
    // Not documented: the emulator takes the reading the function must survive (docs/api.md).
    unknownId: { status: 404, code: 'NoSuchWorkflowExecution' },
  },
  asr: { route: 'asr_jobs', folder: 'asr', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  doc: { route: 'doc_jobs', folder: 'doc', maxIds: 1, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  file: { route: 'file_jobs', folder: 'file', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  virus: moderation('virus/detect', 'virus'),
  'image-auditing': moderation('image/auditing', 'image-auditing'),
  'video-auditing': moderation('video/auditing', 'video-auditing'),
  'audio-auditing': moderation('audio/auditing', 'audio-auditing'),
  'text-auditing': moderation('text/auditing', 'text-auditing'),
  'document-auditing': moderation('document/auditing', 'document-auditing'),
  'webpage-auditing': moderation('webpage/auditing', 'webpage-auditing'),
} satisfies Record<string, EmulatedFamily>;

export type Family = keyof typeof EMULATED_FAMILIES;
export const FAMILY_DIRS = Object.keys(EMULATED_FAMILIES) as Family[];

/** The family a request path names and the id list after its route (`/virus/detect/<id>`), or undefined. */
export function familyOfPath(path: string): { family: Family; idList: string } | undefined {
  for (const family of FAMILY_DIRS) {
    const prefix = `/${EMULATED_FAMILIES[family].route}/`;
    const rest = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    if (rest !== undefined && !rest.includes('/')) return { family, idList: rest };
  }
  return undefined;
}

export const emulatedFamily = (family: Family): EmulatedFamily => EMULATED_FAMILIES[family];
