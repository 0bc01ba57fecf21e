/**
 * What the emulator knows about each CI query endpoint: one entry per family, and nothing else in
 * the emulator names a family. Written from CI's documentation, not imported from the function's
 * own table (shared/ci/families.ts), so a mistake there shows up as a failing test here.
 *
 * - `route`: the first path segment (`/jobs/<ids>`); `folder`: the fixtures under dev/fixtures/.
 * - `maxIds`: how many comma-separated ids one call may name.
 * - `item`: the repeated element holding one job (`JobsDetail`, `WorkflowExecution`); `idField`
 *   its id child; `variantField`: the child whose text names its kind (Tag, batch Type), if any.
 * - `requestIdInBody`: whether CI's sample bodies carry `<RequestId>` (first child).
 * - `unknownId`: how an id CI does not know is answered: listed in `<NonExistJobIds>` of a 200, or
 *   an `<Error>` with that HTTP status and code (see `workflow` in docs/api.md for why).
 */
export interface EmulatedFamily {
  route: string;
  folder: string;
  maxIds: number;
  item: string;
  idField: string;
  variantField: string | undefined;
  requestIdInBody: boolean;
  unknownId: 'listed' | { status: number; code: string };
}

const jobsDetail = { item: 'JobsDetail', idField: 'JobId', unknownId: 'listed' } as const;

export const EMULATED_FAMILIES = {
  media: { route: 'jobs', folder: 'media', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  pic: { route: 'pic_jobs', folder: 'pic', maxIds: 10, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  ai: { route: 'ai_jobs', folder: 'ai', maxIds: 1, ...jobsDetail, variantField: 'Tag', requestIdInBody: false },
  batch: { route: 'inventorytriggerjob', folder: 'batch', maxIds: 1, ...jobsDetail, variantField: 'Type', requestIdInBody: true },
  workflow: {
    route: 'workflowexecution',
    folder: 'workflow',
    maxIds: 1,
    item: 'WorkflowExecution',
    idField: 'RunId',
    variantField: undefined,
    requestIdInBody: true,
    // Not documented: the emulator takes the reading the function must survive (docs/api.md).
    unknownId: { status: 404, code: 'NoSuchWorkflowExecution' },
  },
} satisfies Record<string, EmulatedFamily>;

export type Family = keyof typeof EMULATED_FAMILIES;
export const FAMILY_DIRS = Object.keys(EMULATED_FAMILIES) as Family[];

/** The family a request path's first segment names, or undefined. */
export function familyOfRoute(route: string): Family | undefined {
  return FAMILY_DIRS.find((family) => EMULATED_FAMILIES[family].route === route);
}

export const emulatedFamily = (family: Family): EmulatedFamily => EMULATED_FAMILIES[family];
