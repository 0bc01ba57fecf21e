/**
 * Reading a converted JobsDetail entry: its top-level fields and whether its state is final.
 * One place for it, since the merge, the cache and long-poll all need the same answers.
 */
import type { Json } from '../xml/shape';

/** Which CI job states are final: a job in one of these never changes again. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['Success', 'Failed', 'Cancel']);

export function jobField(job: Json, name: string): Json | undefined {
  return job !== null && typeof job === 'object' && !Array.isArray(job) ? job[name] : undefined;
}

export function jobIdOf(job: Json): string | undefined {
  const id = jobField(job, 'JobId');
  return typeof id === 'string' ? id : undefined;
}

export function isTerminal(job: Json): boolean {
  const state = jobField(job, 'State');
  return typeof state === 'string' && TERMINAL_STATES.has(state);
}
