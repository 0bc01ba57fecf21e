/**
 * A Shape is the part of a JSON Schema the XML converter needs, precomputed at build time
 * (scripts/generate-schemas.ts) so the hot path never walks `$ref`s or `allOf`s.
 * Leaves kept verbatim (Text) and unknown elements have no shape at all: absence means "keep as is".
 */
export type Shape =
  | { k: 'o'; p?: Record<string, Shape>; by?: string; v?: Record<string, Record<string, Shape>>; f?: Record<string, Shape> }
  | { k: 'a'; i?: Shape }
  | { k: 't' } // timestamp: '-' or '' → null
  | { k: 'i' } // integer
  | { k: 'n' } // decimal
  | { k: 'b' }; // boolean

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What fast-xml-parser yields with attributes ignored and tag values unparsed. */
export type XmlValue = string | XmlValue[] | { [key: string]: XmlValue };

const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Applies a shape to parsed XML. Text that does not fit the shape (e.g. `abc` where an integer
 * belongs) is left as text on purpose: the schema validator then reports the contract break
 * instead of the converter silently inventing a value.
 */
export function applyShape(value: XmlValue, shape: Shape | undefined): Json {
  if (shape === undefined) return value as Json;
  switch (shape.k) {
    case 'a': {
      const items = Array.isArray(value) ? value : [value];
      // A lone empty element (`<Audio/>`, `<NonExistJobIds></NonExistJobIds>`) is an empty list.
      if (items.length === 1 && items[0] === '') return [];
      return items.map((item) => applyShape(item, shape.i));
    }
    case 'o':
      return applyObject(value, shape);
    case 't':
      return value === '-' || value === '' ? null : (value as Json);
    case 'i':
      if (value === '') return null;
      return typeof value === 'string' && INTEGER.test(value) ? Number(value) : (value as Json);
    case 'n':
      if (value === '') return null;
      return typeof value === 'string' && DECIMAL.test(value) && Number.isFinite(Number(value))
        ? Number(value)
        : (value as Json);
    case 'b':
      return value === 'true' ? true : value === 'false' ? false : (value as Json);
  }
}

function applyObject(value: XmlValue, shape: Extract<Shape, { k: 'o' }>): Json {
  if (value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) return value as Json;
  let props = shape.p;
  if (shape.by !== undefined) {
    const key = value[shape.by];
    props = (typeof key === 'string' && shape.v?.[key]) || shape.f || props;
  }
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) {
    out[key] = applyShape(value[key] as XmlValue, props?.[key]);
  }
  return out;
}
