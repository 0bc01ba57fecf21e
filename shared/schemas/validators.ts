/**
 * Run-time access to the build's precompiled validators and converter shapes (no ajv compile here).
 * The request check is in the bundle; each family's answer check and shape are separate files
 * beside it (dist/job-status/validators/), loaded the first time an answer needs them, so the
 * bundle stays small however many families and Tags the schemas know.
 */
import type { ErrorObject } from 'ajv';
import * as generated from '../../generated/validators';
import { type SchemaIssue, serverMisconfigured } from '../http/errors';
import type { Shape } from '../xml/shape';
import { type Validator, lazyFamilyValidator } from './lazy-family';

export type { Validator } from './lazy-family';

function load<T>(part: () => T): T {
  try {
    return part();
  } catch {
    // The require's own message names local paths; the caller only needs to know what to fix.
    throw serverMisconfigured('A validator file is missing beside the function code: deploy the whole dist/job-status folder');
  }
}

/**
 * A family's name as the build generated its files (ci/families.ts's JobFamily). Kept as a plain
 * string so this loader does not depend on ci/, which depends on it.
 */
type FamilyName = string;

const validators = new Map<FamilyName, Validator>();
const shapes = new Map<FamilyName, Shape>();

export const validateJobQueryRequest = generated.validateJobQueryRequest;

export function familyValidator(family: FamilyName): Validator {
  let validate = validators.get(family);
  if (!validate) validators.set(family, (validate = lazyFamilyValidator(generated.families[family]!, load)));
  return validate;
}

export function familyShape(family: FamilyName): Shape {
  let shape = shapes.get(family);
  if (!shape) shapes.set(family, (shape = load(generated.families[family]!.shape).shape));
  return shape;
}

export function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));
}
