/**
 * Reading a converted item of a family's list (a JobsDetail entry, a WorkflowExecution): its
 * top-level fields, its id and whether its state is final. One place for it, since the merge, the
 * cache and long-poll all need the same answers, and each family names its id and state itself.
 */
import type { Json } from '../xml/shape';
import type { FamilySpec } from './families';

/** Which CI job states are final: a job (or workflow run) in one of these never changes again. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['Success', 'Failed', 'Cancel']);

/** What reading an item needs to know about its family. */
export type ItemFields = Pick<FamilySpec, 'idField' | 'stateField'>;

export function jobField(job: Json, name: string): Json | undefined {
  return job !== null && typeof job === 'object' && !Array.isArray(job) ? job[name] : undefined;
}

export function jobIdOf(job: Json, fields: ItemFields): string | undefined {
  const id = jobField(job, fields.idField);
  return typeof id === 'string' ? id : undefined;
}

export function jobStateOf(job: Json, fields: ItemFields): Json | undefined {
  return jobField(job, fields.stateField);
}

export function isTerminal(job: Json, fields: ItemFields): boolean {
  const state = jobStateOf(job, fields);
  return typeof state === 'string' && TERMINAL_STATES.has(state);
}

/** The items of a family's list in an envelope; an envelope built by the merge always has the list. */
export function itemsOf(envelope: { [key: string]: unknown }, family: Pick<FamilySpec, 'list'>): Json[] {
  const items = envelope[family.list];
  return Array.isArray(items) ? (items as Json[]) : [];
}
