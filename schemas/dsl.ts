/**
 * The vocabulary every CI response schema is written in. Build-time only: scripts/build.mjs
 * turns these TypeBox schemas into JSON Schema, precompiled ajv validators and the "shape" the
 * XML converter walks (shared/xml/shape.ts). The leaf kind chosen here is therefore the single
 * place that decides whether a CI text node becomes a string, number, boolean, null or array.
 */
import { Type, type TSchema, type TProperties, type TObject } from '@sinclair/typebox';
import { residue } from './prune-branch-repeats';

/** Verbatim text. CI's default: most leaves, even numeric-looking ones (`Bitrate`, `CodecTag`, ids). */
export const Text = () => Type.String();

/** A CI timestamp. `-` and empty mean "not set" and become null. */
export const Time = () => Type.Union([Type.String({ minLength: 1 }), Type.Null()], { 'x-ci': 'time' });

/**
 * A count or size (`Progress`, `JobLevel`, `Width`, `SampleRate`, …). CI sends whole numbers, but
 * the Java and Android SDKs type these fields as String (and Go some as float), so any decimal
 * form (`45.5`, `44100.0`, `1424687.000000`) is read as the number it writes; empty becomes null.
 */
export const Int = () => Type.Union([Type.Number(), Type.Null()], { 'x-ci': 'num' });

/** Decimal text; empty becomes null. */
export const Num = () => Type.Union([Type.Number(), Type.Null()], { 'x-ci': 'num' });

/** `true`/`false` in any case, or `1`/`0`; empty becomes null. */
export const Bool = () => Type.Union([Type.Boolean(), Type.Null()], { 'x-ci': 'bool' });

/** A repeated element: always a JSON array, even when CI sent one element. */
export const List = <T extends TSchema>(item: T) => Type.Array(item, { 'x-ci': 'list' });

/**
 * A container. Every field is optional because CI adds and drops fields by job state; unknown
 * fields pass through (forward compatible). An empty element (`<OutputFile/>`) becomes `{}`.
 */
export const Obj = <P extends TProperties>(props: P, required: (keyof P & string)[] = []) =>
  Type.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v)])) as P, {
    additionalProperties: true,
  });

/**
 * A container whose child element names are data, not vocabulary: a workflow's `Topology.Nodes`
 * has one child per node, named as the workflow names its nodes (`Snapshot_1581665960536`). No
 * fixed key can describe them, so every child gets `value`'s schema, whatever its name; the
 * converter applies `value`'s shape to each (derive-shape.ts), so lists and typed leaves inside
 * stay as documented and every value is kept.
 */
export const Dict = <T extends TSchema>(value: T) => Type.Object({}, { additionalProperties: value });

/**
 * A container whose shape depends on the text of one child (`Tag` for media jobs, `Type` for batch
 * jobs). Known values get their own variant; any other value is checked against `fallback`, so a
 * Tag CI adds tomorrow still validates. Emitted as plain `allOf` + `if`/`then`, which ajv compiles
 * to one branch per value and the shape builder understands.
 */
export function ByKey(
  key: string,
  common: TObject,
  variants: Record<string, TObject>,
  fallback: TObject = Type.Object({}, { additionalProperties: true }),
): TSchema {
  const known = Object.keys(variants);
  return Type.Unsafe({
    ...common,
    'x-ci-by': key,
    allOf: [
      ...known.map((value) => ({
        if: { properties: { [key]: { const: value } }, required: [key] },
        then: documentedBranch(variants[value] as TObject, common),
      })),
      { if: { not: { properties: { [key]: { enum: known } }, required: [key] } }, then: documentedBranch(fallback, common) },
    ],
  });
}

/**
 * A variant repeats the common fields it shares; validating them twice would double the generated
 * validator for nothing, so a branch keeps only the properties the variant changes (each whole, so
 * the documented per-Tag form stays readable) or adds. The validators cut further
 * (prune-branch-repeats.ts). A branch left with nothing still stands, so every known value keeps
 * its branch for the shapes and the split validators.
 */
function documentedBranch(variant: TObject, common: TObject): unknown {
  return residue(variant, common, 1) ?? { type: 'object', properties: {} };
}
