/**
 * The demo page's script: the typed client driving a plain HTML page. Bundled for browsers by the
 * build into dist/demo/demo.js. Query parameters pre-fill the form (`api`, `type`, `job`) and
 * `follow=1` starts following at once, which is how the browser test opens it.
 */
import { type JobFamily, type JobOf, JobStatusApiError, JobStatusError, JobStatusNetworkError, createJobStatusClient } from '../../client';

type Job = JobOf<JobFamily>;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const form = {
  api: $<HTMLInputElement>('api'),
  type: $<HTMLSelectElement>('type'),
  job: $<HTMLInputElement>('job'),
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
    const url = String(input);
    if (url.includes('/events')) $('transport').textContent = 'event stream (SSE)';
    else if (url.includes('wait=')) $('transport').textContent = 'long-poll';
    return fetch(input, init);
  };
  return createJobStatusClient({ baseUrl: form.api.value, fetch: counting });
}

function start(): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  calls = 0;
  $('calls').textContent = '0';
  $('transport').textContent = '—';
  $('history').replaceChildren();
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
    for await (const j of client().watchJob(form.type.value as JobFamily, form.job.value.trim(), { signal, retries: 2 })) showJob(j, undefined);
  } catch (err) {
    if (!signal.aborted) showError(err);
  } finally {
    finish();
  }
}

async function lookupOnce() {
  const signal = start();
  try {
    const envelope = await client().getJobs(form.type.value as JobFamily, form.job.value.trim(), { signal });
    const job = envelope.JobsDetail[0];
    if (job) showJob(job, envelope);
  } catch (err) {
    if (!signal.aborted) showError(err);
  } finally {
    finish();
  }
}

function showJob(job: Job, raw: unknown) {
  const state = $('state');
  state.textContent = job.State;
  state.dataset.state = job.State;
  const progress = job.Progress ?? (job.State === 'Success' ? 100 : 0);
  $<HTMLProgressElement>('progress').value = progress;
  $('percent').textContent = `${progress} %`;
  $('tag').textContent = String(job.Tag ?? ('Type' in job ? job.Type : undefined) ?? '—');
  $('created').textContent = job.CreationTime ?? '—';
  $('started').textContent = job.StartTime ?? '—';
  $('ended').textContent = job.EndTime ?? '—';
  $('code').textContent = job.State === 'Failed' ? `${job.Code ?? ''} ${job.Message ?? ''}`.trim() : (job.Code ?? '—');
  $('outputs').replaceChildren(...outputsOf(job).map((o) => Object.assign(document.createElement('div'), { textContent: o })));
  if ($('outputs').childElementCount === 0) $('outputs').textContent = '—';
  const entry = document.createElement('li');
  entry.textContent = `${new Date().toLocaleTimeString()} ${job.State} ${progress} %`;
  $('history').append(entry);
  $('raw').textContent = JSON.stringify(raw ?? job, null, 2);
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
  const title = document.createElement('strong');
  const name = err instanceof Error ? err.name : 'Error';
  title.textContent = err instanceof JobStatusApiError ? `${name}: ${err.status} ${err.code}` : name;
  const text = document.createElement('div');
  text.textContent = err instanceof Error ? err.message : String(err);
  box.replaceChildren(title, text);
  if (err instanceof JobStatusNetworkError && new URL(form.api.value, location.href).origin !== location.origin) {
    const hint = document.createElement('div');
    hint.textContent = `The API is on another origin: its ALLOWED_ORIGINS must include ${location.origin}.`;
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
