/**
 * Build step 1: TypeBox sources → JSON Schemas, precompiled ajv validators and converter shapes,
 * all written to generated/. Run by scripts/build.mjs; nothing here ships in the bundle.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { familySchemas } from '../schemas/ci-families';
import { FAMILIES, type JobFamily } from '../shared/ci/families';
import { errorEnvelope, jobQueryRequest, jobsEnvelope } from '../schemas/api';
import { deriveShape } from '../schemas/derive-shape';
import { factorSchemas, sharedJsonModule } from '../schemas/dedupe';
import { splitItemBranches } from '../schemas/split-branches';

const outDir = process.argv[2] ?? 'generated';
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

const families: Record<string, Record<string, unknown>> = {};
for (const [family, schema] of Object.entries(familySchemas)) families[`${family}-response`] = plain(schema);
// Shapes come from the fully inlined schemas (no $ref to follow); validators from the factored ones.
const shapes = Object.fromEntries(Object.entries(families).map(([id, schema]) => [id.replace(/-response$/, ''), deriveShape(schema)]));
// The documented form (schemas.json → OpenAPI, client types) keeps each property a Tag branch
// changes whole (ByKey cuts one level); the validators the function runs are compiled from the same
// schemas with each branch cut all the way down to its residue (prune-branch-repeats.ts), which
// accepts exactly the same documents with far less code.
const factored = factorSchemas(families, 'ci-defs');
// Each family's answer check is split (split-branches.ts): a base check of the envelope and common
// job fields, and one branch per Tag (or batch Type), each cut to its residue (prune-branch-repeats.ts),
// which accepts exactly the same documents with far less code. The function loads each part from
// its own file the first time it needs it, so the bundle does not grow with families and Tags.
const split = Object.fromEntries(
  Object.entries(familySchemas).map(([family, schema]) => [
    family,
    splitItemBranches(family, plain(schema), FAMILIES[family as JobFamily].list),
  ]),
);
const checkRoots: Record<string, Record<string, unknown>> = {};
const partIds: Record<string, { base: string; branches: Record<string, string>; fallback: string | undefined }> = {};
for (const [family, parts] of Object.entries(split)) {
  checkRoots[`${family}-check`] = parts.base;
  const branches: Record<string, string> = {};
  for (const [value, schema] of Object.entries(parts.branches)) {
    // The value becomes a file name: only plain identifiers, so no Tag can name a path.
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value))
      throw new Error(`${family}: ${parts.key} value ${JSON.stringify(value)} cannot be a file name`);
    checkRoots[`${family}-check-${value}`] = schema;
    branches[value] = `${family}-check-${value}`;
  }
  if (parts.fallback) checkRoots[`${family}-check-fallback`] = parts.fallback;
  partIds[family] = { base: `${family}-check`, branches, fallback: parts.fallback ? `${family}-check-fallback` : undefined };
}
const checked = factorSchemas(checkRoots, 'ci-check-defs');

const schemas: Record<string, Record<string, unknown>> = {
  'job-query-request': plain(jobQueryRequest),
  'jobs-envelope': plain(jobsEnvelope),
  'error-envelope': plain(errorEnvelope),
  'ci-defs': factored.defs,
  ...factored.roots,
};

// allErrors stays off (ajv's own security advice): validation stops at the first break.
const ajv = new Ajv({
  strict: true,
  inlineRefs: false, // one function per shared definition, not a copy per use
  allowUnionTypes: true,
  allErrors: false,
  // ESM so esbuild can drop the schema constants standalone code emits but never reads.
  code: { source: true, esm: true, optimize: true, lines: false },
});
ajv.addKeyword({ keyword: 'x-ci', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-ci-by', schemaType: 'string' });
for (const [id, schema] of Object.entries(schemas)) ajv.addSchema(schema, id);
for (const [id, schema] of [['ci-check-defs', checked.defs] as const, ...Object.entries(checked.roots)]) ajv.addSchema(schema, id);

// Eager: what every request may need. Lazy: one file per family part, under validators/ beside it.
const exported: Record<string, string> = {
  validateJobQueryRequest: 'job-query-request',
  validateJobsEnvelope: 'jobs-envelope',
  validateErrorEnvelope: 'error-envelope',
};
const lazyDir = join(outDir, 'validators');
rmSync(lazyDir, { recursive: true, force: true });
const lazyFiles: string[] = [];
const writeLazy = (file: string, source: string): string => {
  mkdirSync(dirname(join(lazyDir, file)), { recursive: true });
  writeFileSync(join(lazyDir, file), source);
  lazyFiles.push(file);
  // A literal relative require: esbuild keeps it external (scripts/lazy-validators.mjs) and Node
  // resolves it beside the bundle; jest resolves it here, beside this file.
  return `() => require(${JSON.stringify(`./validators/${file}`)})`;
};
const table: string[] = [];
for (const [family, ids] of Object.entries(partIds)) {
  const parts = split[family]!;
  const branchLoaders = Object.entries(ids.branches).map(
    ([value, id]) => `${JSON.stringify(value)}: ${writeLazy(`${family}/tags/${value}.js`, standaloneCode(ajv, { validate: id }))}`,
  );
  table.push(
    `  ${JSON.stringify(family)}: {`,
    `    list: ${JSON.stringify(FAMILIES[family as JobFamily].list)},`,
    `    key: ${JSON.stringify(parts.key ?? null)},`,
    `    known: ${JSON.stringify(parts.known)},`,
    `    base: ${writeLazy(`${family}/base.js`, standaloneCode(ajv, { validate: ids.base }))},`,
    `    shape: ${writeLazy(`${family}/shape.js`, sharedJsonModule({ shape: shapes[family] }, 8))},`,
    `    branches: { ${branchLoaders.join(', ')} },`,
    `    fallback: ${ids.fallback ? writeLazy(`${family}/fallback.js`, standaloneCode(ajv, { validate: ids.fallback })) : 'undefined'},`,
    '  },',
  );
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'validators.js'), `${standaloneCode(ajv, exported)}\nexport const families = {\n${table.join('\n')}\n};\n`);
writeFileSync(
  join(outDir, 'validators.d.ts'),
  [
    "import type { ValidateFunction } from 'ajv';",
    "import type { LazyFamily } from '../shared/schemas/lazy-family';",
    ...Object.keys(exported).map((name) => `export declare const ${name}: ValidateFunction;`),
    'export declare const families: Record<string, LazyFamily>;',
    '',
  ].join('\n'),
);
// The list the build turns into one CommonJS file each beside the bundle (scripts/lazy-validators.mjs).
writeFileSync(join(lazyDir, 'files.json'), JSON.stringify(lazyFiles, null, 1));
writeFileSync(join(outDir, 'schemas.json'), JSON.stringify(schemas, null, 1));
console.log(
  `schemas: ${Object.keys(schemas).length} → ${outDir}/ (validators.js, validators/ with ${lazyFiles.length} lazily loaded parts, schemas.json)`,
);
