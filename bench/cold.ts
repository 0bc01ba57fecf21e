/**
 * Cold starts, each in a fresh process, the variants in a new random order every round so none is
 * always first after a fork or last on a warm disk cache. Two views: the function's own load +
 * first request (timed inside the child), and the whole process from spawn to exit (timed by the
 * parent), Node's start-up included.
 */
import { exited, forkFor, here, shuffled } from './children';
import type { FixtureJob } from './fixtures';
import { median } from './stats';

export interface ColdVariant {
  name: string;
  /** The module to load, or undefined for Node alone (start-up only). */
  path: string | undefined;
}

export interface ColdResult {
  load: number[];
  first: number[];
  own: number[];
  wall: number[];
}

export async function coldStarts(
  variants: ColdVariant[],
  job: FixtureJob,
  spawns: number,
  env: Record<string, string>,
): Promise<Map<string, ColdResult>> {
  const results = new Map<string, ColdResult>(variants.map((v) => [v.name, { load: [], first: [], own: [], wall: [] }]));
  for (let i = 0; i < spawns; i++) {
    for (const v of shuffled(variants)) {
      const began = performance.now();
      const { child, message } = v.path
        ? await forkFor<{ status: number; loadMs: number; firstRequestMs: number }>(here('cold-start'), [v.path, job.family, job.id], env)
        : await forkFor<{ status: number; loadMs: number; firstRequestMs: number }>(here('noop'), [], env);
      await exited(child); // it exits by itself once it has reported
      const wall = performance.now() - began;
      if (message.status !== 200) throw new Error(`${v.name} answered ${message.status} on a cold start`);
      const r = results.get(v.name)!;
      r.load.push(message.loadMs);
      r.first.push(message.firstRequestMs);
      r.own.push(message.loadMs + message.firstRequestMs);
      r.wall.push(wall);
    }
  }
  return results;
}

export const medianOf = (r: ColdResult) => ({ load: median(r.load), first: median(r.first), own: median(r.own), wall: median(r.wall) });
