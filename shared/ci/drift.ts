/**
 * Schema drift: places where CI's answer does not have the documented shape, kept per job so a
 * cached job carries its own report, and turned into the `SchemaErrors` list callers get.
 * Only paths and JSON kinds live here, never CI's values: the same records feed the log line.
 */
import type { ErrorObject } from 'ajv';
import { type DriftCollector, type DriftIssue, type Json, kindOf } from '../xml/shape';

/** One entry of `SchemaErrors`: where, what the schema documents there, what kind of value came. */
export interface SchemaDrift {
  path: string;
  expected: string;
  received: string;
}

/** The drift of one job (paths relative to the job) or of the envelope; `total` counts issues not recorded too. */
export interface DriftPart {
  issues: DriftIssue[];
  total: number;
}

/** Most entries one answer lists in SchemaErrors; the x-schema-errors header still carries the full count. */
export const MAX_LISTED_DRIFT = 1000;

const escape = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
const pointer = (at: (string | number)[]) => (at.length ? `/${at.map(escape).join('/')}` : '/');

/**
 * Splits one converted CI answer's drift into the part that belongs to each entry of the family's
 * `list` (JobsDetail, WorkflowExecution; by its index in that answer) and the rest. Issues past the collector's limit were only counted:
 * they are added to the rest's total, so no issue goes uncounted.
 */
export function splitByJob(collector: DriftCollector, list: string): { jobs: Map<number, DriftPart>; other: DriftPart } {
  const jobs = new Map<number, DriftPart>();
  const other: DriftPart = { issues: [], total: collector.total - collector.issues.length };
  for (const issue of collector.issues) {
    const [first, index] = issue.at;
    if (first === list && typeof index === 'number') {
      const part = jobs.get(index) ?? { issues: [], total: 0 };
      part.issues.push({ ...issue, at: issue.at.slice(2) });
      part.total += 1;
      jobs.set(index, part);
    } else {
      other.issues.push(issue);
      other.total += 1;
    }
  }
  return { jobs, other };
}

/** The answer's SchemaErrors, in the order of the family's `list`, and how many issues there were in all. */
export function schemaErrors(
  jobs: readonly (DriftPart | undefined)[],
  other: DriftPart | undefined,
  itemList: string,
): { list: SchemaDrift[]; total: number } {
  const list: SchemaDrift[] = [];
  let total = 0;
  const add = (issue: DriftIssue, prefix: (string | number)[]) => {
    if (list.length < MAX_LISTED_DRIFT)
      list.push({ path: pointer([...prefix, ...issue.at]), expected: issue.expected, received: issue.received });
  };
  jobs.forEach((part, i) => {
    if (!part) return;
    total += part.total;
    for (const issue of part.issues) add(issue, [itemList, i]);
  });
  if (other) {
    total += other.total;
    for (const issue of other.issues) add(issue, []);
  }
  return { list, total };
}

/** The same issues as `Details` of a strict-mode error (path and a message, as request errors have). */
export function asErrorDetails(list: readonly SchemaDrift[]): { path: string; message: string }[] {
  return list.map((d) => ({ path: d.path, message: `expected ${d.expected}, received ${d.received}` }));
}

/**
 * ajv's view of a break the converter did not record (it should never happen: both come from one
 * schema). Kept so that a mismatch between them is reported rather than passed off as clean.
 */
export function driftFromValidator(error: ErrorObject, document: Json): DriftIssue {
  const at = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: Json | undefined = document;
  for (const segment of at) value = value !== null && typeof value === 'object' ? (value as Record<string, Json>)[segment] : undefined;
  const expected = typeof error.params.type === 'string' ? error.params.type : error.keyword;
  if (error.keyword === 'required') return { at: [...at, String(error.params.missingProperty)], expected: 'string', received: 'missing' };
  return { at: at.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), expected: expected, received: kindOf(value) };
}
