/**
 * Holds CI's answer to what was asked. A job CI returns for an id nobody asked for is dropped
 * (it would otherwise be served as the asked job: issue 12), a job repeated is kept once, and an
 * asked id that CI neither returned nor listed as missing is reported missing: the caller gets
 * exactly one entry per asked id, in the family's list (JobsDetail, WorkflowExecution) or in
 * NonExistJobIds.
 */
import type { Json } from '../xml/shape';
import { type ItemFields, jobIdOf } from './job-state';

export interface Reconciled {
  jobs: Json[];
  missing: string[];
  /** Jobs dropped because no asked id names them (including jobs without an id), and repeats. */
  unasked: number;
}

export function reconcileIds(asked: readonly string[], jobs: readonly Json[], missing: readonly string[], fields: ItemFields): Reconciled {
  const order = new Map(asked.map((id, i) => [id, i]));
  const found = new Map<string, Json>();
  let unasked = 0;
  for (const job of jobs) {
    const id = jobIdOf(job, fields);
    if (id === undefined || !order.has(id) || found.has(id)) unasked += 1;
    else found.set(id, job);
  }
  const absent = new Set(missing.filter((id) => order.has(id) && !found.has(id)));
  for (const id of asked) if (!found.has(id)) absent.add(id);
  // CI answers a multi-id call in its own order; callers get the order they asked in.
  // (One entry, the usual single-id answer, is in order already.)
  const byOrder = (a: string, b: string) => (order.get(a) as number) - (order.get(b) as number);
  const inOrder = (ids: Iterable<string>, size: number) => (size > 1 ? [...ids].sort(byOrder) : [...ids]);
  return {
    jobs: inOrder(found.keys(), found.size).map((id) => found.get(id) as Json),
    missing: inOrder(absent, absent.size),
    unasked,
  };
}
