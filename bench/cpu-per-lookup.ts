/**
 * CPU per lookup, each variant in a process of its own (as SCF runs each function in its own
 * instance): one forked lookup-worker per variant, all alive at once, same Node, same flags, same
 * emulator. The parent drives them one block (sequential calls for a set time) at a time over IPC,
 * the variants in a new random order each round, so load from other processes and CPU frequency changes still hit all of them
 * alike; each child measures its own process around its block. No variant shares a heap, a GC,
 * Node's http/stream code (and its inline caches) or a warm CPU cache with another, so none is
 * charged for another's work. Per call: CPU (user + system, the child only: the emulator runs in
 * its own process) as the median over the blocks (on a machine shared with other jobs a block now
 * and then costs twice the others; the median keeps those out), the part V8 spent in GC as the
 * mean (a full GC lands in one block of many), and the wall time of each call.
 */
import type { ChildProcess } from 'node:child_process';
import { ask, forkFor, here, shuffled } from './children';
import type { BlockRequest, BlockResult } from './lookup-worker';
import { median } from './stats';

/** Rounds run and discarded first: each process warms its own JIT, Node internals and sockets. */
const WARM_UP_ROUNDS = 3;

export interface LookupVariant {
  name: string;
  /** The function module the child loads (its main_handler answers the lookups). */
  module: string;
  /** The child's environment on top of the parent's (the function's settings). */
  env: Record<string, string>;
}

export interface LookupCost {
  /** Median over the blocks of CPU µs per call. */
  cpuUs: number;
  /** Mean GC µs per call. */
  gcUs: number;
  /** Wall ms of each call. */
  wallMs: number[];
  /** Calls measured (warm-up rounds not counted). */
  calls: number;
}

export type LookupWorkers = Map<string, ChildProcess>;

/** Forks one worker per variant, each loading its function once, as a warm SCF instance has. */
export async function startLookupWorkers(variants: LookupVariant[]): Promise<LookupWorkers> {
  const workers: LookupWorkers = new Map();
  for (const v of variants) workers.set(v.name, (await forkFor(here('lookup-worker'), [v.module], v.env)).child);
  return workers;
}

export async function cpuPerLookup(
  workers: LookupWorkers,
  jobs: { family: string; id: string }[],
  rounds: number,
  blockMs: number,
): Promise<Map<string, LookupCost>> {
  const names = [...workers.keys()];
  const cpu = new Map(names.map((n) => [n, [] as number[]]));
  const gcMs = new Map(names.map((n) => [n, 0]));
  const wall = new Map(names.map((n) => [n, [] as number[]]));
  const calls = new Map(names.map((n) => [n, 0]));
  const request: BlockRequest = { jobs: jobs.map(({ family, id }) => ({ family, id })), ms: blockMs };
  for (let round = -WARM_UP_ROUNDS; round < rounds; round++) {
    for (const name of shuffled(names)) {
      const r = await ask<BlockResult>(workers.get(name)!, request);
      if ('error' in r) throw new Error(`${name}: ${r.error}`);
      if (round < 0) continue;
      cpu.get(name)!.push(r.cpuUs / r.wallMs.length);
      calls.set(name, calls.get(name)! + r.wallMs.length);
      gcMs.set(name, gcMs.get(name)! + r.gcMs);
      wall.get(name)!.push(...r.wallMs);
    }
  }
  return new Map(
    names.map((n) => [
      n,
      { cpuUs: median(cpu.get(n)!), gcUs: (gcMs.get(n)! * 1000) / calls.get(n)!, wallMs: wall.get(n)!, calls: calls.get(n)! },
    ]),
  );
}
