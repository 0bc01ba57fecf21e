/**
 * Reads a CI job callback, XML (the default) or JSON (CallBackFormat=JSON), for nothing but the ids
 * it names and the hints that say which endpoint can look each one up. Everything else in the
 * body (State, results, object keys) is ignored on purpose: the body is unauthenticated, and only
 * CI's answer to our own signed query is believed.
 *
 *   TaskFinish:     <Response><EventName>TaskFinish</EventName><JobsDetail>…</JobsDetail></Response>
 *                   {"EventName":"TaskFinish","JobsDetail":{…} or [{…}]}
 *   WorkflowFinish: <Response><EventName>WorkflowFinish</EventName><WorkflowExecution>…<Tasks>…</Tasks>
 *                   the executions' tasks are media-processing jobs, each named by JobId and Type (its Tag)
 */
import { JOB_ID_RE, MAX_JOB_IDS } from '../ci/families';
import { badRequest } from '../http/errors';
import { XmlRejected, parseXml } from '../xml/parse';

export interface CallbackJob {
  id: string;
  /** `Tag` of a job, or `Type` of a workflow task; undefined when absent. */
  tag: string | undefined;
  /** `Type` of a batch job (Job or Workflow) when the entry has no Tag. */
  batchType: string | undefined;
}

export interface ParsedCallback {
  event: 'TaskFinish' | 'WorkflowFinish';
  jobs: CallbackJob[];
}

/** Same bound as for CI answers (shared/xml/parse.ts), for JSON too. */
const MAX_JSON_DEPTH = 40;

type Node = Record<string, unknown>;
const invalid = (why: string) => badRequest('InvalidCallback', `Not a CI job callback: ${why}`);

export function parseCallback(body: string): ParsedCallback {
  const start = body.trimStart()[0];
  let root: unknown;
  if (start === '<') root = fromXml(body);
  else if (start === '{') root = fromJson(body);
  else throw invalid('the body is neither XML nor JSON');
  return readCallback(root);
}

function fromXml(body: string): unknown {
  try {
    return parseXml(body).Response;
  } catch (err) {
    throw invalid(`unacceptable XML (${err instanceof XmlRejected ? err.reason : 'malformed'})`);
  }
}

function fromJson(body: string): unknown {
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) throw invalid('JSON nested too deep');
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw invalid('malformed JSON');
  }
  // CI's JSON callbacks have no Response root; accept one all the same, as the XML form has it.
  return isNode(doc) && isNode(doc.Response) ? doc.Response : doc;
}

function readCallback(root: unknown): ParsedCallback {
  if (!isNode(root)) throw invalid('no <Response> container');
  const eventName = own(root, 'EventName');
  let event: ParsedCallback['event'];
  let entries: unknown[];
  if (eventName === 'WorkflowFinish') {
    event = 'WorkflowFinish';
    const execution = own(root, 'WorkflowExecution');
    // The Go SDK types it as a list; the docs as one container.
    const executions = listOf(execution).filter(isNode);
    entries = executions.flatMap((e) => listOf(own(e, 'Tasks')));
  } else if (eventName === 'TaskFinish' || (eventName === undefined && own(root, 'JobsDetail') !== undefined)) {
    event = 'TaskFinish';
    entries = listOf(own(root, 'JobsDetail'));
  } else throw invalid('EventName is not TaskFinish or WorkflowFinish');

  const jobs = new Map<string, CallbackJob>();
  for (const entry of entries) {
    if (!isNode(entry)) continue;
    const id = own(entry, 'JobId');
    // A workflow task that never started has no job yet: nothing to look up.
    if (event === 'WorkflowFinish' && (id === undefined || id === '')) continue;
    if (typeof id !== 'string' || !JOB_ID_RE.test(id)) throw invalid('a JobId is missing or malformed');
    const tagField = event === 'WorkflowFinish' ? own(entry, 'Type') : own(entry, 'Tag');
    const typeField = own(entry, 'Type');
    jobs.set(id, {
      id,
      tag: typeof tagField === 'string' && tagField ? tagField : undefined,
      batchType: event === 'TaskFinish' && typeof typeField === 'string' ? typeField : undefined,
    });
    if (jobs.size > MAX_JOB_IDS) throw invalid(`more than ${MAX_JOB_IDS} jobs`);
  }
  if (jobs.size === 0 && event === 'TaskFinish') throw invalid('no JobsDetail with a JobId');
  return { event, jobs: [...jobs.values()] };
}

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Own properties only: a hostile `__proto__` key is just data. */
const own = (node: Node, key: string): unknown => (Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined);

/** True when brackets outside strings nest deeper than `max` (checked before JSON.parse builds anything). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
