/** Run-time access to the build's precompiled validators and converter shapes (no ajv compile here). */
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as generated from '../../generated/validators';
import shapes from '../../generated/shapes';
import type { JobFamily } from '../ci/families';
import type { SchemaIssue } from '../http/errors';
import type { Shape } from '../xml/shape';

const familyValidators: Record<JobFamily, ValidateFunction> = {
  media: generated.validate_media,
  pic: generated.validate_pic,
  ai: generated.validate_ai,
  batch: generated.validate_batch,
};

export const validateJobQueryRequest = generated.validateJobQueryRequest;
export const familyValidator = (family: JobFamily): ValidateFunction => familyValidators[family];
export const familyShape = (family: JobFamily): Shape => (shapes as Record<JobFamily, Shape>)[family];

export function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));
}
