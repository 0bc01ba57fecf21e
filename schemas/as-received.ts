/**
 * Build-time: the documented schemas as a caller can really receive them. With SCHEMA_MODE=report
 * (the default) a number or boolean CI sent in a form we cannot read (`N/A`) is kept as CI's text
 * and listed in SchemaErrors, so every such leaf may also be a string. The validators and the
 * OpenAPI document keep the documented form (the contract drift is measured against); the client
 * types get this one, so TypeScript makes callers handle the text.
 */
type Node = { [key: string]: unknown };

const LENIENT = new Set(['num', 'bool']);
const KEPT_TEXT = { type: 'string', description: "CI's text, when it was not a readable value (listed in SchemaErrors)" };

export function asReceived<T>(schema: T): T {
  if (Array.isArray(schema)) return (schema as unknown[]).map((s) => asReceived(s)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Node = {};
  for (const [k, v] of Object.entries(schema as Node)) out[k] = asReceived(v);
  if (typeof out['x-ci'] === 'string' && LENIENT.has(out['x-ci']) && Array.isArray(out.anyOf))
    out.anyOf = [...(out.anyOf as unknown[]), KEPT_TEXT];
  return out as T;
}
