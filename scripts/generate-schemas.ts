/**
 * Build step 1: TypeBox sources → JSON Schemas, precompiled ajv validators and converter shapes,
 * all written to generated/. Run by scripts/build.mjs; nothing here ships in the bundle.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { familySchemas } from '../shared/schemas/ci-families';
import { errorEnvelope, jobQueryRequest, jobsEnvelope } from '../shared/schemas/api';
import { deriveShape } from '../shared/schemas/derive-shape';
import { factorSchemas, sharedConstModule } from '../shared/schemas/hoist';
import { pruneBranchRepeats } from '../shared/schemas/branch-residue';

const outDir = process.argv[2] ?? 'generated';
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

const families: Record<string, Record<string, unknown>> = {};
for (const [family, schema] of Object.entries(familySchemas)) families[`${family}-response`] = plain(schema);
// Shapes come from the fully inlined schemas (no $ref to follow); validators from the factored ones.
const shapes = Object.fromEntries(Object.entries(families).map(([id, schema]) => [id.replace(/-response$/, ''), deriveShape(schema)]));
// The documented form (schemas.json → OpenAPI, client types) keeps every Tag branch whole; the
// validators the function runs are compiled from the same schemas with each branch cut to its
// residue (branch-residue.ts), which accepts exactly the same documents with far less code.
const factored = factorSchemas(families, 'ci-defs');
const checked = factorSchemas(
  Object.fromEntries(Object.entries(families).map(([id, schema]) => [id.replace(/-response$/, '-check'), pruneBranchRepeats(schema) as Record<string, unknown>])),
  'ci-check-defs',
);

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

const exported: Record<string, string> = {
  validateJobQueryRequest: 'job-query-request',
  validateJobsEnvelope: 'jobs-envelope',
  validateErrorEnvelope: 'error-envelope',
};
for (const [id, schema] of [['ci-check-defs', checked.defs] as const, ...Object.entries(checked.roots)]) ajv.addSchema(schema, id);
for (const family of Object.keys(familySchemas)) exported[`validate_${family}`] = `${family}-check`;

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'validators.js'), standaloneCode(ajv, exported));
writeFileSync(
  join(outDir, 'validators.d.ts'),
  [
    "import type { ValidateFunction } from 'ajv';",
    ...Object.keys(exported).map((name) => `export declare const ${name}: ValidateFunction;`),
    '',
  ].join('\n'),
);
writeFileSync(join(outDir, 'shapes.js'), sharedConstModule(shapes, 8));
writeFileSync(join(outDir, 'shapes.d.ts'), "import type { Shape } from '../shared/xml/shape';\ndeclare const shapes: Record<string, Shape>;\nexport = shapes;\n");
writeFileSync(join(outDir, 'schemas.json'), JSON.stringify(schemas, null, 1));
console.log(`schemas: ${Object.keys(schemas).length} → ${outDir}/ (validators.js, shapes.js, schemas.json)`);
