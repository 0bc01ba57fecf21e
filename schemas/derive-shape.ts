/**
 * Build-time: turns a JSON Schema written with dsl.ts into the compact Shape the XML converter
 * walks at run time: lists, objects, typed leaves, and verbatim text leaves (kept as `s` so the
 * converter can report a container where text was documented).
 */
import type { Shape } from '../shared/xml/shape';

type Schema = { [key: string]: unknown };

const LEAF_KINDS: Record<string, Shape> = { time: { k: 't' }, int: { k: 'n' }, num: { k: 'n' }, bool: { k: 'b' } };
const TEXT: Shape = { k: 's' };

export function deriveShape(schema: Schema): Shape | undefined {
  const mark = schema['x-ci'];
  if (typeof mark === 'string' && mark in LEAF_KINDS) return LEAF_KINDS[mark];
  if (mark === 'list') {
    const item = deriveShape(schema.items as Schema);
    return item ? { k: 'a', i: item } : { k: 'a' };
  }
  if (schema.type === 'object') return deriveObject(schema);
  if (schema.type === 'string') return TEXT;
  return undefined;
}

function deriveProps(schema: Schema): Record<string, Shape> {
  const props: Record<string, Shape> = {};
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    const shape = deriveShape(sub);
    if (shape) props[key] = shape;
  }
  return props;
}

/** A container whose child names are data (dsl.ts `Dict`): every child has the one shape. */
function deriveOther(schema: Schema): { m: Shape } | Record<string, never> {
  const other = schema.additionalProperties;
  const shape = other !== null && typeof other === 'object' ? deriveShape(other as Schema) : undefined;
  return shape ? { m: shape } : {};
}

function deriveObject(schema: Schema): Shape {
  const common = deriveProps(schema);
  const key = schema['x-ci-by'];
  if (typeof key !== 'string')
    return Object.keys(common).length ? { k: 'o', p: common, ...deriveOther(schema) } : { k: 'o', ...deriveOther(schema) };

  const variants: Record<string, Record<string, Shape>> = {};
  let fallback: Record<string, Shape> = common;
  for (const branch of (schema.allOf ?? []) as Schema[]) {
    const cond = branch.if as Schema;
    const then = branch.then as Schema;
    const constValue = (cond.properties as Record<string, Schema> | undefined)?.[key]?.const;
    const merged = { ...common, ...deriveProps(then) };
    if (typeof constValue === 'string') variants[constValue] = merged;
    else fallback = merged;
  }
  return { k: 'o', p: common, by: key, v: variants, f: fallback };
}
