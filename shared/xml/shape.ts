/**
 * A Shape is the part of a JSON Schema the XML converter needs, precomputed at build time
 * (scripts/generate-schemas.ts) so the hot path never walks `$ref`s or `allOf`s.
 * Unknown elements have no shape at all: absence means "keep as is, nothing to check".
 */
export type Shape =
  // `m`: the shape of every child not named in `p`, for containers whose element names are data
  // (a workflow's Topology names its Nodes after the workflow's own node names).
  | { k: 'o'; p?: Record<string, Shape>; by?: string; v?: Record<string, Record<string, Shape>>; f?: Record<string, Shape>; m?: Shape }
  | { k: 'a'; i?: Shape }
  | { k: 's' } // verbatim text
  | { k: 't' } // timestamp: '-' or '' → null
  | { k: 'n' } // number: any decimal form
  | { k: 'b' }; // boolean

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What fast-xml-parser yields with attributes ignored and tag values unparsed. */
export type XmlValue = string | XmlValue[] | { [key: string]: XmlValue };

/** JSON kinds a drift issue can name. */
export type JsonKind = 'number' | 'boolean' | 'string' | 'object' | 'array' | 'null' | 'missing';

/** One place where CI's answer does not have the documented shape. `at` is a path of names and indices. */
export interface DriftIssue {
  at: (string | number)[];
  expected: string; // a JsonKind, or what a validator named
  received: JsonKind;
}

/**
 * Collects drift while converting. Recording stops at `limit` issues (a hostile body could hold
 * tens of thousands); `total` keeps counting so the caller still learns how many there were.
 */
export class DriftCollector {
  readonly issues: DriftIssue[] = [];
  total = 0;
  constructor(readonly limit = 1000) {}

  add(at: (string | number)[], expected: JsonKind, received: JsonKind): void {
    this.total += 1;
    if (this.issues.length < this.limit) this.issues.push({ at: [...at], expected, received });
  }
}

export const kindOf = (value: Json | undefined): JsonKind =>
  value === undefined ? 'missing' : value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as JsonKind);

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
// A double holds any decimal of up to 15 significant digits exactly as written; beyond that
// (a 20-digit size) the number would silently change, so such text is kept and reported instead.
const MAX_SIGNIFICANT_DIGITS = 15;
const PLAIN_WHOLE = /^\d+$/;

/** `45`, `45.5`, `44100.0`, `1424687.000000`, `1e3` → number; anything else → undefined. */
export function decimalValue(text: string): number | undefined {
  // Most of CI's numbers are plain whole numbers short enough to be exact: no digit counting needed.
  if (text.length <= MAX_SIGNIFICANT_DIGITS && PLAIN_WHOLE.test(text)) return Number(text);
  if (!DECIMAL.test(text)) return undefined;
  if (significantDigits(text) > MAX_SIGNIFICANT_DIGITS) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The digits of a decimal's mantissa from its first non-zero digit to its last (`0.00120` → 2,
 * `1200` → 2, `1.5e300` → 2), counted in place: a large answer holds thousands of fractions
 * (confidence scores), and slicing each into pieces to count them allocated more than its parse.
 */
function significantDigits(decimal: string): number {
  let first = -1;
  let last = -1;
  let digit = 0;
  for (let i = 0; i < decimal.length; i++) {
    const c = decimal.charCodeAt(i);
    if (c === 101 /* e */ || c === 69 /* E */) break;
    if (c < 48 /* 0 */ || c > 57 /* 9 */) continue; // the sign or the point
    if (c !== 48) {
      if (first === -1) first = digit;
      last = digit;
    }
    digit += 1;
  }
  return first === -1 ? 0 : last - first + 1;
}

const TRUE_TEXT = new Set(['true', '1']);
const FALSE_TEXT = new Set(['false', '0']);

/** `true`/`True`/`TRUE`/`1` → true, `false`/`FALSE`/`0` → false; anything else → undefined. */
export function booleanValue(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return TRUE_TEXT.has(lower) ? true : FALSE_TEXT.has(lower) ? false : undefined;
}

/**
 * A field's shape. Plain property access is the hot path; what it may find on Object.prototype
 * (`constructor`, `toString`, …) has no `k`, so it counts as "no shape" like any unknown element.
 */
export const shapeOf = (props: Record<string, Shape> | undefined, key: string): Shape | undefined => {
  const shape = props?.[key];
  return shape !== undefined && typeof shape.k === 'string' ? shape : undefined;
};

export const own = <T>(table: Record<string, T> | undefined, key: string): T | undefined =>
  table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

/**
 * Applies a shape to parsed XML. Every value is kept: text that does not fit its shape (`N/A`
 * where a number belongs, a container where text belongs) stays as CI sent it and, when a
 * collector is given, is recorded as drift at its path instead of being dropped or invented.
 */
export function applyShape(value: XmlValue, shape: Shape | undefined, drift?: DriftCollector): Json {
  return convert(value, shape, drift, []);
}

/** applyShape at a path inside the answer (`at`, restored on return): drift issues name it. */
export function convert(value: XmlValue, shape: Shape | undefined, drift: DriftCollector | undefined, at: (string | number)[]): Json {
  if (shape === undefined) return value;
  switch (shape.k) {
    case 'a': {
      const items = Array.isArray(value) ? value : [value];
      // A lone empty element (`<Audio/>`, `<NonExistJobIds></NonExistJobIds>`) is an empty list.
      if (items.length === 1 && items[0] === '') return [];
      return items.map((item, i) => {
        at.push(i);
        const out = convert(item, shape.i, drift, at);
        at.pop();
        return out;
      });
    }
    case 'o':
      return convertObject(value, shape, drift, at);
    case 's':
      if (typeof value !== 'string') drift?.add(at, 'string', kindOf(value));
      return value;
    case 't':
      if (typeof value !== 'string') drift?.add(at, 'string', kindOf(value));
      return value === '-' || value === '' ? null : value;
    case 'n': {
      if (value === '') return null;
      const number = typeof value === 'string' ? decimalValue(value) : undefined;
      if (number !== undefined) return number;
      drift?.add(at, 'number', kindOf(value));
      return value;
    }
    case 'b': {
      if (value === '') return null;
      const flag = typeof value === 'string' ? booleanValue(value) : undefined;
      if (flag !== undefined) return flag;
      drift?.add(at, 'boolean', kindOf(value));
      return value;
    }
  }
}

function convertObject(
  value: XmlValue,
  shape: Extract<Shape, { k: 'o' }>,
  drift: DriftCollector | undefined,
  at: (string | number)[],
): Json {
  if (value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    drift?.add(at, 'object', kindOf(value));
    return value;
  }
  let props = shape.p;
  if (shape.by !== undefined) {
    const key = own(value, shape.by);
    // Own properties only: a Tag of `constructor` or `__proto__` is just a Tag we do not know.
    props = (typeof key === 'string' && own(shape.v, key)) || shape.f || props;
  }
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) {
    at.push(key);
    const converted = convert(value[key] as XmlValue, shapeOf(props, key) ?? shape.m, drift, at);
    at.pop();
    // `out.__proto__ = x` would set the prototype instead of keeping CI's element.
    if (key === '__proto__') Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    else out[key] = converted;
  }
  return out;
}
