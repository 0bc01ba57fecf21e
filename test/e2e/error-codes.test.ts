/**
 * shared/http/error-codes.ts is the one list of error codes. The compiler checks the throw sites
 * against it; this checks the two documents that list codes for people and tools: docs/api.md's
 * error table and the error responses of the built OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, type ErrorCode } from '../../shared/http/error-codes';

const ROOT = join(__dirname, '..', '..');
const isCode = (name: string): name is ErrorCode => Object.prototype.hasOwnProperty.call(ERROR_CODES, name);

/** `| 400 | `InvalidJson`, `InvalidRequest` | … |` rows of the table under "## Errors". */
function docsTable(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
  const section = doc.split(/^## Errors$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| (\d{3}) \| ([^|]+) \|/gm))
    for (const code of (m[2] as string).matchAll(/`([A-Za-z]+)`/g)) rows.set(code[1] as string, Number(m[1]));
  return rows;
}

/** Every (status, code) the OpenAPI document's error responses name, e.g. "`NoSuchJob (…)`". */
function openApiCodes(): { status: number; code: string }[] {
  const doc = JSON.parse(readFileSync(join(ROOT, 'dist/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
  };
  const found: { status: number; code: string }[] = [];
  for (const item of Object.values(doc.paths))
    for (const op of Object.values(item))
      for (const [status, res] of Object.entries(op.responses ?? {}))
        if (Number(status) >= 400)
          for (const m of (res.description ?? '').matchAll(/`([A-Za-z]+)[^`]*`/g))
            found.push({ status: Number(status), code: m[1] as string });
  return found;
}

describe('docs/api.md error table', () => {
  const table = docsTable();

  it('is found (the parse itself works)', () => {
    expect(table.get('NoSuchJob')).toBe(404);
  });

  it('lists every code with the status it is sent with, and nothing else', () => {
    const fromCode = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
    expect(Object.fromEntries(table)).toEqual(fromCode);
  });
});

describe('the OpenAPI document', () => {
  const declared = openApiCodes();

  it('names only known codes, each under its own status', () => {
    expect(declared.length).toBeGreaterThan(10);
    for (const { status, code } of declared) {
      expect(isCode(code) ? [code, ERROR_CODES[code].status] : [code, 'not in error-codes.ts']).toEqual([code, status]);
    }
  });

  it('declares every code an operation can answer', () => {
    // Not tied to a documented operation: unknown paths and methods, non-HTTP invocations, and a
    // job type outside the enum (each family has its own path in the document).
    const routeless = new Set(['NoSuchRoute', 'MethodNotAllowed', 'InvalidEvent', 'InvalidJobType']);
    const names = new Set(declared.map((d) => d.code));
    expect(Object.keys(ERROR_CODES).filter((code) => !names.has(code) && !routeless.has(code))).toEqual([]);
  });
});
