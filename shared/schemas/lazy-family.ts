/**
 * One family's answer check, assembled from parts the build compiled apart (split-branches.ts)
 * and loaded on first use: the base check (envelope and common job fields) and, per job, the branch
 * its Tag (or batch Type) selects. Accepts and rejects exactly what the whole family schema does.
 */
import type { ErrorObject } from 'ajv';
import type { Shape } from '../xml/shape';

/** An ajv standalone validate function; `ctx` places its error paths inside the enclosing document. */
export interface StandaloneValidate {
  (data: unknown, ctx?: { instancePath?: string; parentData?: unknown; parentDataProperty?: string | number; rootData?: unknown }): boolean;
  errors?: ErrorObject[] | null;
}

type Load<T> = () => T;

/** A family's entry in generated/validators.js: where each part is, not the parts themselves. */
export interface LazyFamily {
  /** The list whose items carry the key (the family's FamilySpec.list, split at build time by split-branches.ts). */
  list: string;
  key: string | null;
  known: string[];
  base: Load<{ validate: StandaloneValidate }>;
  shape: Load<{ shape: Shape }>;
  branches: Record<string, Load<{ validate: StandaloneValidate }>>;
  fallback: Load<{ validate: StandaloneValidate }> | undefined;
}

/** What callers use: a boolean verdict, and the first break found when it is false. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * `load` wraps each part's loader (validators.ts turns a missing file into a clear error). Parts
 * are loaded once per instance and only when an answer needs them.
 */
export function lazyFamilyValidator(parts: LazyFamily, load: <T>(part: Load<T>) => T): Validator {
  let base: StandaloneValidate | undefined;
  let fallback: StandaloneValidate | undefined;
  // Null prototype: the key's value comes from CI and must never reach Object.prototype.
  const loaded: Record<string, StandaloneValidate> = Object.create(null) as Record<string, StandaloneValidate>;
  const known = new Set(parts.known);

  const branchFor = (job: unknown): StandaloneValidate | undefined => {
    const value = parts.key === null ? undefined : (job as Record<string, unknown>)[parts.key];
    // Exactly the conditions ByKey emits: a known value selects its own branch (which may have
    // nothing to add), anything else (unknown, missing, not a string) the fallback.
    const name = typeof value === 'string' && known.has(value) ? value : undefined;
    if (name === undefined) return parts.fallback && (fallback ??= load(parts.fallback).validate);
    const loader = Object.prototype.hasOwnProperty.call(parts.branches, name) ? parts.branches[name] : undefined;
    return loader && (loaded[name] ??= load(loader).validate);
  };

  const validate: Validator = (data) => {
    base ??= load(parts.base).validate;
    if (!base(data)) {
      validate.errors = base.errors;
      return false;
    }
    // The base check passed, so the document is an object and the list, when present, holds objects.
    const jobs = parts.key === null ? undefined : (data as Record<string, unknown>)[parts.list];
    if (Array.isArray(jobs)) {
      for (let i = 0; i < jobs.length; i++) {
        const branch = branchFor(jobs[i]);
        if (branch && !branch(jobs[i], { instancePath: `/${parts.list}/${i}`, parentData: jobs, parentDataProperty: i, rootData: data })) {
          validate.errors = branch.errors;
          return false;
        }
      }
    }
    validate.errors = null;
    return true;
  };
  return validate;
}
