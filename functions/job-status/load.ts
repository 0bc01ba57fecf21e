/**
 * The SCF entry point as deployed (dist/job-status/index.js, handler `index.main_handler`): loads
 * the function itself (function.js beside it, built from ./index.ts) with the bytecode the build
 * saved in function.cache, so a cold instance skips most of V8's parse and compile
 * (shared/boot/code-cache.ts). A cache that does not fit is ignored: the function is compiled from
 * source, exactly as require() would.
 */
import { join } from 'node:path';
import { type CodeCacheStatus, compileBundle, inMainRealm, runBundle } from '../../shared/boot/code-cache';
import type * as JobStatusFunction from './index';

const FUNCTION_FILE = join(__dirname, 'function.js');

function load(): { fn: typeof JobStatusFunction; status: CodeCacheStatus } {
  // A test runner's sandbox: a plain require keeps the function in the caller's realm.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!inMainRealm()) return { fn: require(FUNCTION_FILE) as typeof JobStatusFunction, status: 'unused' };
  const { script, status } = compileBundle(FUNCTION_FILE, join(__dirname, 'function.cache'));
  // The loader's own require: the function's files (validators/, node_modules/) are beside it.
  return { fn: runBundle(script, FUNCTION_FILE, require) as typeof JobStatusFunction, status };
}

const loaded = load();

export const main_handler = loaded.fn.main_handler;
export const shutdown = loaded.fn.shutdown;
/** Whether this instance's function came from the build's code cache (docs/performance.md). */
export const codeCache: CodeCacheStatus = loaded.status;
