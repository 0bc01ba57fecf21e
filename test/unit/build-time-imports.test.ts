/**
 * Build-time code (schemas/ and the generators scripts/build.mjs bundles first) runs before
 * generated/ exists in a fresh clone, so nothing it imports, however indirectly, may load a
 * generated/ file: a working copy that has built once would never notice, a fresh clone's build
 * would fail. Run-time code in turn never imports build-time code, which would put TypeBox and the
 * schema sources in the bundle. Type-only imports are erased by esbuild and do not count.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const BUILD_TIME_ENTRIES = ['scripts/generate-schemas.ts', 'scripts/generate-openapi.ts', 'scripts/generate-types.ts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative module specifiers a file loads at run time: value imports, re-exports, import(). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((spec) => spec.startsWith('.'));
}

/** The file a relative specifier names: itself, with .ts, or its index.ts; generated/ kept as named. */
function resolveImport(from: string, spec: string): string {
  const target = resolve(dirname(from), spec);
  for (const candidate of [target, `${target}.ts`, join(target, 'index.ts')])
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  return target;
}

const rel = (file: string) => relative(ROOT, file);

test('build-time code reaches no generated/ file through its value imports', () => {
  const entries = [...BUILD_TIME_ENTRIES.map((f) => join(ROOT, f)), ...tsFiles(join(ROOT, 'schemas'))];
  const via = new Map<string, string>(entries.map((f) => [f, '']));
  const queue = [...entries];
  const reached: string[] = [];
  // Which build-time file led to `file`, for a failure that says what to untangle.
  const chainTo = (file: string): string[] => {
    const from = via.get(file);
    return from ? [...chainTo(from), rel(file)] : [rel(file)];
  };
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of valueImports(file)) {
      const target = resolveImport(file, spec);
      if (rel(target).startsWith('generated')) reached.push([...chainTo(file), spec].join(' → '));
      else if (target.endsWith('.ts') && !via.has(target)) {
        via.set(target, file);
        queue.push(target);
      }
    }
  }
  expect(reached).toEqual([]);
  // The walk really followed build-time code into run-time modules.
  expect([...via.keys()].map(rel)).toEqual(expect.arrayContaining(['schemas/dsl.ts', 'shared/ci/families.ts']));
});

test('run-time code imports nothing from schemas/ or scripts/', () => {
  const runTime = ['shared', 'functions', 'client'].flatMap((d) => tsFiles(join(ROOT, d)));
  const wrong = runTime.flatMap((file) =>
    valueImports(file)
      .map((spec) => rel(resolveImport(file, spec)))
      .filter((target) => target.startsWith('schemas/') || target.startsWith('scripts/'))
      .map((target) => `${rel(file)} → ${target}`),
  );
  expect(runTime.length).toBeGreaterThan(50);
  expect(wrong).toEqual([]);
});
