import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlValue } from './shape';

/** Why an upstream body could not be read as XML; never carries the body itself. */
export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
  constructor(readonly reason: 'doctype' | 'malformed' | 'empty' | 'too-deep') {
    super(`upstream XML rejected: ${reason}`);
  }
}

// CI never sends a DOCTYPE; refusing one up front means no custom entity can ever be defined,
// which closes the whole family of entity-expansion advisories fast-xml-parser has had.
const DOCTYPE_OR_ENTITY = /<!(?:DOCTYPE|ENTITY)/i;
const MAX_XML_DEPTH = 40;
// fast-xml-parser refuses these element names outright (they could pollute prototypes) and renames
// toString, valueOf & co. to `__toString`. One odd element name must not cost the whole answer, so
// these three get the same `__` prefix instead of an error.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const options = {
  ignoreAttributes: true,
  parseTagValue: false, // the schema decides types; the parser must not guess (0x6134706d, 32-digit ids)
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
  // We pass no callbacks, so nothing needs the tag path as a string; building it for every tag
  // anyway took ~30 % of parse time (5 kB: 318 → 218 µs, 100 kB: 6.6 → 4.1 ms in one run).
  jPath: false,
  transformTagName: (name: string) => (RESERVED_NAMES.has(name) ? `__${name}` : name),
};
// The parsers yield fast-xml-parser's ordered form (preserveOrder), and `compact` below folds it
// into the plain objects the rest of the code reads. That fold is what the library's own does
// (node2json.js) minus what these options never use (attributes, path matching, isArray, metadata):
// it took a third of a 5 kB parse inside the function (test/unit/xml-compact.test.ts proves the
// same output).
const ordered = { ...options, preserveOrder: true };
// Without `&` there is no entity to decode: the entity pass is skipped (~5 % of a parse).
const parserWithoutEntities = new XMLParser({ ...ordered, processEntities: false });
const parser = new XMLParser(ordered);
// Numeric character references need the (slower, ~15 %) HTML entity pass; CI bodies rarely have any.
const parserWithCharRefs = new XMLParser({ ...ordered, htmlEntities: true });

/** One entry of the ordered form: `{ name: children }`, or `{ '#text': text }` for text. */
type OrderedEntry = Record<string, OrderedEntry[] | string>;
const TEXT = '#text';

/** Parses a trusted-shape but untrusted-content XML body into plain objects of strings. */
export function parseXml(xml: string): Record<string, XmlValue> {
  if (xml.trim() === '') throw new XmlRejected('empty');
  if (DOCTYPE_OR_ENTITY.test(xml)) throw new XmlRejected('doctype');
  if (XMLValidator.validate(xml) !== true) throw new XmlRejected('malformed');
  try {
    const chosen = !xml.includes('&') ? parserWithoutEntities : xml.includes('&#') ? parserWithCharRefs : parser;
    const entries = chosen.parse(xml) as unknown;
    if (!Array.isArray(entries)) throw new XmlRejected('malformed');
    return compact(entries as OrderedEntry[]);
  } catch (err) {
    if (err instanceof XmlRejected) throw err;
    throw new XmlRejected(/nest/i.test(String((err as Error)?.message)) ? 'too-deep' : 'malformed');
  }
}

/**
 * The ordered form as plain objects, exactly as fast-xml-parser's default output has it: text
 * pieces joined under `#text`, an element holding only text becomes that text, an empty one `''`,
 * and a repeated name an array in document order.
 */
export function compact(entries: OrderedEntry[]): { [key: string]: XmlValue } {
  const out: { [key: string]: XmlValue } = {};
  let text: string | undefined;
  for (const entry of entries) {
    const name = nameOf(entry);
    if (name === undefined) continue;
    const value = entry[name] as OrderedEntry[] | string;
    if (name === TEXT) {
      text = text === undefined ? (value as string) : text + (value as string);
      continue;
    }
    const inner = compact(value as OrderedEntry[]);
    const only = soleKey(inner);
    const folded: XmlValue = only === null ? '' : only === TEXT ? (inner[TEXT] as string) : inner;
    const previous = Object.prototype.hasOwnProperty.call(out, name) ? out[name] : undefined;
    if (previous === undefined) out[name] = folded;
    else if (Array.isArray(previous)) previous.push(folded);
    else out[name] = [previous, folded];
  }
  if (text !== undefined && text.length > 0) out[TEXT] = text;
  return out;
}

/** The entry's name: its first key that is not the attribute slot `:@`. */
function nameOf(entry: OrderedEntry): string | undefined {
  for (const key in entry) if (key !== ':@') return key;
  return undefined;
}

/** null for no key, the key when there is exactly one, undefined for several. */
function soleKey(obj: object): string | null | undefined {
  let only: string | null = null;
  for (const key in obj) {
    if (only !== null) return undefined;
    only = key;
  }
  return only;
}
