/**
 * The demo page's script: the typed client driving a plain HTML page. Bundled for browsers by the
 * build into dist/demo/demo.js. Query parameters pre-fill the form (`api`, `type`, `job`) and
 * `follow=1` starts following at once, which is how the browser test opens it. The credential is
 * never taken from the URL nor stored: it lives in the input field and goes out per call.
 * Times are shown in UTC, CI's own (+0800) and the clock's alike, so they compare at a glance.
 */
import {
  ITEM_LIST,
  type JobFamily,
  type JobOf,
  JobStatusApiError,
  JobStatusError,
  JobStatusNetworkError,
  createJobStatusClient,
} from '../../client';

type Job = JobOf<JobFamily>;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const form = {
  api: $<HTMLInputElement>('api'),
  type: $<HTMLSelectElement>('type'),
  job: $<HTMLInputElement>('job'),
  credentialKind: $<HTMLSelectElement>('credential-kind'),
  credential: $<HTMLInputElement>('credential'),
};
form.api.value = params.get('api') ?? location.origin;
form.type.value = params.get('type') ?? 'media';
form.job.value = params.get('job') ?? '';

let controller: AbortController | undefined;
let calls = 0;

function client() {
  const counting: typeof fetch = (input, init) => {
    calls += 1;
    $('calls').textContent = String(calls);
    // Which way watchJob follows: the event stream (web mode), or long-polls where none is deployed.
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/events')) $('transport').textContent = 'event stream (SSE)';
    else if (url.includes('wait=')) $('transport').textContent = 'long-poll';
    return fetch(input, init);
  };
  return createJobStatusClient({ baseUrl: form.api.value, fetch: counting, headers: credentialHeaders });
}

/** Read at every call, so a token pasted in while following is used from the next call on. */
function credentialHeaders(): Record<string, string> {
  const value = form.credential.value.trim();
  if (!value || form.credentialKind.value === 'none') return {};
  return form.credentialKind.value === 'apikey' ? { 'x-api-key': value } : { authorization: `Bearer ${value}` };
}

function start(): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  calls = 0;
  $('calls').textContent = '0';
  $('transport').textContent = '—';
  $('history').replaceChildren();
  clearJob();
  showError(undefined);
  $<HTMLButtonElement>('stop').disabled = false;
  return controller.signal;
}

function finish() {
  $<HTMLButtonElement>('stop').disabled = true;
}

async function follow() {
  const signal = start();
  try {
    // Every state as it changes, the terminal one last.
    for await (const j of client().watchJob(form.type.value as JobFamily, form.job.value.trim(), { signal, retries: 2 }))
      showJob(j, undefined);
  } catch (err) {
    if (!signal.aborted) showError(err);
  } finally {
    finish();
  }
}

async function lookupOnce() {
  const signal = start();
  try {
    const type = form.type.value as JobFamily;
    const envelope = await client().getJobs(type, form.job.value.trim(), { signal });
    // JobsDetail, or WorkflowExecution for a workflow run.
    const job = (envelope as unknown as Record<string, Job[] | undefined>)[ITEM_LIST[type]]?.[0];
    if (job) showJob(job, envelope);
  } catch (err) {
    if (!signal.aborted) showError(err);
  } finally {
    finish();
  }
}

/** Back to the empty card: nothing from an earlier lookup may sit beside a new answer or error. */
function clearJob() {
  $('status').dataset.state = '';
  $('state').dataset.state = '';
  for (const id of ['state', 'percent', 'tag', 'created', 'started', 'ended', 'verdict', 'code', 'outputs', 'raw']) $(id).textContent = '—';
  $<HTMLProgressElement>('progress').value = 0;
}

/** A field of a job or of a workflow run, when it is text (a run has CreateTime and no Tag or Progress). */
function textOf(job: Job, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = (job as unknown as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function showJob(job: Job, raw: unknown) {
  const state = $('state');
  state.textContent = job.State;
  state.dataset.state = job.State;
  $('status').dataset.state = job.State;
  // Progress is CI's text when it drifted (see SchemaErrors); the bar then shows what the State implies.
  const reported = (job as { Progress?: unknown }).Progress;
  const progress = typeof reported === 'number' ? reported : job.State === 'Success' ? 100 : 0;
  $<HTMLProgressElement>('progress').value = progress;
  $('percent').textContent = `${progress} %`;
  $('tag').textContent = textOf(job, 'Tag', 'Type', 'WorkflowName', 'Name') || '—';
  showTime('created', textOf(job, 'CreationTime', 'CreateTime'));
  showTime('started', textOf(job, 'StartTime'));
  showTime('ended', textOf(job, 'EndTime'));
  $('verdict').textContent = verdictOf(job) ?? '—';
  const code = textOf(job, 'Code');
  $('code').textContent = job.State === 'Failed' ? `${code ?? ''} ${textOf(job, 'Message') ?? ''}`.trim() : (code ?? '—');
  $('outputs').replaceChildren(...outputsOf(job).map((o) => Object.assign(document.createElement('div'), { textContent: o })));
  if ($('outputs').childElementCount === 0) $('outputs').textContent = '—';
  const entry = document.createElement('li');
  entry.textContent = `${utc(new Date()).slice(11)} ${job.State} ${progress} %`;
  $('history').append(entry);
  $('raw').textContent = JSON.stringify(raw ?? job, null, 2);
}

/** A text field every family may or may not have (moderation jobs have no StartTime, for one). */
const VERDICTS = ['normal', 'block', 'review'];

/** A moderation job's verdict: its Label, Result (0/1/2) and, for documents and web pages, Suggestion. */
function verdictOf(job: Job): string | undefined {
  const fields = job as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof fields.Label === 'string' && fields.Label) parts.push(fields.Label);
  for (const name of ['Result', 'Suggestion']) {
    const value = fields[name];
    if (typeof value === 'number') parts.push(`${name} ${value}${VERDICTS[value] ? ` (${VERDICTS[value]})` : ''}`);
  }
  return parts.length ? parts.join(' · ') : undefined;
}

/** `2026-12-01 11:50:03 UTC`. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** CI writes `2026-12-01T19:50:03+0800`; shown in UTC, with CI's text kept as the tooltip. */
function showTime(id: string, value: string | null | undefined) {
  const at = value ? Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN;
  $(id).textContent = value ? (Number.isNaN(at) ? value : utc(new Date(at))) : '—';
  $(id).title = value ?? '';
}

/** Where the job writes (Operation.Output) and what it wrote (MediaResult.OutputFile.ObjectName). */
function outputsOf(job: Job): string[] {
  const operation = (job as { Operation?: Record<string, unknown> }).Operation;
  const out: string[] = [];
  const output = operation?.Output as { Bucket?: string; Object?: string } | undefined;
  if (output?.Object) out.push(`target: ${output.Bucket ?? ''}/${output.Object}`);
  const written = (operation?.MediaResult as { OutputFile?: { ObjectName?: string[] } } | undefined)?.OutputFile?.ObjectName;
  for (const name of written ?? []) out.push(`written: ${name}`);
  return out;
}

function showError(err: unknown) {
  const box = $('error');
  box.classList.toggle('shown', err !== undefined);
  if (err === undefined) return void box.replaceChildren();
  clearJob();
  const title = document.createElement('strong');
  const name = err instanceof Error ? err.name : 'Error';
  title.textContent = err instanceof JobStatusApiError ? `${name}: ${err.status} ${err.code}` : name;
  const text = document.createElement('div');
  text.textContent = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error';
  box.replaceChildren(title, text);
  if (err instanceof JobStatusNetworkError && new URL(form.api.value, location.href).origin !== location.origin) {
    const hint = document.createElement('div');
    hint.textContent = `The API is on another origin: its ALLOWED_ORIGINS must include ${location.origin}.`;
    box.append(hint);
  }
  if (err instanceof JobStatusApiError && err.status === 401) {
    const hint = document.createElement('div');
    hint.textContent = 'The API wants a credential (AUTH_MODE apikey or jwt): choose API key or Bearer token above and paste it.';
    box.append(hint);
  }
  if (err instanceof JobStatusApiError) $('raw').textContent = JSON.stringify(err.envelope, null, 2);
  else if (!(err instanceof JobStatusError)) console.error(err);
}

document.getElementById('form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  void follow();
});
$('lookup').addEventListener('click', () => void lookupOnce());
$('stop').addEventListener('click', () => {
  controller?.abort();
  finish();
});
if (params.get('follow') === '1' && form.job.value) void follow();
