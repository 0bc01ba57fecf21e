/**
 * The lookup shapes CI's answer straight from fast-xml-parser's ordered form (shared/xml/shape-ordered.ts)
 * instead of folding it into plain objects first and shaping those (applyShape over parseXml). The two
 * must give the same answer, key order included, and the same drift issues in the same order, on every
 * fixture under every family's shape, on the drifted variants, and on generated documents and shapes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FAMILY_DIRS } from '../../dev/emulator/families';
import { familyShape } from '../../shared/schemas/validators';
import { parseXml, parseXmlOrdered } from '../../shared/xml/parse';
import { DriftCollector, type Shape, applyShape } from '../../shared/xml/shape';
import { findRoot, shapeRoot } from '../../shared/xml/shape-ordered';
import { driftCorpus } from '../helpers/drift-corpus';
import { elementContent } from '../helpers/xml-documents';

/** Deep equality that also compares key order (toEqual does not). */
const ordered = (value: unknown): string => JSON.stringify(value ?? 'undefined');

/** Both paths on one document: the answer (undefined without the root) and the drift collected. */
function both(xml: string, shape: Shape | undefined, root = 'Response', limit = 1000) {
  const doc = parseXml(xml);
  const oldDrift = new DriftCollector(limit);
  const before = root in doc ? applyShape(doc[root] ?? '', shape, oldDrift) : undefined;
  const found = findRoot(parseXmlOrdered(xml), root);
  const newDrift = new DriftCollector(limit);
  const after = found ? shapeRoot(found, shape, newDrift) : undefined;
  return {
    old: ordered({ value: before, issues: oldDrift.issues, total: oldDrift.total }),
    new: ordered({ value: after, issues: newDrift.issues, total: newDrift.total }),
    drifted: oldDrift.total > 0,
  };
}

const FIXTURES = join(__dirname, '..', '..', 'dev', 'fixtures');
const fixtures = FAMILY_DIRS.flatMap((family) =>
  readdirSync(join(FIXTURES, family))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => ({ family, file: `${family}/${f}`, xml: readFileSync(join(FIXTURES, family, f), 'utf8') })),
);

describe('shaping the ordered form gives what shaping the folded objects gives', () => {
  it('on every fixture, under its own family shape and under every other family shape', () => {
    expect(fixtures.length).toBeGreaterThan(50);
    let drifted = 0;
    for (const { file, xml } of fixtures)
      for (const family of FAMILY_DIRS) {
        const result = both(xml, familyShape(family));
        expect([file, family, result.new]).toEqual([file, family, result.old]);
        if (result.drifted) drifted += 1;
      }
    // Foreign shapes must really have exercised the drift paths, not only the clean ones.
    expect(drifted).toBeGreaterThan(0);
  });

  it('on every drifted variant of every fixture, with a drift limit that cuts the list short', () => {
    const variants = driftCorpus();
    expect(variants.length).toBeGreaterThan(100);
    for (const { name, job, fragment } of variants)
      for (const limit of [1000, 2]) {
        const result = both(`<Response>${fragment}</Response>`, familyShape(job.family), 'Response', limit);
        expect([name, limit, result.new]).toEqual([name, limit, result.old]);
      }
  });

  it('on odd documents: no root, mixed text, repeats, empty elements, CDATA, entities, reserved names', () => {
    const shape = familyShape('media');
    const cases = [
      '<Other><JobsDetail/></Other>',
      '<Response/>',
      '<Response>  </Response>',
      '<Response>text only</Response>',
      '<Response><![CDATA[]]></Response>',
      '<Response>lead<JobsDetail><JobId>a</JobId></JobsDetail>tail</Response>',
      '<Response><JobsDetail/><JobsDetail></JobsDetail><NonExistJobIds/><NonExistJobIds>x</NonExistJobIds></Response>',
      '<Response><JobsDetail><Tag>Transcode</Tag><Tag>Snapshot</Tag><Progress>1</Progress><Progress>x</Progress></JobsDetail></Response>',
      '<Response><JobsDetail><Tag><![CDATA[Transcode]]></Tag><Progress>a &amp; b</Progress><JobId>&#x41;</JobId></JobsDetail></Response>',
      '<Response><JobsDetail><Tag>__proto__</Tag><__proto__>p</__proto__><constructor><prototype/></constructor><toString>t</toString></JobsDetail></Response>',
      '<Response><JobsDetail><Tag>Transcode</Tag><Operation>flat<Output/></Operation></JobsDetail></Response>',
    ];
    for (const xml of cases) {
      const result = both(xml, shape);
      expect([xml, result.new]).toEqual([xml, result.old]);
    }
  });

  it('on elements with more distinct child names than a scan covers, names repeated on both sides of that point', () => {
    const shape = familyShape('media');
    const many = Array.from({ length: 40 }, (_, i) => `<N${i}>${i}</N${i}>`);
    const cases = [
      // Tag (the `by` field) and a repeated name only past the first sixteen names.
      `<Response><JobsDetail>${many.join('')}<Tag>Transcode</Tag><N3>again</N3><Progress>1</Progress><Progress>2</Progress></JobsDetail></Response>`,
      // Tag repeated (no variant chosen), the repeat of an early name after many others, and __proto__ late.
      `<Response><JobsDetail><Tag>Transcode</Tag><N0>a</N0>${many.join('')}<Tag>Snapshot</Tag><N0>b</N0><__proto__>p</__proto__></JobsDetail></Response>`,
      // Many repeated top-level lists, each name seen twice.
      `<Response>${many.join('')}${many.join('')}<JobsDetail><Tag>Transcode</Tag></JobsDetail></Response>`,
    ];
    for (const xml of cases)
      for (const limit of [1000, 1]) {
        const result = both(xml, shape, 'Response', limit);
        expect([xml, limit, result.new]).toEqual([xml, limit, result.old]);
      }
  });

  it('on generated documents under generated shapes', () => {
    const names = ['A', 'B', 'Tag', 'Job', 'constructor', 'toString', '__proto__'];
    const name = fc.constantFrom(...names);
    const leaf: fc.Arbitrary<Shape> = fc.constantFrom<Shape>({ k: 's' }, { k: 't' }, { k: 'n' }, { k: 'b' });
    const shapeOf: fc.Memo<Shape> = fc.memo((depth) => {
      if (depth <= 1) return leaf;
      const props = fc.dictionary(name, shapeOf(depth - 1), { maxKeys: 4 });
      return fc.oneof(
        leaf,
        fc.record({ k: fc.constant('a' as const), i: fc.option(shapeOf(depth - 1), { nil: undefined }) }, { requiredKeys: ['k'] }),
        fc.record(
          {
            k: fc.constant('o' as const),
            p: props,
            by: fc.constantFrom('Tag', 'Job'),
            v: fc.dictionary(fc.constantFrom('x', 'y', 'constructor', '__proto__'), props, { maxKeys: 2 }),
            f: props,
            m: shapeOf(depth - 1),
          },
          { requiredKeys: ['k'] },
        ),
      );
    });
    const text = fc.constantFrom('', ' ', 'x', 'y', '1', '2.50', 'true', 'FALSE', '-', 'N/A', '&amp;', '<![CDATA[]]>', 'constructor');
    const node = elementContent(text, name, 5);
    fc.assert(
      fc.property(node(5), fc.option(shapeOf(4), { nil: undefined }), fc.constantFrom(1000, 1), (inner, shape, limit) => {
        const result = both(`<Response>${inner}</Response>`, shape, 'Response', limit);
        expect(result.new).toBe(result.old);
      }),
      { numRuns: 1500 },
    );
  });
});
