/**
 * client/types.ts: a type for every Tag of every family, and types that accept what the function
 * really answers and refuse what it never would. The `@ts-expect-error` lines are checked by
 * `tsc --noEmit` in `npm test`: if a type loosens, they stop being errors and the type-check fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  BatchJobByTag,
  ErrorEnvelope,
  JobOf,
  JobQueryRequest,
  MediaJob,
  MediaJobByTag,
  MediaJobsEnvelope,
  MediaTranscodeJob,
  PicJobsEnvelope,
} from '../client/types';
import { functionUrlEvent } from './helpers/events';
import { useQuietHarness } from './helpers/quiet-harness';
import { MEDIA_SUCCESS, PIC } from './helpers/seed-jobs';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const ROOT = join(__dirname, '..');
const source = readFileSync(join(ROOT, 'client', 'types.ts'), 'utf8');
const schemas: Record<string, Json> = JSON.parse(readFileSync(join(ROOT, 'generated', 'schemas.json'), 'utf8'));
const FAMILY_TYPE: Record<string, string> = { media: 'Media', pic: 'Pic', ai: 'Ai', batch: 'Batch' };

test.each(Object.keys(FAMILY_TYPE))('every %s Tag in the schema has its own exported type and map entry', (family) => {
  const item = schemas[`${family}-response`].properties.JobsDetail.items;
  const tags = item.allOf.map((b: Json) => b.if.properties?.[item['x-ci-by']]?.const).filter(Boolean) as string[];
  expect(tags.length).toBeGreaterThanOrEqual(2);
  const F = FAMILY_TYPE[family];
  for (const tag of tags) {
    expect(source).toContain(`export type ${F}${tag}Job = ${F}JobCommon & {\n  ${item['x-ci-by']}: "${tag}";`);
    expect(source).toContain(`  ${tag}: ${F}${tag}Job;`);
  }
  expect(source).toContain(`export interface ${F}JobsEnvelope {`);
});

// Compile-time checks (tsc). Kept in functions so they also run as plain code.
function typeChecks() {
  const request: JobQueryRequest = { type: 'media', jobIds: ['j1'] };
  // @ts-expect-error: not a family
  const badType: JobQueryRequest = { type: 'video', jobIds: ['j1'] };
  // @ts-expect-error: the body allows no other fields
  const extra: JobQueryRequest = { type: 'media', jobIds: ['j1'], limit: 3 };

  const transcode: MediaTranscodeJob = { JobId: 'j', State: 'Success', Tag: 'Transcode', Operation: { MediaResult: { OutputFile: { ObjectName: ['a.mp4'] } } } };
  // @ts-expect-error: a Transcode job type only holds Tag Transcode
  const wrongTag: MediaTranscodeJob = { JobId: 'j', State: 'Success', Tag: 'Snapshot' };
  // @ts-expect-error: State is required (the schema requires JobId and State)
  const noState: MediaJob = { JobId: 'j' };
  // @ts-expect-error: Progress is a number (or CI's text when it drifted), never a boolean
  const textProgress: MediaJob = { JobId: 'j', State: 'Running', Progress: true };
  // @ts-expect-error: ObjectName is always a list
  const single: MediaTranscodeJob = { JobId: 'j', State: 'Success', Tag: 'Transcode', Operation: { MediaResult: { OutputFile: { ObjectName: 'a.mp4' } } } };

  const byTag: MediaJobByTag['Snapshot']['Tag'] = 'Snapshot';
  const batchType: BatchJobByTag['Workflow']['Type'] = 'Workflow';
  const picJob: JobOf<'pic'> = { JobId: 'c', State: 'Submitted' };
  const error: ErrorEnvelope = { Error: { Code: 'NoSuchJob', Message: 'm', RequestId: 'r' } };
  return [request, badType, extra, transcode, wrongTag, noState, textProgress, single, byTag, batchType, picJob, error];
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
  });

  test('a pic answer read through the generated types', async () => {
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/pic/${PIC}` }));
    const envelope = res.json as PicJobsEnvelope;
    const requestId: string | null = envelope.RequestId;
    expect(typeof requestId).toBe('string');
    expect(envelope.JobsDetail[0]?.EndTime).toBeNull();
  });
});
