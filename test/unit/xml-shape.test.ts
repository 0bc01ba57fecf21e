import { Type } from '@sinclair/typebox';
import { Bool, ByKey, Int, List, Num, Obj, Text, Time } from '../../schemas/dsl';
import { deriveShape } from '../../schemas/derive-shape';
import { parseXml, XmlRejected } from '../../shared/xml/parse';
import fc from 'fast-check';
import { DriftCollector, type Shape, applyShape, decimalValue } from '../../shared/xml/shape';

const plain = (s: unknown) => JSON.parse(JSON.stringify(s));

const operation = Obj({ WatermarkTemplateId: List(Text()), MediaResult: Obj({ OutputFile: Obj({ ObjectName: List(Text()) }) }) });
const schema = Obj({
  JobsDetail: List(
    ByKey('Tag', Obj({ JobId: Text(), Progress: Int(), StartTime: Time(), Operation: Obj({}) }), {
      Transcode: Obj({ Operation: operation }),
      VideoTag: Obj({ Operation: Obj({ VideoTagResult: Obj({ Confidence: Num(), Tags: List(Obj({ Tag: Text() })) }) }) }),
    }),
  ),
  NonExistJobIds: List(Text()),
  Flag: Bool(),
});
const shape = deriveShape(plain(schema));
const convert = (xml: string) => applyShape(parseXml(xml).Response ?? '', shape);

describe('schema-driven XML → JSON', () => {
  test('a single repeated element becomes a one-element array, several stay several', () => {
    const one = convert(
      '<Response><JobsDetail><JobId>a</JobId><Tag>Transcode</Tag><Operation><WatermarkTemplateId>t1</WatermarkTemplateId></Operation></JobsDetail></Response>',
    );
    expect(one).toEqual({ JobsDetail: [{ JobId: 'a', Tag: 'Transcode', Operation: { WatermarkTemplateId: ['t1'] } }] });
    const many = convert(
      '<Response><JobsDetail><JobId>a</JobId><Tag>Transcode</Tag><Operation><WatermarkTemplateId>t1</WatermarkTemplateId><WatermarkTemplateId>t2</WatermarkTemplateId></Operation></JobsDetail><JobsDetail><JobId>b</JobId></JobsDetail></Response>',
    ) as { JobsDetail: { Operation?: { WatermarkTemplateId: string[] } }[] };
    expect(many.JobsDetail).toHaveLength(2);
    expect(many.JobsDetail[0]?.Operation?.WatermarkTemplateId).toEqual(['t1', 't2']);
  });

  test('the Tag picks the variant: the same element name is a list under one Tag only', () => {
    const videoTag = convert(
      '<Response><JobsDetail><Tag>VideoTag</Tag><Operation><WatermarkTemplateId>x</WatermarkTemplateId><VideoTagResult><Confidence>0.939035</Confidence><Tags><Tag>sky</Tag></Tags></VideoTagResult></Operation></JobsDetail></Response>',
    ) as { JobsDetail: { Operation: Record<string, unknown> }[] };
    const op = videoTag.JobsDetail[0]!.Operation;
    expect(op.WatermarkTemplateId).toBe('x'); // not a list for VideoTag: kept as CI sent it
    expect(op.VideoTagResult).toEqual({ Confidence: 0.939035, Tags: [{ Tag: 'sky' }] });
  });

  test('unset times become null; set times stay verbatim', () => {
    for (const [raw, expected] of [
      ['-', null],
      ['', null],
      ['2022-06-27T15:23:13+0800', '2022-06-27T15:23:13+0800'],
    ] as const) {
      const out = convert(`<Response><JobsDetail><StartTime>${raw}</StartTime></JobsDetail></Response>`) as {
        JobsDetail: { StartTime: unknown }[];
      };
      expect(out.JobsDetail[0]!.StartTime).toBe(expected);
    }
  });

  test('numbers and booleans only where the schema says; everything else is text', () => {
    const out = convert(
      '<Response><Flag>false</Flag><JobsDetail><Progress>30</Progress><JobId>99999999999999977777777777777777</JobId><CodecTag>0x6134706d</CodecTag><Other>007</Other></JobsDetail></Response>',
    );
    expect(out).toEqual({
      Flag: false,
      JobsDetail: [{ Progress: 30, JobId: '99999999999999977777777777777777', CodecTag: '0x6134706d', Other: '007' }],
    });
  });

  test('text that does not fit a typed leaf is left for the validator to flag', () => {
    const out = convert('<Response><JobsDetail><Progress>abc</Progress></JobsDetail><Flag>yes</Flag></Response>');
    expect(out).toEqual({ JobsDetail: [{ Progress: 'abc' }], Flag: 'yes' });
    const empty = convert('<Response><JobsDetail><Progress></Progress></JobsDetail></Response>');
    expect(empty).toEqual({ JobsDetail: [{ Progress: null }] });
  });

  test('empty containers become {}; a lone empty list element becomes []', () => {
    const out = convert(
      '<Response><JobsDetail><Tag>Transcode</Tag><Operation><MediaResult><OutputFile/></MediaResult></Operation></JobsDetail><NonExistJobIds></NonExistJobIds></Response>',
    );
    expect(out).toEqual({ JobsDetail: [{ Tag: 'Transcode', Operation: { MediaResult: { OutputFile: {} } } }], NonExistJobIds: [] });
  });

  test('unknown elements pass through untouched, including repeated ones', () => {
    const out = convert('<Response><JobsDetail><Future><A>1</A></Future><Future><A>2</A></Future></JobsDetail><Extra>x</Extra></Response>');
    expect(out).toEqual({ JobsDetail: [{ Future: [{ A: '1' }, { A: '2' }] }], Extra: 'x' });
  });

  test('an unknown Tag falls back to the common fields', () => {
    const out = convert('<Response><JobsDetail><Tag>Brand New</Tag><Progress>5</Progress><Operation/></JobsDetail></Response>');
    expect(out).toEqual({ JobsDetail: [{ Tag: 'Brand New', Progress: 5, Operation: {} }] });
  });

  test('deriveShape keeps text leaves as text and every number kind as one lenient number', () => {
    expect(deriveShape(plain(Obj({ a: Text(), b: Int(), c: Type.String(), d: Num() })))).toEqual({
      k: 'o',
      p: { a: { k: 's' }, b: { k: 'n' }, c: { k: 's' }, d: { k: 'n' } },
    });
  });
});

describe('lenient leaves and drift', () => {
  const leaf = (shape: Shape, text: string) => {
    const drift = new DriftCollector();
    return { value: applyShape(text, shape, drift), drift: drift.issues };
  };

  test.each([
    ['45', 45],
    ['45.5', 45.5],
    ['44100.0', 44100],
    ['1424687.000000', 1424687],
    ['-3', -3],
    ['+7', 7],
    ['1e3', 1000],
    ['0.000001', 0.000001],
    ['123456789012345', 123456789012345],
    ['1234567890.12345', 1234567890.12345],
  ])('number %s → %p, no drift', (text, expected) => {
    expect(leaf({ k: 'n' }, text)).toEqual({ value: expected, drift: [] });
  });

  test.each(['N/A', '1,5', '0x10', 'Infinity', 'NaN', '12345678901234567890', '45 %', '1e999'])(
    'number %p is kept as text and reported',
    (text) => {
      expect(leaf({ k: 'n' }, text)).toEqual({ value: text, drift: [{ at: [], expected: 'number', received: 'string' }] });
    },
  );

  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['', null],
  ])('boolean %p → %p, no drift', (text, expected) => {
    expect(leaf({ k: 'b' }, text)).toEqual({ value: expected, drift: [] });
  });

  test.each(['yes', '2', 'on'])('boolean %p is kept as text and reported', (text) => {
    expect(leaf({ k: 'b' }, text)).toEqual({ value: text, drift: [{ at: [], expected: 'boolean', received: 'string' }] });
  });

  test('drift is recorded at its path; containers and text swapped both ways are kept and reported', () => {
    const drift = new DriftCollector();
    const out = applyShape(
      parseXml(
        '<Response><JobsDetail><JobId><x>1</x></JobId><Progress>N/A</Progress><Tag>Transcode</Tag><Operation>gone</Operation></JobsDetail><Flag>maybe</Flag></Response>',
      ).Response ?? '',
      shape,
      drift,
    );
    expect(out).toEqual({ JobsDetail: [{ JobId: { x: '1' }, Progress: 'N/A', Tag: 'Transcode', Operation: 'gone' }], Flag: 'maybe' });
    expect(drift.issues).toEqual([
      { at: ['JobsDetail', 0, 'JobId'], expected: 'string', received: 'object' },
      { at: ['JobsDetail', 0, 'Progress'], expected: 'number', received: 'string' },
      { at: ['JobsDetail', 0, 'Operation'], expected: 'object', received: 'string' },
      { at: ['Flag'], expected: 'boolean', received: 'string' },
    ]);
  });

  test('the collector stops recording at its limit but keeps counting', () => {
    const drift = new DriftCollector(2);
    applyShape(parseXml(`<Response>${'<NonExistJobIds><a/></NonExistJobIds>'.repeat(5)}</Response>`).Response ?? '', shape, drift);
    expect(drift.issues).toHaveLength(2);
    expect(drift.total).toBe(5);
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'a Tag of %p is an unknown Tag: common fields typed, nothing dropped',
    (tag) => {
      const drift = new DriftCollector();
      const xml = `<Response><JobsDetail><Tag>${tag}</Tag><JobId>j</JobId><Progress>5.0</Progress><StartTime>-</StartTime><Operation><Extra>e</Extra></Operation></JobsDetail></Response>`;
      const out = applyShape(parseXml(xml).Response ?? '', shape, drift);
      expect(out).toEqual({ JobsDetail: [{ Tag: tag, JobId: 'j', Progress: 5, StartTime: null, Operation: { Extra: 'e' } }] });
      expect(drift.issues).toEqual([]);
    },
  );

  test('elements named like Object.prototype members are kept (renamed with __ by the parser), not dropped', () => {
    const xml =
      '<Response><JobsDetail><JobId>j</JobId><constructor>c</constructor><toString>t</toString><__proto__><a>1</a></__proto__>' +
      '<isPrototypeOf>i</isPrototypeOf><toLocaleString><b>2</b></toLocaleString></JobsDetail></Response>';
    const out = applyShape(parseXml(xml).Response ?? '', shape) as { JobsDetail: Record<string, unknown>[] };
    const job = out.JobsDetail[0] as Record<string, unknown>;
    expect(job).toEqual({
      JobId: 'j',
      __constructor: 'c',
      __toString: 't',
      ____proto__: { a: '1' },
      isPrototypeOf: 'i',
      toLocaleString: { b: '2' },
    });
    expect(Object.getPrototypeOf(job)).toBe(Object.prototype);
  });
});

describe('parseXml refuses what CI never sends', () => {
  test.each([
    ['DOCTYPE', '<!DOCTYPE r [<!ENTITY a "b">]><Response>&a;</Response>', 'doctype'],
    ['truncated', '<Response><JobsDetail><JobId>x</JobId>', 'malformed'],
    ['garbled', '<Response><A></B></Response>', 'malformed'],
    ['empty', '   ', 'empty'],
    ['too deep', `${'<a>'.repeat(60)}x${'</a>'.repeat(60)}`, 'too-deep'],
  ])('%s', (_name, xml, reason) => {
    expect(() => parseXml(xml)).toThrow(XmlRejected);
    try {
      parseXml(xml);
    } catch (err) {
      expect((err as XmlRejected).reason).toBe(reason);
    }
  });

  test('decodes the XML entities and character references CI may use', () => {
    expect(parseXml('<R><A>a &amp; b &lt; &#38; &#x41;</A></R>')).toEqual({ R: { A: 'a & b < & A' } });
  });
});

describe('decimalValue on whole numbers', () => {
  test('up to 15 significant digits read exactly, more kept as text, leading and trailing zeros as written', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,20}$/), (digits) => {
        const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
        expect(decimalValue(digits)).toBe(significant.length <= 15 ? Number(digits) : undefined);
      }),
      { numRuns: 2000 },
    );
    expect(decimalValue('123456789012345')).toBe(123456789012345);
    expect(decimalValue('1234567890123456')).toBeUndefined();
    expect(decimalValue('0000000000000000042')).toBe(42);
    expect(decimalValue('')).toBeUndefined();
  });

  test('fractions, signs and exponents: the significant digits counted as the slicing reference counts them', () => {
    // The reference: the mantissa without sign and exponent, its point and its outer zeros removed.
    const reference = (text: string): number | undefined => {
      if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return undefined;
      const mantissa = text.replace(/^[-+]/, '').split(/[eE]/)[0] as string;
      const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      const value = Number(text);
      return digits.length <= 15 && Number.isFinite(value) ? value : undefined;
    };
    const decimal = fc.stringMatching(/^[-+]?(?:[0-9]{0,12}\.?[0-9]{0,12}|\.[0-9]{1,20})(?:[eE][-+]?[0-9]{1,4})?$/);
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string({ maxLength: 12 })), (text) => {
        expect(decimalValue(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
    expect(decimalValue('0.000123456789012345')).toBe(0.000123456789012345);
    expect(decimalValue('0.0001234567890123456')).toBeUndefined();
    expect(decimalValue('-1.50e3')).toBe(-1500);
    expect(decimalValue('1e999')).toBeUndefined();
  });
});
