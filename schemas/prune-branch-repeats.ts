/**
 * Build-time, validators only. A `ByKey` branch (dsl.ts) names the whole per-Tag `Operation`
 * although the enclosing JobsDetail already checks `Operation` against the common children. ajv
 * would generate code for those common children again in every one of the ~40 branches. This
 * rewrites each `then` to its residue: only what the enclosing object does not already check.
 *
 * Sound because a branch is only ever applied together with its parent: `parent ∧ then` accepts
 * exactly what `parent ∧ residue(then, parent)` accepts. Anything this module does not fully
 * understand is kept whole, so the worst case is a bigger validator, never a weaker one.
 * The documented schemas (schemas.json, shapes) keep the full per-Tag form.
 */
import { type Node, isNode, sameJson } from './json-node';

// Keywords a residue may be computed through; `description` is an annotation and can go.
const REDUCIBLE = new Set(['type', 'properties', 'required', 'additionalProperties', 'description']);

function isOpenObject(schema: Node): boolean {
  return (
    schema.type === 'object' &&
    (schema.additionalProperties === undefined || schema.additionalProperties === true) &&
    Object.keys(schema).every((k) => REDUCIBLE.has(k))
  );
}

/** What `variant` checks beyond `base`; undefined when `base` already checks all of it. */
export function residue(variant: unknown, base: unknown): unknown {
  if (sameJson(variant, base)) return undefined;
  if (!isNode(variant) || !isNode(base) || !isOpenObject(variant) || base.type !== 'object') return variant;
  const baseProps = isNode(base.properties) ? base.properties : {};
  const properties: Node = {};
  for (const [name, schema] of Object.entries(isNode(variant.properties) ? variant.properties : {})) {
    const rest = name in baseProps ? residue(schema, baseProps[name]) : schema;
    if (rest !== undefined) properties[name] = rest;
  }
  const baseRequired = Array.isArray(base.required) ? base.required : [];
  const required = (Array.isArray(variant.required) ? variant.required : []).filter((n) => !baseRequired.includes(n));
  if (!Object.keys(properties).length && !required.length) return undefined;
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** Rewrites every if/then branch in `schema` to its residue against the object holding it. */
export function pruneBranchRepeats(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pruneBranchRepeats);
  if (!isNode(schema)) return schema;
  const out: Node = {};
  for (const [k, v] of Object.entries(schema)) out[k] = pruneBranchRepeats(v);
  if (!Array.isArray(out.allOf) || !isNode(out.properties)) return out;

  const { allOf, ...parent } = out;
  const branches = (allOf as unknown[]).flatMap((branch) => {
    if (!isNode(branch) || !('then' in branch) || Object.keys(branch).some((k) => k !== 'if' && k !== 'then')) return [branch];
    const then = residue(branch.then, parent);
    // A branch with nothing left to check accepts everything: it can go.
    return then === undefined ? [] : [{ if: branch.if, then }];
  });
  return branches.length ? { ...parent, allOf: branches } : parent;
}
