/**
 * Build-time. The one place a schema branch is cut down to what the object holding it does not
 * already check, used at two depths with one meaning:
 *
 * - `ByKey` (dsl.ts) writes each Tag (or batch Type) branch as `residue(variant, common, 1)`: a
 *   property the variant writes like the common fields goes, a property it changes stays whole.
 *   That is the documented form (schemas.json → OpenAPI, client types, converter shapes), where a
 *   reader still sees each Tag's whole `Operation`.
 * - The validators (`pruneBranchRepeats`, split-branches.ts) cut each branch all the way down.
 *   The enclosing JobsDetail already checks `Operation` against the common children, and ajv would
 *   otherwise generate code for those again in every one of the ~40 branches.
 *
 * Sound because a branch is only ever applied together with its parent: `parent ∧ then` accepts
 * exactly what `parent ∧ residue(then, parent, depth)` accepts, at any depth. Anything this module
 * does not fully understand is kept whole, so the worst case is a bigger schema, never a weaker one.
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

/**
 * What `variant` checks beyond `base`; undefined when `base` already checks all of it.
 * `depth` is how many object levels are cut: at depth 0 a variant is dropped when it is written
 * exactly like `base` and kept whole otherwise; at depth 1 its properties are compared that way;
 * the default cuts as deep as both schemas go.
 */
export function residue(variant: unknown, base: unknown, depth = Infinity): unknown {
  if (sameJson(variant, base)) return undefined;
  if (depth <= 0 || !isNode(variant) || !isNode(base) || !isOpenObject(variant) || base.type !== 'object') return variant;
  const baseProps = isNode(base.properties) ? base.properties : {};
  const properties: Node = {};
  for (const [name, schema] of Object.entries(isNode(variant.properties) ? variant.properties : {})) {
    const rest = name in baseProps ? residue(schema, baseProps[name], depth - 1) : schema;
    if (rest !== undefined) properties[name] = rest;
  }
  const baseRequired = Array.isArray(base.required) ? base.required : [];
  const required = (Array.isArray(variant.required) ? variant.required : []).filter((n) => !baseRequired.includes(n));
  if (!Object.keys(properties).length && !required.length) return undefined;
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** Rewrites every if/then branch in `schema` to its full-depth residue against the object holding it. */
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
