/**
 * client/types.ts: a type for every Tag of every family, and types that accept what the function
 * really answers and refuse what it never would. The `@ts-expect-error` lines are checked by
 * `tsc --noEmit` in `npm test`: if a type loosens, they stop being errors and the type-check fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AiJob,
  BatchJobByTag,
  ErrorEnvelope,
  JobOf,
  JobQueryRequest,
  MediaJob,
  MediaJobByTag,
  MediaJobsEnvelope,
  MediaTranscodeJob,
  PicJob,
  PicJobsEnvelope,
} from '../../client/types';
import { functionUrlEvent } from '../helpers/events';
import { useQuietHarness } from '../helpers/quiet-harness';
import { MEDIA_SUCCESS, PIC } from '../helpers/seed-jobs';

type Json = any;
const ROOT = join(__dirname, '..', '..');
const source = readFileSync(join(ROOT, 'client', 'types.ts'), 'utf8');
const schemas: Record<string, Json> = JSON.parse(readFileSync(join(ROOT, 'generated', 'schemas.json'), 'utf8'));
const FAMILY_TYPE: Record<string, string> = { media: 'Media', pic: 'Pic', ai: 'Ai', batch: 'Batch' };

test.each(Object.keys(FAMILY_TYPE))('every %s Tag in the schema has its own exported type and map entry', (family) => {
  const item = schemas[`${family}-response`].properties.JobsDetail.items;
  const tags = item.allOf.map((b: Json) => b.if.properties?.[item['x-ci-by']]?.const).filter(Boolean) as string[];
  expect(tags.length).toBeGreaterThanOrEqual(2);
  const F = FAMILY_TYPE[family];
  const base = family === 'batch' ? 'BatchJobBase' : 'JobBase';
  for (const tag of tags) {
    expect(source).toContain(`export type ${F}${tag}Job = ${base} & {\n  ${item['x-ci-by']}: "${tag}";`);
    expect(source).toContain(`  ${tag}: ${F}${tag}Job;`);
  }
  expect(source).toContain(`export interface ${F}JobsEnvelope {`);
});

test('every Tag whose schema has an Operation gets a named Operation type of its own', () => {
  const defs = schemas['ci-defs'].$defs;
  let checked = 0;
  for (const family of ['media', 'pic', 'ai']) {
    for (const branch of schemas[`${family}-response`].properties.JobsDetail.items.allOf) {
      const tag = branch.if.properties?.Tag?.const;
      const then = branch.then.$ref ? defs[branch.then.$ref.split('/').pop()] : branch.then;
      if (!tag || !then.properties?.Operation) continue;
      const job = new RegExp(
        `export type ${FAMILY_TYPE[family]}${tag}Job = JobBase & \\{\\n  Tag: "${tag}";\\n  Operation\\?: ${tag}Operation;`,
      );
      expect(source).toMatch(job);
      expect(source).toMatch(new RegExp(`export interface ${tag}Operation \\{`));
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(30);
});

test('type names are real names, not numbered clashes (Operation2, Video3)', () => {
  const names = [...source.matchAll(/^export (?:type|interface) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
  expect(names.length).toBeGreaterThan(100);
  expect(names.filter((n) => /\d$/.test(n as string))).toEqual([]);
  expect(new Set(names).size).toBe(names.length);
});

// Compile-time checks (tsc). Kept in functions so they also run as plain code.
function typeChecks() {
  const request: JobQueryRequest = { type: 'media', jobIds: ['j1'] };
  // @ts-expect-error: not a family
  const badType: JobQueryRequest = { type: 'video', jobIds: ['j1'] };
  // @ts-expect-error: the body allows no other fields
  const extra: JobQueryRequest = { type: 'media', jobIds: ['j1'], limit: 3 };

  const transcode: MediaTranscodeJob = {
    JobId: 'j',
    State: 'Success',
    Tag: 'Transcode',
    Operation: { MediaResult: { OutputFile: { ObjectName: ['a.mp4'] } } },
  };
  // @ts-expect-error: a Transcode job type only holds Tag Transcode
  const wrongTag: MediaTranscodeJob = { JobId: 'j', State: 'Success', Tag: 'Snapshot' };
  // @ts-expect-error: State is required (the schema requires JobId and State)
  const noState: MediaJob = { JobId: 'j' };
  // @ts-expect-error: Progress is a number (or CI's text when it drifted), never a boolean
  const textProgress: MediaJob = { JobId: 'j', State: 'Running', Progress: true };
  // One line on purpose: @ts-expect-error covers the line after it, and that is where tsc reports.
  // prettier-ignore
  // @ts-expect-error: ObjectName is always a list
  const single: MediaTranscodeJob = { JobId: 'j', State: 'Success', Tag: 'Transcode', Operation: { MediaResult: { OutputFile: { ObjectName: 'a.mp4' } } } };

  const byTag: MediaJobByTag['Snapshot']['Tag'] = 'Snapshot';
  const batchType: BatchJobByTag['Workflow']['Type'] = 'Workflow';
  const picJob: JobOf<'pic'> = { JobId: 'c', State: 'Submitted' };
  const error: ErrorEnvelope = { Error: { Code: 'NoSuchJob', Message: 'm', RequestId: 'r' } };
  return [request, badType, extra, transcode, wrongTag, noState, textProgress, single, byTag, batchType, picJob, error];
}

/** Narrowing on Tag reaches the Tag's own fields without a cast; a Tag CI adds later stays typed. */
function narrowing(job: MediaJob, pic: PicJob, ai: AiJob): unknown[] {
  const seen: unknown[] = [];
  if (job.Tag === 'Snapshot') {
    const count: string | undefined = job.Operation?.Snapshot?.Count;
    seen.push(count);
    // @ts-expect-error: a Snapshot job has no typed Transcode settings
    seen.push(job.Operation?.Transcode?.Container);
  }
  switch (job.Tag) {
    case 'Transcode':
      seen.push(job.Operation?.Transcode?.Container?.Format, job.Operation?.MediaResult?.OutputFile?.ObjectName);
      break;
    case 'SpeechRecognition':
      seen.push(job.Operation?.SpeechRecognitionResult?.Result);
      break;
    default: {
      // Any other Tag: the common fields, and a string Tag (not never), so new Tags are handled here.
      const tag: string | undefined = job.Tag;
      seen.push(tag, job.Operation?.MediaResult);
    }
  }
  if (pic.Tag === 'PicProcess') seen.push(pic.Operation?.PicProcess);
  if (ai.Tag === 'Translation') seen.push(ai.Operation?.Translation?.Lang);
  return seen;
}

describe('the types fit what the function answers', () => {
  const h = useQuietHarness();

  test('a Transcode answer read through the generated types', async () => {
    typeChecks();
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${MEDIA_SUCCESS}` }));
    const envelope = res.json as MediaJobsEnvelope;
    const job = envelope.JobsDetail[0] as MediaTranscodeJob;
    const watermarks: string[] | undefined = job.Operation?.WatermarkTemplateId;
    const objects: string[] | undefined = job.Operation?.MediaResult?.OutputFile?.ObjectName;
    const progress: number | string | null | undefined = job.Progress;
    expect([job.Tag, watermarks?.length, objects, progress]).toEqual(['Transcode', 3, ['output/out.mp4'], 100]);
    // The same answer through the union, narrowed by its Tag alone.
    const seen = narrowing(
      envelope.JobsDetail[0] as MediaJob,
      { JobId: 'p', State: 'Success', Tag: 'PicProcess' },
      { JobId: 'a', State: 'Running' },
    );
    expect(seen[1]).toEqual(['output/out.mp4']);
  });

  test('a pic answer read through the generated types', async () => {
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/pic/${PIC}` }));
    const envelope = res.json as PicJobsEnvelope;
    const requestId: string | null = envelope.RequestId;
    expect(typeof requestId).toBe('string');
    expect(envelope.JobsDetail[0]?.EndTime).toBeNull();
  });
});
