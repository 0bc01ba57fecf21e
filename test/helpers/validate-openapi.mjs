// Runs @seriousme/openapi-schema-validator (ESM only) outside jest's CommonJS module system.
// Usage: node validate-openapi.mjs <file>; prints {valid, version, errors, refsResolve} as JSON.
import { Validator } from '@seriousme/openapi-schema-validator';

const validator = new Validator();
const result = await validator.validate(process.argv[2]);
let refsResolve = false;
if (result.valid) {
  try {
    validator.resolveRefs();
    refsResolve = true;
  } catch {
    refsResolve = false;
  }
}
console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null, refsResolve }));
