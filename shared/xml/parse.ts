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
const renameReserved = (name: string) => (RESERVED_NAMES.has(name) ? `__${name}` : name);

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
  // The parsers yield fast-xml-parser's ordered form: `compact` below folds it into plain objects,
  // and shape-ordered.ts shapes it straight into the answer's JSON without that tree in between.
  preserveOrder: true,
};

/**
 * One parser per combination of the per-tag and per-text work a body needs, chosen by a cheap look
 * at the body: without `&` there is no entity to decode (the entity pass is skipped, ~5 % of a
 * parse); numeric character references need the slower (~15 %) HTML entity pass; and the reserved
 * names callback runs on every tag, so it is only set when a reserved name can be in the body at
 * all (`__proto__` and `prototype` both contain `proto`).
 */
const parsers: XMLParser[] = [];
function parserFor(xml: string): XMLParser {
  const amp = xml.indexOf('&');
  const entities = amp === -1 ? 0 : xml.includes('&#', amp) ? 2 : 1;
  const reserved = xml.includes('proto') || xml.includes('constructor') ? 1 : 0;
  const index = entities * 2 + reserved;
  return (parsers[index] ??= new XMLParser({
    ...options,
    processEntities: entities !== 0,
    htmlEntities: entities === 2,
    transformTagName: reserved === 1 ? renameReserved : false,
  }));
}

/** One entry of the ordered form: `{ name: children }`, or `{ '#text': text }` for text. */
export type OrderedEntry = Record<string, OrderedEntry[] | string>;
export const TEXT = '#text';

/**
 * Checks and parses a trusted-shape but untrusted-content XML body into fast-xml-parser's ordered
 * form (the document's top-level entries).
 */
export function parseXmlOrdered(xml: string): OrderedEntry[] {
  if (xml.trim() === '') throw new XmlRejected('empty');
  // `<!` starts every DOCTYPE and ENTITY (and every comment and CDATA section): most bodies have none.
  const markup = xml.includes('<!');
  if (markup && DOCTYPE_OR_ENTITY.test(xml)) throw new XmlRejected('doctype');
  if (XMLValidator.validate(xml) !== true) throw new XmlRejected('malformed');
  const body = markup ? xml : withoutLayout(xml);
  try {
    const entries = parserFor(body).parse(body) as unknown;
    if (!Array.isArray(entries)) throw new XmlRejected('malformed');
    return entries as OrderedEntry[];
  } catch (err) {
    if (err instanceof XmlRejected) throw err;
    throw new XmlRejected(/nest/i.test(String((err as Error)?.message)) ? 'too-deep' : 'malformed');
  }
}

// Whitespace between a `>` and the next `<`: indentation and line breaks between elements, or the
// end of a text. fast-xml-parser reads it a character at a time and then trims it away (trimValues),
// which was a third of a pretty-printed 100 kB parse; removed first, it costs one regex pass instead.
const LAYOUT = />\s+</g;

/**
 * The body without its layout whitespace; the parser's output is the same (the removed runs are
 * whitespace-only texts, or the end of a text, which trimValues drops anyway: `\s` is exactly what
 * `trim` removes). Only for bodies without `<!`: a comment or CDATA section keeps its text as is.
 */
function withoutLayout(xml: string): string {
  return xml.replace(LAYOUT, '><');
}

/** Parses a trusted-shape but untrusted-content XML body into plain objects of strings. */
export function parseXml(xml: string): Record<string, XmlValue> {
  return compact(parseXmlOrdered(xml));
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
    const folded = foldElement(value as OrderedEntry[]);
    const previous = Object.prototype.hasOwnProperty.call(out, name) ? out[name] : undefined;
    if (previous === undefined) out[name] = folded;
    else if (Array.isArray(previous)) previous.push(folded);
    else out[name] = [previous, folded];
  }
  if (text !== undefined && text.length > 0) out[TEXT] = text;
  return out;
}

/** One element's value, from its children: its text, `''` when empty, or an object of its children. */
export function foldElement(children: OrderedEntry[]): XmlValue {
  if (children.length === 0) return '';
  // Most elements hold one piece of text: no object to build and take apart again.
  if (children.length === 1) {
    const text = (children[0] as OrderedEntry)[TEXT];
    if (typeof text === 'string') return text;
  }
  const inner = compact(children);
  const only = soleKey(inner);
  return only === null ? '' : only === TEXT ? (inner[TEXT] as string) : inner;
}

/** The entry's name: its first key that is not the attribute slot `:@`. */
export function nameOf(entry: OrderedEntry): string | undefined {
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
