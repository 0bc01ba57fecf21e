/**
 * client/types.ts for the six moderation families: hyphenated family names give identifier type
 * names (ImageAuditingJob, …), `getJobs('image-auditing', …)` is typed by its family, lists are
 * lists and typed leaves are numbers; and the typed client, its fetch handed to the built bundle
 * (which queries the emulator), reads real moderation answers through those types. The
 * `@ts-expect-error` lines are checked by `tsc --noEmit`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JobStatusClient, createJobStatusClient } from '../../client';
import type {
  ImageAuditingJob,
  JobOf,
  JobQueryRequest,
  JobsEnvelopeByFamily,
  TextAuditingJob,
  VideoAuditingJob,
  VideoAuditingJobsEnvelope,
} from '../../client/types';
import { functionUrlEvent } from '../helpers/events';
import { useQuietHarness } from '../helpers/quiet-harness';

const source = readFileSync(join(__dirname, '..', '..', 'client', 'types.ts'), 'utf8');
const NAMES = ['ImageAuditing', 'VideoAuditing', 'AudioAuditing', 'TextAuditing', 'DocumentAuditing', 'WebpageAuditing'];

test.each(NAMES)('%s: a job type, an envelope and a lookup entry', (name) => {
  expect(source).toContain(`export interface ${name}Job {`);
  expect(source).toContain(`export interface ${name}JobsEnvelope {`);
  const family = name.replace(/Auditing$/, '').toLowerCase();
  expect(source).toContain(`  '${family}-auditing': ${name}JobsEnvelope;`);
  expect(source).toContain(`export type ${name}JobByTag = Record<never, never>;`);
});

// Compile-time checks (tsc). Kept in a function so they also run as plain code.
function typeChecks(api: JobStatusClient) {
  const request: JobQueryRequest = { type: 'webpage-auditing', jobIds: ['sw1'] };
  // @ts-expect-error: not a family (the kind alone is not a type)
  const bare: JobQueryRequest = { type: 'image', jobIds: ['si1'] };
  const image: ImageAuditingJob = {
    JobId: 'si1',
    State: 'Success',
    Result: 1,
    PornInfo: { HitFlag: 1, OcrResults: [{ Keywords: ['a'], Location: { X: 1.5 } }] },
  };
  // @ts-expect-error: State is required
  const noState: TextAuditingJob = { JobId: 'st1' };
  // @ts-expect-error: Keywords is always a list
  const oneKeyword: TextAuditingJob = { JobId: 'st1', State: 'Success', AdsInfo: { Keywords: 'a' } };
  // @ts-expect-error: Snapshot is always a list
  const oneSnapshot: VideoAuditingJob = { JobId: 'av1', State: 'Success', Snapshot: { Url: 'u' } };
  // @ts-expect-error: HitFlag is a number (or CI's text when it drifted), never a boolean
  const flag: ImageAuditingJob = { JobId: 'si1', State: 'Success', PornInfo: { HitFlag: true } };
  const byFamily: JobOf<'video-auditing'> = { JobId: 'av1', State: 'Auditing', Type: 'live_video' };
  const envelope: JobsEnvelopeByFamily['video-auditing'] = { RequestId: null, JobsDetail: [byFamily], NonExistJobIds: [] };
  // Typed, not called: the lookups themselves run in the test below.
  const typed: (ids: string[]) => Promise<VideoAuditingJobsEnvelope> = (ids) => api.getJobs('video-auditing', ids);
  const waited: (id: string) => Promise<ImageAuditingJob> = (id) => api.waitForJob('image-auditing', id);
  return [request, bare, image, noState, oneKeyword, oneSnapshot, flag, envelope, typed, waited];
}

describe('the typed client reads moderation answers', () => {
  const h = useQuietHarness();
  // The client's fetch, answered by the bundle's main_handler: the real function, no network hop.
  const viaBundle: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const res = await h.call(
      functionUrlEvent({
        method: init?.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(typeof init?.body === 'string' ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
      }),
    );
    return new Response(res.body, { status: res.status, headers: res.headers });
  };
  const api = () => createJobStatusClient({ baseUrl: 'https://fn.example.com', fetch: viaBundle });

  test('getJobs and waitForJob, typed by family', async () => {
    const hit = 'sif21883b5f9c4fbd5245293226bed29c9'; // image-auditing/porn-hit-success.xml
    const failed = 'si0257e215f95faa63a5f009bbef1599b4'; // image-auditing/failed.xml
    const envelope = await api().getJobs('image-auditing', [hit, failed]);
    const [first, second] = envelope.JobsDetail;
    const keywords: string[] | undefined = first?.PornInfo?.OcrResults?.[0]?.Keywords;
    const result: number | string | null | undefined = first?.Result;
    expect([first?.JobId, keywords, result]).toEqual([hit, ['hot', 'pics'], 1]);
    expect([second?.State, second?.Code, second?.Message]).toEqual(['Failed', 'InvalidArgument', 'Param MaxFrames is illegal']);

    const live: VideoAuditingJob = await api().waitForJob('video-auditing', 'av3d32882430b402201df0d4cc9dae0afb'); // live-video-success.xml
    expect([live.State, live.Type, live.Snapshot?.length]).toEqual(['Success', 'live_video', 1]);
    expect(typeChecks(api()).length).toBe(10);
  });
});
