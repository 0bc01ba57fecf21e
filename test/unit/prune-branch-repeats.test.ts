/**
 * Every Tag branch is cut down to its residue (schemas/prune-branch-repeats.ts): one level deep in
 * the documented schemas (ByKey, schemas/dsl.ts), all the way down in the validators. Here the
 * contract of that one function is pinned, checked for soundness on random schemas at every depth,
 * and the cut-down and the full family schemas are compiled side by side and must agree on every
 * fixture and on thousands of broken variants of them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { Type } from '@sinclair/typebox';
import { FAMILY_NAMES, type JobFamily } from '../../shared/ci/families';
import { familySchemas } from '../../schemas/ci-families';
import { factorSchemas } from '../../schemas/dedupe';
import { ByKey, Int, Obj, Text } from '../../schemas/dsl';
import { isNode } from '../../schemas/json-node';
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

describe('residue depth', () => {
  const base = {
    type: 'object',
    properties: { A: { type: 'string' }, O: { type: 'object', properties: { X: { type: 'string' } } } },
    required: ['A'],
  };
  const variant = {
    type: 'object',
    properties: {
      A: { type: 'string' },
      O: { type: 'object', properties: { X: { type: 'string' }, Y: { type: 'integer' } } },
      N: { type: 'string' },
    },
    required: ['A', 'N'],
  };

  test('depth 0 drops a variant written exactly like the base and keeps any other whole', () => {
    expect(residue(base, base, 0)).toBeUndefined();
    expect(residue(variant, base, 0)).toBe(variant);
  });

  test('depth 1 drops the properties written like the base and keeps a changed one whole', () => {
    expect(residue(variant, base, 1)).toEqual({
      type: 'object',
      properties: { O: variant.properties.O, N: { type: 'string' } },
      required: ['N'],
    });
  });

  test('the default cuts as deep as both schemas go', () => {
    expect(residue(variant, base)).toEqual({
      type: 'object',
      properties: { O: { type: 'object', properties: { Y: { type: 'integer' } } }, N: { type: 'string' } },
      required: ['N'],
    });
    expect(residue(variant, base)).toEqual(residue(variant, base, 2));
  });
});

describe('ByKey writes its branches as one-level residues, the validators cut them further', () => {
  const common = Obj({ Tag: Text(), State: Text(), Operation: Obj({ Input: Text() }) });
  const wider = Obj({ Tag: Text(), State: Text(), Operation: Obj({ Input: Text(), Output: Text() }), Extra: Int() }, ['Extra']);
  const schema = plain(
    ByKey('Tag', common, {
      Same: Obj({ Tag: Text(), State: Text(), Operation: Obj({ Input: Text() }) }),
      Wider: wider,
      Closed: Type.Object({ Tag: Text() }, { additionalProperties: false }),
    }),
  );
  const thenOf = (s: Node, i: number) => ((s.allOf as Node[])[i] as Node).then;

  test('documented form: unchanged properties go, a changed one stays whole, every value keeps its branch', () => {
    expect((schema.allOf as Node[]).map((b) => b.if)).toEqual([
      { properties: { Tag: { const: 'Same' } }, required: ['Tag'] },
      { properties: { Tag: { const: 'Wider' } }, required: ['Tag'] },
      { properties: { Tag: { const: 'Closed' } }, required: ['Tag'] },
      { not: { properties: { Tag: { enum: ['Same', 'Wider', 'Closed'] } }, required: ['Tag'] } },
    ]);
    expect(thenOf(schema, 0)).toEqual({ type: 'object', properties: {} });
    expect(thenOf(schema, 1)).toEqual({
      type: 'object',
      properties: { Operation: plain(wider.properties.Operation), Extra: plain(Int()) },
      required: ['Extra'],
    });
    // A closed variant forbids what the common fields allow: cutting it would weaken the check.
    expect(thenOf(schema, 2)).toEqual(plain(Type.Object({ Tag: Text() }, { additionalProperties: false })));
    expect(thenOf(schema, 3)).toEqual({ type: 'object', properties: {} });
  });

  test('validator form: the changed property is cut to what it adds, empty branches go', () => {
    const pruned = pruneBranchRepeats(schema) as Node;
    expect((pruned.allOf as Node[]).map((b) => b.then)).toEqual([
      {
        type: 'object',
        properties: { Operation: { type: 'object', properties: { Output: { type: 'string' } } }, Extra: plain(Int()) },
        required: ['Extra'],
      },
      thenOf(schema, 2),
    ]);
  });
});

describe('base ∧ residue(variant, base, depth) accepts exactly what base ∧ variant accepts', () => {
  const NAMES = ['A', 'B', 'C'];
  const leaf = fc.constantFrom<unknown>({ type: 'string' }, { type: 'integer' }, { type: 'object' }, { type: ['string', 'null'] });
  const { schema: schemaArb } = fc.letrec<{ schema: unknown; object: Node }>((tie) => ({
    schema: fc.oneof({ depthSize: 'small' }, leaf, tie('object')),
    object: fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(fc.constantFrom(...NAMES), tie('schema'), { maxKeys: 3 }),
        required: fc.subarray(NAMES),
        additionalProperties: fc.boolean(),
        description: fc.constant('d'),
        minProperties: fc.constant(1),
      },
      { requiredKeys: ['type'] },
    ),
  }));
  // A variant shares parts of its base, as the Tag variants share the common fields.
  const variantOf = (base: unknown, depth: number): fc.Arbitrary<unknown> => {
    if (!isNode(base) || depth > 3) return fc.oneof(fc.constant(base), schemaArb);
    const props = isNode(base.properties) ? base.properties : {};
    const reuse = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, variantOf(v, depth + 1)])));
    const shared = fc
      .tuple(reuse, fc.dictionary(fc.constantFrom(...NAMES), schemaArb, { maxKeys: 2 }), fc.subarray(NAMES), fc.option(fc.boolean()))
      .map(([kept, added, required, additional]) => ({
        ...base,
        properties: { ...kept, ...added },
        required,
        ...(additional === null ? {} : { additionalProperties: additional }),
      }));
    return fc.oneof(fc.constant(base), shared, shared, schemaArb);
  };
  const { value: docArb } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom<unknown>(null, 'text', 1, 1.5, true),
      fc.dictionary(fc.constantFrom(...NAMES, 'D'), tie('value'), { maxKeys: 4 }),
    ),
  }));
  const caseArb = schemaArb.chain((base) =>
    fc.tuple(fc.constant(base), variantOf(base, 0), fc.array(docArb, { minLength: 30, maxLength: 30 })),
  );
  const ajv = new Ajv({ strict: false, allowUnionTypes: true });
  // Depths often cut to the same schema: compile each distinct one once.
  const compiled = new Map<string, ValidateFunction>();
  const compile = (schema: unknown): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(JSON.parse(key) as Node)));
    return validate;
  };

  const agrees = (...cuts: ((variant: unknown, base: unknown) => unknown)[]) =>
    fc.property(caseArb, ([base, variant, docs]) => {
      const full = compile({ allOf: [base, variant] });
      for (const cut of cuts) {
        const rest = cut(variant, base);
        const reduced = compile({ allOf: [base, rest === undefined ? true : rest] });
        for (const doc of docs) expect(reduced(doc)).toBe(full(doc));
      }
    });

  test('at depths 0, 1, 2 and ∞', () => {
    const cuts = [0, 1, 2, Infinity].map((depth) => (variant: unknown, base: unknown) => residue(variant, base, depth));
    fc.assert(agrees(...cuts), { numRuns: 100 });
  });

  test('the check catches an unsound cut (one that drops whatever the base also names)', () => {
    const unsound = (variant: unknown, base: unknown) => {
      if (!isNode(variant) || !isNode(base) || !isNode(variant.properties)) return variant;
      const baseProps = isNode(base.properties) ? base.properties : {};
      return { ...variant, properties: Object.fromEntries(Object.entries(variant.properties).filter(([k]) => !(k in baseProps))) };
    };
    expect(fc.check(agrees(unsound), { numRuns: 300, seed: 14 }).failed).toBe(true);
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
