/**
 * Build-time de-duplication. The TypeBox sources reuse schema objects freely (MediaInfo appears
 * under dozens of Tags), and JSON serialisation inlines every use. Left as is, ajv would generate
 * code for each copy (megabytes) and the converter shapes would repeat too. These helpers hoist
 * every repeated, non-trivial subtree once.
 */
import { type Node, isNode } from './json-node';

function countSubtrees(value: unknown, counts: Map<string, number>): void {
  if (Array.isArray(value)) return value.forEach((v) => countSubtrees(v, counts));
  if (!isNode(value)) return;
  const key = JSON.stringify(value);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const child of Object.values(value)) countSubtrees(child, counts);
}

/**
 * Moves every object subschema that occurs at least twice (and is worth a name) into one shared
 * `$defs` schema, replacing each use with a `$ref`. Names come from the property that first held it.
 */
export function factorSchemas(roots: Record<string, Node>, defsId: string, minChars = 120): { roots: Record<string, Node>; defs: Node } {
  const counts = new Map<string, number>();
  for (const root of Object.values(roots)) countSubtrees(root, counts);
  const names = new Map<string, string>();
  const defs: Record<string, Node> = {};
  const taken = new Set<string>();

  const transform = (value: unknown, hint: string, isRoot = false): unknown => {
    if (Array.isArray(value)) return value.map((v) => transform(v, hint));
    if (!isNode(value)) return value;
    const key = JSON.stringify(value);
    // Only self-standing schemas (with a type) are hoisted; an allOf branch needs its parent's type.
    const hoist = !isRoot && 'type' in value && (counts.get(key) ?? 0) >= 2 && key.length >= minChars;
    if (hoist && names.has(key)) return { $ref: `${defsId}#/$defs/${names.get(key)}` };
    let name = '';
    if (hoist) {
      const base = hint.replace(/[^A-Za-z0-9_]/g, '') || 'Def';
      name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
      taken.add(name);
      names.set(key, name);
    }
    const out: Node = {};
    for (const [k, v] of Object.entries(value)) {
      // A property schema is named after its property; items after their list.
      const childHint = k === 'properties' || k === 'allOf' || k === 'anyOf' || k === 'then' ? hint : k === 'items' ? `${hint}Item` : k;
      // Conditions stay inline: they are tiny and only make sense beside their object type.
      if (k === 'if') {
        out[k] = v;
        continue;
      }
      out[k] =
        k === 'properties' && isNode(v)
          ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, transform(s, p)]))
          : transform(v, childHint);
    }
    if (!hoist) return out;
    defs[name] = out;
    return { $ref: `${defsId}#/$defs/${name}` };
  };

  const outRoots = Object.fromEntries(Object.entries(roots).map(([id, root]) => [id, transform(root, id, true) as Node]));
  return { roots: outRoots, defs: { $id: defsId, $defs: defs } };
}

/**
 * Serialises a JSON value as a CommonJS module in which repeated subtrees are shared: each is
 * written once, in a table, and used as `{"$": <its index>}`; the module parses the one JSON text
 * and links the uses to the shared objects. JSON, not object literals: V8 parses JSON far faster
 * than it compiles and runs the same literals as code (media's shape, loaded on its family's first
 * answer: ~4× less time to load).
 */
export function sharedJsonModule(exportsValue: Record<string, unknown>, minChars = 24): string {
  const counts = new Map<string, number>();
  countSubtrees(exportsValue, counts);
  const index = new Map<string, number>();
  const table: unknown[] = [];
  const encode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(encode);
    if (!isNode(value)) return value;
    if ('$' in value) throw new Error('"$" marks a shared subtree: no value may have that key');
    const key = JSON.stringify(value);
    const known = index.get(key);
    if (known !== undefined) return { $: known };
    const body = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    if ((counts.get(key) ?? 0) < 2 || key.length < minChars) return body;
    // Children first: a table entry only refers to entries before it.
    index.set(key, table.length);
    table.push(body);
    return { $: table.length - 1 };
  };
  const root = encode(exportsValue);
  return `"use strict";
const d=JSON.parse(${JSON.stringify(JSON.stringify({ table, root }))});
const link=(v)=>{if(v===null||typeof v!=="object")return v;if(Array.isArray(v)){for(let i=0;i<v.length;i++)v[i]=link(v[i]);return v}if(v.$!==undefined)return d.table[v.$];for(const k in v)v[k]=link(v[k]);return v};
for(let i=0;i<d.table.length;i++)d.table[i]=link(d.table[i]);
module.exports=link(d.root);
`;
}
