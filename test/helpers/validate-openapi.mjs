// Runs @seriousme/openapi-schema-validator (ESM only) outside jest's CommonJS module system.
// Usage: node validate-openapi.mjs <file>…; prints one {valid, version, errors, refsResolve} per
// file, as a JSON array (one process for several documents: its start-up is most of its cost).
import { Validator } from '@seriousme/openapi-schema-validator';

const verdicts = [];
for (const file of process.argv.slice(2)) {
  const validator = new Validator();
  const result = await validator.validate(file);
  let refsResolve = false;
  if (result.valid) {
    try {
      validator.resolveRefs();
      refsResolve = true;
    } catch {
      refsResolve = false;
    }
  }
  verdicts.push({ valid: result.valid, version: validator.version, errors: result.errors ?? null, refsResolve });
}
console.log(JSON.stringify(verdicts));
