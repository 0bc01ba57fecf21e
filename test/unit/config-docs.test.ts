/**
 * docs/configuration.md is the one table of the function's settings. This keeps it honest both
 * ways: every variable the function reads is documented, and every documented variable is read.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Names read as `env.NAME`, `env['NAME']`, or passed to a reader as `(env, 'NAME'`. */
function variablesReadByTheFunction(): Set<string> {
  const read = new Set<string>();
  const patterns = [/\benv\.([A-Z][A-Z0-9_]+)/g, /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g, /\(env, ['"]([A-Z][A-Z0-9_]+)['"]/g];
  // Build-time code (schemas/) reads no environment; the run-time code is shared/ and functions/.
  for (const file of [...sourceFiles(join(ROOT, 'shared')), ...sourceFiles(join(ROOT, 'functions'))]) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) read.add(m[1] as string);
  }
  return read;
}

/** Backticked UPPER_CASE names in the first column of the table rows. */
function documentedVariables(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const names = new Set<string>();
  for (const line of doc.split('\n')) {
    const firstCell = /^\|([^|]+)\|/.exec(line)?.[1];
    if (!firstCell) continue;
    for (const m of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1] as string);
  }
  return names;
}

describe('docs/configuration.md', () => {
  const read = variablesReadByTheFunction();
  const documented = documentedVariables();

  it('finds the variables on both sides (the scan itself works)', () => {
    expect(read).toContain('CI_BUCKET');
    expect(read).toContain('CACHE_TERMINAL_TTL_S');
    expect(documented).toContain('CI_BUCKET');
  });

  it('documents every variable the function reads', () => {
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it('documents no variable the function does not read', () => {
    expect([...documented].filter((name) => !read.has(name)).sort()).toEqual([]);
  });
});
