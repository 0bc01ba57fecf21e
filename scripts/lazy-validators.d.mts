import type { Plugin } from 'esbuild';
export declare function emitLazyValidators(dir: string): Promise<number>;
export declare function lazyValidators(dir: string | string[] | undefined): Plugin;
