/**
 * The six moderation families (`<kind>-auditing` → CI GET /<kind>/auditing/<id>) through the built
 * bundle against the CI emulator over loopback: every fixture comes back with every value CI sent
 * (compared leaf by leaf with the fixture XML), several ids fan out one call each and come back in
 * request order, an unknown id (CI's 404 AuditingJobNotFound) is a NonExistJobIds entry or a 404,
 * a failed job's own Code/Message stay inside the 200, and a drifted answer is kept and reported.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getPath, postQuery, useHarness } from '../helpers/use-harness';
import { countLeaves, lostLeaves, rawParse } from '../helpers/lossless';

const FAMILIES = {
  'image-auditing': '/image/auditing/',
  'video-auditing': '/video/auditing/',
  'audio-auditing': '/audio/auditing/',
  'text-auditing': '/text/auditing/',
  'document-auditing': '/document/auditing/',
  'webpage-auditing': '/webpage/auditing/',
} as const;
type Family = keyof typeof FAMILIES;

const FIXTURES = join(__dirname, '..', '..', 'dev', 'fixtures');

interface Fixture {
  family: Family;
  file: string;
  xml: string;
  jobId: string;
  state: string;
  /** The fixture's JobsDetail as a plain parse sees it (no schema): what every answer must carry. */
  raw: Record<string, unknown>;
}

const fixtures: Fixture[] = (Object.keys(FAMILIES) as Family[]).flatMap((family) =>
  readdirSync(join(FIXTURES, family))
    .filter((f) => f.endsWith('.xml'))
    .map((file) => {
      const xml = readFileSync(join(FIXTURES, family, file), 'utf8');
      const raw = (rawParse(xml).Response as Record<string, unknown>).JobsDetail as Record<string, unknown>;
      return { family, file, xml, jobId: String(raw.JobId), state: String(raw.State), raw };
    }),
);
const byFile = (family: Family, file: string) => fixtures.find((f) => f.family === family && f.file === file) as Fixture;

const h = useHarness();

const get = (path: string) => getPath(h, path);
const post = (body: unknown) => postQuery(h, body);

test('every family has fixtures in a finished, a failed and an unfinished state, and hits and clean results', () => {
  for (const family of Object.keys(FAMILIES) as Family[]) {
    const states = new Set(fixtures.filter((f) => f.family === family).map((f) => f.state));
    expect(states).toContain('Success');
    expect(states).toContain('Failed');
    expect([...states].some((s) => ['Submitted', 'Auditing', 'Snapshoting'].includes(s))).toBe(true);
  }
  expect(fixtures.length).toBeGreaterThanOrEqual(24);
  // The emulator indexes jobs by family and id: a repeated id would hide a fixture.
  expect(new Set(fixtures.map((f) => f.jobId)).size).toBe(fixtures.length);
});

describe.each(fixtures.map((f) => [`${f.family}/${f.file}`, f] as const))('%s', (_name, f) => {
  test('GET answers 200 with the job, every value kept, through one signed CI call to its path', async () => {
    const res = await get(`/jobs/${f.family}/${f.jobId}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-schema-errors']).toBeUndefined();
    expect(res.json.SchemaErrors).toBeUndefined();
    expect(res.json.NonExistJobIds).toEqual([]);
    expect(res.json.JobsDetail).toHaveLength(1);
    const job = res.json.JobsDetail[0];
    expect(job.JobId).toBe(f.jobId);
    expect(job.State).toBe(f.state);
    expect(countLeaves(f.raw)).toBeGreaterThan(3);
    expect(lostLeaves(f.raw, job)).toEqual([]);
    // Nothing is added either: the job has exactly the fixture's elements.
    expect(Object.keys(job).sort()).toEqual(Object.keys(f.raw).sort());
    expect(h.emulator.requests.map((r) => r.path)).toEqual([`${FAMILIES[f.family]}${f.jobId}`]);
    expect(typeof res.json.RequestId).toBe('string');
  });
});

describe('shapes from the schema', () => {
  test('image: repeated OcrResults, Keywords, LibResults and ListResults are lists; numbers typed; TerroristInfo kept as spelled', async () => {
    const job = (await get(`/jobs/image-auditing/${byFile('image-auditing', 'porn-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(job.Result).toBe(1);
    expect(job.Score).toBe(98);
    expect(job.DataId).toBe('99999999999999977777777777777777');
    expect(job.PornInfo.HitFlag).toBe(1);
    expect(job.PornInfo.Code).toBe('0');
    expect(job.PornInfo.OcrResults).toHaveLength(2);
    expect(job.PornInfo.OcrResults[0].Keywords).toEqual(['hot', 'pics']);
    expect(job.PornInfo.OcrResults[1].Keywords).toEqual(['400-000-0000']);
    expect(job.PornInfo.OcrResults[0].Location).toEqual({ X: 12.5, Y: 40, Width: 180, Height: 22, Rotate: 0 });
    expect(job.PornInfo.OcrResults[1].Location.Rotate).toBe(-3.5);
    expect(job.PoliticsInfo.ObjectResults).toHaveLength(1);
    expect(job.PoliticsInfo.LibResults.map((l: { Score: number }) => l.Score)).toEqual([88, 75]);
    expect(job.TerroristInfo).toEqual({ Code: '0', HitFlag: 0, Score: 0, Label: 'Normal' });
    expect(job.ListInfo.ListResults.map((l: { ListType: number }) => l.ListType)).toEqual([1, 0]);
    expect(job.ForbidState).toBe(1);
    expect(job.CreationTime).toBe('2026-11-30T18:02:11+08:00');
  });

  test('image doc sample: empty numbers are null, an empty Keywords is an empty list', async () => {
    const job = (await get(`/jobs/image-auditing/${byFile('image-auditing', 'docs-sample-success.xml').jobId}`)).json.JobsDetail[0];
    expect(job.PornInfo.OcrResults[0].Keywords).toEqual([]);
    expect(job.PornInfo.OcrResults[0].Location).toEqual({ X: null, Y: null, Width: null, Height: null, Rotate: null });
  });

  test('video: Snapshot and AudioSection are lists with typed offsets; live_video keeps Type and MaskInfo', async () => {
    const job = (await get(`/jobs/video-auditing/${byFile('video-auditing', 'porn-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(job.SnapshotCount).toBe(2);
    expect(job.Snapshot.map((s: { SnapshotTime: number }) => s.SnapshotTime)).toEqual([0, 5000]);
    expect(job.Snapshot[1].AdsInfo.OcrResults[0].Keywords).toEqual(['scan']);
    expect(job.AudioSection).toHaveLength(1);
    expect(job.AudioSection[0]).toMatchObject({ OffsetTime: 0, Duration: 15000, Result: 1 });
    expect(job.AudioSection[0].PornInfo.Keywords).toEqual(['come', 'see']);
    expect(job.AudioSection[0].LanguageResults).toEqual([{ Label: 'en', Score: 97, StartTime: 0, EndTime: 15000 }]);

    const live = (await get(`/jobs/video-auditing/${byFile('video-auditing', 'live-video-auditing.xml').jobId}`)).json.JobsDetail[0];
    expect(live.Type).toBe('live_video');
    expect(live.State).toBe('Auditing');
    expect(live.Snapshot).toHaveLength(1);
    expect(live.MaskInfo.LiveInfo.Output).toBe('rtmp://live.example.com/app/stream-9-masked');
    const snapshoting = (await get(`/jobs/video-auditing/${byFile('video-auditing', 'snapshoting.xml').jobId}`)).json.JobsDetail[0];
    expect(snapshoting.State).toBe('Snapshoting');
    expect(snapshoting.SnapshotCount).toBeNull();
  });

  test('audio: Section, LanguageResults, SpeakerResults and RecognitionResults are lists', async () => {
    const job = (await get(`/jobs/audio-auditing/${byFile('audio-auditing', 'abuse-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(job.Section).toHaveLength(2);
    expect(job.Section[1].AbuseInfo.LibResults[0]).toEqual({ LibType: 2, LibName: 'custom insults', Keywords: ['idiot'] });
    expect(job.LanguageResults.map((l: { Label: string }) => l.Label)).toEqual(['en', 'zh']);
    expect(job.AbuseInfo.SpeakerResults).toHaveLength(1);
    expect(job.AbuseInfo.RecognitionResults).toHaveLength(2);
    expect(job.AbuseInfo.Keywords).toEqual(['idiot']);
  });

  test('text: Section, HitInfos and Positions are lists; a comma-joined Keywords stays one entry, unsplit', async () => {
    const job = (await get(`/jobs/text-auditing/${byFile('text-auditing', 'ads-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(job.SectionCount).toBe(2);
    expect(job.Section.map((s: { StartByte: number }) => s.StartByte)).toEqual([0, 4500]);
    const ads = job.Section[1].AdsInfo;
    expect(ads.Keywords).toEqual(['wechat,add me']);
    expect(ads.HitInfos).toHaveLength(2);
    expect(ads.HitInfos[0].Positions).toEqual([
      { StartPos: 12, EndPos: 18 },
      { StartPos: 140, EndPos: 146 },
    ]);
    expect(ads.HitInfos[1].Positions).toEqual([{ StartPos: 20, EndPos: 26 }]);
    expect(ads.LibResults[0].Keywords).toEqual(['wechat', 'add me']);
  });

  test('document and webpage: PageSegment/ImageResults/TextResults Results are lists; Suggestion is a number', async () => {
    const document = (await get(`/jobs/document-auditing/${byFile('document-auditing', 'ads-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(document.Suggestion).toBe(1);
    expect(document.PageSegment.Results.map((r: { PageNumber: number }) => r.PageNumber)).toEqual([1, 2, 3]);
    expect(document.PageSegment.Results[1].AdsInfo.OcrResults).toHaveLength(2);
    const sample = (await get(`/jobs/document-auditing/${byFile('document-auditing', 'docs-sample-success.xml').jobId}`)).json
      .JobsDetail[0];
    expect(sample.PageSegment.Results).toHaveLength(1);
    expect(sample.Score).toBe(96);

    const page = (await get(`/jobs/webpage-auditing/${byFile('webpage-auditing', 'porn-hit-success.xml').jobId}`)).json.JobsDetail[0];
    expect(page.ImageResults.Results).toHaveLength(2);
    expect(page.TextResults.Results).toHaveLength(1);
    expect(page.TextResults.Results[0].Result).toBe(2);
    expect(page.HighlightHtml).toBe('<p>read more <span style="background:yellow">hot stories</span></p>');
  });
});

describe('several ids, missing ids, failures', () => {
  test('several ids fan out one CI call each and come back in request order, the unknown one in NonExistJobIds', async () => {
    const ids = [
      byFile('text-auditing', 'submitted.xml').jobId,
      'stunknown00000000000000000000000001',
      byFile('text-auditing', 'ads-hit-success.xml').jobId,
      byFile('text-auditing', 'failed.xml').jobId,
    ];
    const res = await get(`/jobs/text-auditing/${ids.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual([ids[0], ids[2], ids[3]]);
    expect(res.json.NonExistJobIds).toEqual([ids[1]]);
    expect(h.emulator.requests.map((r) => r.path).sort()).toEqual(ids.map((id) => `/text/auditing/${id}`).sort());
    expect(res.json.RequestId).toBeNull(); // several CI calls answered
  });

  test('POST /jobs/query takes an auditing type the same way', async () => {
    const ids = [byFile('video-auditing', 'live-video-auditing.xml').jobId, byFile('video-auditing', 'porn-hit-success.xml').jobId];
    const res = await post({ type: 'video-auditing', jobIds: ids });
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual(ids);
    expect(h.emulator.requests).toHaveLength(2);
  });

  test.each(Object.keys(FAMILIES) as Family[])('%s: one unknown id is CI 404 AuditingJobNotFound → our 404 NoSuchJob', async (family) => {
    const res = await get(`/jobs/${family}/nosuchjob0000000000000000000000000`);
    expect(res.status).toBe(404);
    expect(res.json.Error.Code).toBe('NoSuchJob');
    expect(h.emulator.requests.map((r) => r.path)).toEqual([`${FAMILIES[family]}nosuchjob0000000000000000000000000`]);
  });

  test('the emulator checks the signature on the moderation routes too: a wrong key is CI 403, never a missing job', async () => {
    h.setEnv({ TENCENTCLOUD_SECRETKEY: 'some-other-secret' });
    const res = await get(`/jobs/video-auditing/${byFile('video-auditing', 'failed.xml').jobId}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamAccessDenied');
    expect(res.json.Error.Upstream).toMatchObject({ Status: 403, Code: 'SignatureDoesNotMatch' });
    expect(h.emulator.requests[0]!.headers.authorization).toMatch(/^q-sign-algorithm=sha1&/);
  });

  test('another CI 404 (not AuditingJobNotFound) stays an upstream error, not a missing job', async () => {
    h.emulator.fault = () => ({ status: 404, code: 'InvalidUrl' });
    const res = await get(`/jobs/image-auditing/${byFile('image-auditing', 'normal-success.xml').jobId}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamError');
    expect(res.json.Error.Upstream).toMatchObject({ Status: 404, Code: 'InvalidUrl' });
  });

  test.each([
    ['image-auditing', 'failed.xml', 'InvalidArgument', 'Param MaxFrames is illegal'],
    ['audio-auditing', 'failed.xml', '-61011', 'file not exist'],
    ['document-auditing', 'failed.xml', 'ResourceNotSupported', 'document type is not supported'],
  ] as const)('%s %s: a failed job is a 200 keeping its own Code and Message', async (family, file, code, message) => {
    const res = await get(`/jobs/${family}/${byFile(family, file).jobId}`);
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail[0]).toMatchObject({ State: 'Failed', Code: code, Message: message });
  });
});

describe('drift', () => {
  const f = byFile('image-auditing', 'porn-hit-success.xml');
  const drifted = f.xml
    .replace('<Score>98</Score>', '<Score>high</Score>')
    .replace('<X>12.5</X>', '<X>N/A</X>')
    .replace(
      '<ForbidState>1</ForbidState>',
      '<ForbidState>1</ForbidState>\n    <ReviewHint><Level>3</Level><By>model-v9</By></ReviewHint>',
    );

  test('SCHEMA_MODE=report (default): a drifted answer is kept as sent, listed in SchemaErrors, unknown children kept', async () => {
    h.emulator.fault = () => ({ body: drifted });
    const res = await get(`/jobs/image-auditing/${f.jobId}`);
    expect(res.status).toBe(200);
    const job = res.json.JobsDetail[0];
    expect(job.Score).toBe('high');
    expect(job.PornInfo.OcrResults[0].Location.X).toBe('N/A');
    expect(job.ReviewHint).toEqual({ Level: '3', By: 'model-v9' });
    expect(res.json.SchemaErrors).toEqual([
      { path: '/JobsDetail/0/Score', expected: 'number', received: 'string' },
      { path: '/JobsDetail/0/PornInfo/OcrResults/0/Location/X', expected: 'number', received: 'string' },
    ]);
    expect(res.headers['x-schema-errors']).toBe('2');
    const raw = (rawParse(drifted).Response as Record<string, unknown>).JobsDetail;
    expect(lostLeaves(raw, job)).toEqual([]);
  });

  test('SCHEMA_MODE=strict: the same answer is a 502 naming the places', async () => {
    h.setEnv({ SCHEMA_MODE: 'strict' });
    h.emulator.fault = () => ({ body: drifted });
    const res = await get(`/jobs/image-auditing/${f.jobId}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamInvalidResponse');
    expect(res.json.Error.Details.map((d: { path: string }) => d.path)).toEqual([
      '/JobsDetail/0/Score',
      '/JobsDetail/0/PornInfo/OcrResults/0/Location/X',
    ]);
  });
});
