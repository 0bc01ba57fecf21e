/**
 * The validators are built from schemas whose Tag branches were cut down to their residue
 * (schemas/prune-branch-repeats.ts). Here the cut-down and the full schemas are compiled side by
 * side and must agree on every fixture and on thousands of broken variants of them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { FAMILY_NAMES, type JobFamily } from '../../shared/ci/families';
import { familySchemas } from '../../schemas/ci-families';
import { factorSchemas } from '../../schemas/dedupe';
import { pruneBranchRepeats, residue } from '../../schemas/prune-branch-repeats';
import { familyShape } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape, type Json } from '../../shared/xml/shape';

type Node = Record<string, unknown>;
const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as Node;

describe('residue', () => {
  const base = {
    type: 'object',
    properties: { A: { type: 'string' }, O: { type: 'object', properties: { X: { type: 'string' } } } },
    required: ['A'],
  };

  test('keeps only what the enclosing object does not already check', () => {
    const variant = {
      type: 'object',
      properties: {
        A: { type: 'string' },
        O: { type: 'object', additionalProperties: true, properties: { X: { type: 'string' }, Y: { type: 'integer' } }, description: 'd' },
      },
      required: ['A', 'B'],
    };
    expect(residue(variant, base)).toEqual({
      type: 'object',
      properties: { O: { type: 'object', properties: { Y: { type: 'integer' } } } },
      required: ['B'],
    });
    expect(residue(base, base)).toBeUndefined();
  });

  test('a variant with a keyword it does not understand is kept whole', () => {
    const closed = { type: 'object', additionalProperties: false, properties: { A: { type: 'string' } } };
    expect(residue(closed, base)).toBe(closed);
    const changed = { type: 'object', properties: { A: { type: 'integer' } } };
    expect(residue(changed, base)).toEqual({ type: 'object', properties: { A: { type: 'integer' } } });
  });

  test('branches with nothing left are dropped, the rest keep their condition', () => {
    const schema = {
      ...base,
      allOf: [
        { if: { properties: { A: { const: 'x' } } }, then: { type: 'object', properties: { A: { type: 'string' } } } },
        { if: { properties: { A: { const: 'y' } } }, then: { type: 'object', properties: { Z: { type: 'string' } } } },
      ],
    };
    expect((pruneBranchRepeats(schema) as Node).allOf).toEqual([schema.allOf[1]]);
  });
});

describe('the cut-down family schemas accept exactly what the full ones accept', () => {
  const fixturesDir = join(__dirname, '..', '..', 'dev', 'fixtures');

  // Compiled the way the build compiles them: shared subtrees hoisted, refs not inlined.
  const compile = (prune: boolean): Record<JobFamily, ValidateFunction> => {
    const roots = Object.fromEntries(
      Object.entries(familySchemas).map(([family, schema]) => [
        family,
        (prune ? pruneBranchRepeats(plain(schema)) : plain(schema)) as Node,
      ]),
    );
    const { roots: factored, defs } = factorSchemas(roots, 'defs');
    const ajv = new Ajv({ strict: false, allowUnionTypes: true, inlineRefs: false });
    ajv.addSchema(defs, 'defs');
    return Object.fromEntries(FAMILY_NAMES.map((f) => [f, ajv.compile(factored[f] as Node)])) as Record<JobFamily, ValidateFunction>;
  };
  const full = compile(false);
  const pruned = compile(true);

  const documents = FAMILY_NAMES.flatMap((family) =>
    readdirSync(join(fixturesDir, family)).map((file) => {
      const xml = readFileSync(join(fixturesDir, family, file), 'utf8');
      return { family, file, json: applyShape(parseXml(xml).Response ?? '', familyShape(family)) };
    }),
  );

  // Every leaf, one at a time, replaced by a value of the wrong kind; every container by a string.
  function* brokenVariants(doc: Json): Generator<Json> {
    const paths: (string | number)[][] = [];
    const walk = (v: Json, path: (string | number)[]) => {
      if (path.length > 2) paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k] as Json, [...path, k]);
    };
    walk(doc, []);
    for (const path of paths) {
      const copy = structuredClone(doc) as Node;
      let parent: Node = copy;
      for (const step of path.slice(0, -1)) parent = parent[step as string] as Node;
      const last = path[path.length - 1] as string;
      const value = parent[last];
      parent[last] = typeof value === 'string' ? { x: 1 } : typeof value === 'object' && value !== null ? 'text' : [value];
      yield copy as Json;
    }
  }

  test.each(FAMILY_NAMES)('%s: fixtures and their broken variants get the same verdict', (family) => {
    let rejected = 0;
    let checked = 0;
    for (const doc of documents.filter((d) => d.family === family)) {
      expect(pruned[family](doc.json)).toBe(true);
      for (const variant of brokenVariants(doc.json)) {
        const verdict = pruned[family](variant);
        expect(verdict).toBe(full[family](variant));
        checked += 1;
        if (!verdict) rejected += 1;
      }
    }
    // The variants must really exercise the Tag branches, not only pass everything.
    expect(checked).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(checked / 3);
  });
});
