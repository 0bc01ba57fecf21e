// The family validators and shapes the function loads on first use (shared/schemas/validators.ts):
// kept out of a bundle, and written beside it as one minified CommonJS file each. Reusable for any
// output directory: add `lazyValidators('<dir of the bundle>')` to that bundle's esbuild plugins.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

const GENERATED = 'generated';
const IMPORTER = `${sep}${GENERATED}${sep}validators.js`;

/** Writes every lazy part to `<dir>/validators/`, where a bundle in `<dir>` requires them. */
export async function emitLazyValidators(dir) {
  const source = join(GENERATED, 'validators');
  const files = JSON.parse(readFileSync(join(source, 'files.json'), 'utf8'));
  await build({
    entryPoints: files.map((file) => join(source, file)),
    outbase: source,
    outdir: join(dir, 'validators'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return files.length;
}

/**
 * esbuild plugin for CommonJS bundles written to `dir` (one directory, or a list when one build
 * writes several bundles): generated/validators.js's
 * `require("./validators/…")` calls stay in the bundle as they are (Node resolves them beside it at
 * run time), and the files they name are written there when the bundle is (not when `dir` is
 * undefined: an in-memory build that only measures the bundle).
 */
export function lazyValidators(dir) {
  return {
    name: 'lazy-validators',
    setup(b) {
      b.onResolve({ filter: /^\.\/validators\// }, (args) =>
        args.importer.endsWith(IMPORTER) ? { path: args.path, external: true } : undefined,
      );
      b.onEnd(async (result) => {
        if (dir !== undefined && result.errors.length === 0) for (const d of [dir].flat()) await emitLazyValidators(d);
      });
    },
  };
}
