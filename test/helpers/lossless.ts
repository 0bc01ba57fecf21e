/**
 * "No data is lost": every leaf of the XML must appear in the JSON at the same path, either as
 * the same text or as the value the schema turned it into. The XML side is read with a plain,
 * shape-less parse so the check does not depend on the converter it is checking.
 */
import { XMLParser } from 'fast-xml-parser';

const rawParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  htmlEntities: true,
});
export const rawParse = (xml: string) => rawParser.parse(xml) as Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function leafMatches(text: string, value: unknown): boolean {
  if (value === text) return true;
  if (value === null) return text === '' || text === '-';
  if (typeof value === 'number') return text.trim() !== '' && Number(text) === value;
  // Booleans are read from true/false in any case and from 1/0.
  if (typeof value === 'boolean') return String(value) === text.toLowerCase() || (value ? '1' : '0') === text;
  if (isObj(value)) return text === '' && Object.keys(value).length === 0; // <Empty/> container → {}
  return false;
}

/** Returns the paths where the JSON does not carry the XML's value (empty list = lossless). */
export function lostLeaves(xml: unknown, json: unknown, path = ''): string[] {
  if (Array.isArray(xml)) {
    if (!Array.isArray(json) || json.length !== xml.length) return [`${path} (repeated ×${xml.length})`];
    return xml.flatMap((x, i) => lostLeaves(x, json[i], `${path}/${i}`));
  }
  if (Array.isArray(json)) {
    if (xml === '' && json.length === 0) return []; // a lone empty list element
    if (json.length !== 1) return [`${path} (single element became ×${json.length})`];
    return lostLeaves(xml, json[0], `${path}/0`);
  }
  if (isObj(xml)) {
    if (!isObj(json)) return [`${path} (container lost)`];
    return Object.keys(xml).flatMap((k) => lostLeaves(xml[k], json[k], `${path}/${k}`));
  }
  return leafMatches(String(xml), json) ? [] : [`${path} (${JSON.stringify(xml)} → ${JSON.stringify(json)})`];
}

/** Every leaf count, to show a test really walked something. */
export function countLeaves(xml: unknown): number {
  if (Array.isArray(xml)) return xml.reduce((n: number, x) => n + countLeaves(x), 0);
  if (isObj(xml)) return Object.values(xml).reduce((n: number, x) => n + countLeaves(x), 0);
  return 1;
}
