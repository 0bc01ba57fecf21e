/**
 * The converter shapes ship as sharedJsonModule files (schemas/dedupe.ts): one JSON text, each
 * repeated subtree written once and linked on load. The module must give back exactly the value it
 * was made from, share what it hoisted, and refuse a value it could not tell from a reference.
 */
import { runInNewContext } from 'node:vm';
import { sharedJsonModule } from '../../schemas/dedupe';

function load(source: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(source, { module, JSON });
  return module.exports;
}

const leaf = { k: 's' };
const media = { k: 'o', p: { Code: leaf, Message: leaf, Input: { k: 'o', p: { Object: leaf, Region: leaf } } } };

test('gives back the value it was made from, with repeated subtrees shared', () => {
  const value = {
    shape: { k: 'o', p: { A: media, B: media, List: { k: 'a', i: media }, Plain: [1, 'two', null, true, { x: [leaf, leaf] }] } },
  };
  const loaded = load(sharedJsonModule(value, 8)) as typeof value;
  expect(JSON.parse(JSON.stringify(loaded))).toEqual(value);
  expect(loaded.shape.p.A).toBe(loaded.shape.p.B);
  expect(loaded.shape.p.List.i).toBe(loaded.shape.p.A);
  expect(loaded.shape.p.A.p.Code).toBe(loaded.shape.p.A.p.Input.p.Region);
});

test('keeps the order of keys, and subtrees seen once stay unshared copies', () => {
  const value = { shape: { z: { k: 'n' }, a: { k: 'n', extra: 1 }, m: { k: 't' } } };
  const loaded = load(sharedJsonModule(value));
  expect(Object.keys(loaded.shape as object)).toEqual(['z', 'a', 'm']);
  expect(loaded).toEqual(value);
});

test('refuses a value with a "$" key, which would read as a reference', () => {
  expect(() => sharedJsonModule({ shape: { k: 'o', p: { $: { k: 's' } } } })).toThrow(/"\$"/);
});
