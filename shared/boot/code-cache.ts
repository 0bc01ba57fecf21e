/**
 * Loads a CommonJS bundle through V8's code cache: the bytecode the build saved after a training
 * lookup (scripts/train-code-cache.ts), so a cold instance neither parses the bundle nor compiles
 * the functions of its first lookup. Node 20 has no built-in compile cache
 * (`module.enableCompileCache` is Node ≥ 22.1), so this uses `vm.Script`'s `cachedData`.
 *
 * Safe when the cache does not fit: V8 checks its own version, its flags and the source length and
 * rejects a mismatch (then compiles from source, as plain `require` would); a header with the
 * SHA-256 of the source catches what V8 cannot (a different bundle of the same length). Leaf module:
 * the build's trainer imports it, so it must compile the source byte for byte as the loader does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script, runInThisContext } from 'node:vm';

/**
 * What became of the cache: used; refused by V8 (another Node/V8 version or other V8 flags); made
 * from another source (not passed to V8); not deployed; or not tried (a vm sandbox, see inMainRealm).
 */
export type CodeCacheStatus = 'accepted' | 'rejected' | 'stale' | 'absent' | 'unused';

const DIGEST_BYTES = 32;
// Node's own CommonJS wrapper: the bundle sees the same five names as under require().
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
const digestOf = (source: string) => createHash('sha256').update(source).digest();

export interface CompiledBundle {
  script: Script;
  status: CodeCacheStatus;
}

/**
 * Compiles `file` with the cache in `cacheFile` when that cache was made from this very source.
 * The bundle must not use `import()`: Node 20 runs it in a vm.Script only behind a flag, so the
 * build turns it into require() (scripts/build.mjs).
 */
export function compileBundle(file: string, cacheFile: string | undefined): CompiledBundle {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = 'absent';
  const cache = cacheFile === undefined ? undefined : readIfThere(cacheFile);
  if (cache) {
    const fits = cache.length > DIGEST_BYTES && cache.subarray(0, DIGEST_BYTES).equals(digestOf(source));
    if (fits) cachedData = cache.subarray(DIGEST_BYTES);
    status = fits ? 'accepted' : 'stale';
  }
  const script = new Script(wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cachedData && script.cachedDataRejected === true) status = 'rejected';
  return { script, status };
}

/** What the build writes: the source's digest, then V8's cache of the script as it stands now. */
export function cacheFileContents(script: Script, file: string): Buffer {
  return Buffer.concat([digestOf(readFileSync(file, 'utf8')), script.createCachedData()]);
}

/**
 * Runs the compiled bundle as a CommonJS module whose `require` is the caller's (so it resolves
 * files beside the caller, as the bundle's own require would) and returns its exports.
 */
export function runBundle(script: Script, file: string, require: NodeJS.Require): unknown {
  const module = { exports: {} as unknown };
  const init = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: typeof module, f: string, d: string) => void;
  init(module.exports, require, module, file, dirname(file));
  return module.exports;
}

/**
 * True in Node's own realm; false inside a vm sandbox (a test runner's), where a script run "in
 * this context" would see the outer realm's globals (console, timers), not the caller's.
 */
export function inMainRealm(): boolean {
  return runInThisContext('globalThis') === globalThis;
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // no cache deployed: compile from source
  }
}
