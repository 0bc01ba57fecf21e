/**
 * Build step 2: generated/schemas.json → the OpenAPI document, written twice: dist/openapi.json for
 * people and tools, and dist/job-status/openapi.json beside the bundle, which the function serves
 * as is (kept out of index.js: only that route needs its 130 kB).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';

const [generatedDir = 'generated', distDir = 'dist'] = process.argv.slice(2);
const schemas = JSON.parse(readFileSync(join(generatedDir, 'schemas.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

const text = JSON.stringify(buildOpenApiDocument(schemas, version));
mkdirSync(distDir, { recursive: true });
writeFileSync(join(distDir, 'openapi.json'), text);
mkdirSync(join(distDir, 'job-status'), { recursive: true });
writeFileSync(join(distDir, 'job-status', 'openapi.json'), text);
console.log(`openapi: ${(text.length / 1024).toFixed(1)} kB → ${distDir}/openapi.json, ${distDir}/job-status/openapi.json`);
