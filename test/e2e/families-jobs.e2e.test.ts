/**
 * The job families asr (/asr_jobs), doc (/doc_jobs), file (/file_jobs) and virus (/virus/detect)
 * through the built bundle against the CI emulator over loopback: every fixture answers with every
 * value the XML holds, repeated elements as arrays and the documented numbers and booleans typed;
 * several ids go in one CI call (asr, file) or fan out one call each (doc, virus) and come back in
 * request order; unknown ids are listed (404 for a lone one), also where CI answers them with a 404
 * (virus); drift is kept and reported, and a 502 with SCHEMA_MODE=strict.
 */
import { readFileSync } from 'node:fs';
import { type StoredJob, key } from '../../dev/emulator/fixtures';
import { getPath, postQuery, useHarness } from '../helpers/use-harness';
import { lostLeaves, rawParse } from '../helpers/lossless';
import { scanForSecrets } from '../helpers/secret-scan';

type Json = any;
const FAMILIES = ['asr', 'doc', 'file', 'virus'] as const;
type Family = (typeof FAMILIES)[number];
const CI_PATH: Record<Family, string> = { asr: '/asr_jobs', doc: '/doc_jobs', file: '/file_jobs', virus: '/virus/detect' };

// Fixtures the assertions below name (dev/fixtures/MANIFEST.md).
const ASR_DOCS = 's8988119ee2c911eab2cdd3817d4d5e64'; // CI's documented sample
const ASR_DETAIL = 'sedcd5c6764bd2c4c2b3206c747b93562';
const ASR_RUNNING = 'sc27929dab4140ec65c3a490ed134d0d2';
const DOC_CALLBACK = 'd89c4cf4a728311ebb1229f23e6c9963b'; // CI's documented callback sample
const DOC_PAGES = 'd4670cbf690f2ce8484e4250fde44963a';
const DOC_WATERMARK = 'd1429199b69fe858e0544f596708de9c4';
const DOC_AIGC = 'd68337802f3245a258fcd66b43c4655e4';
const FILE_HASH = 'f93984788066911ed89ed352d4d9d2084'; // CI's documented sample
const FILE_UNCOMPRESS = 'f424799c29d22afc8260587ffc487a386';
const FILE_COMPRESS = 'f30a988de3df95afb4e204c400f51dc25';
const FILE_COMPRESS_FAILED = 'f5d286918b3140c3580d13ee9a35c45f3';
const VIRUS_BLOCK = 'v286ffa1ab5ccfdc92980ddb9c3906b10';
const VIRUS_NORMAL = 'v44d60ad3e5c0534c3674951494ff1224';
const VIRUS_AUDITING = 'vb6aac7b3148f4afaf6942981da98a4af';

const h = useHarness();
scanForSecrets({ answers: () => h.answers });

const get = (path: string) => getPath(h, path);
const post = (body: unknown) => postQuery(h, body);
const ciPaths = () => h.emulator.requests.map((r) => r.path);
const ids = (res: { json: Json }) => (res.json.JobsDetail as Json[]).map((j) => j.JobId as string);
const fixturesOf = (family: Family) => [...h.emulator.jobs.values()].filter((j) => j.family === family);
/** The fixture file's own JobsDetail, read without the converter under test. */
const rawJobOf = (job: StoredJob) => (rawParse(readFileSync(job.file, 'utf8')).Response as { JobsDetail: unknown }).JobsDetail;
const job = async (family: Family, id: string) => {
  const res = await get(`/jobs/${family}/${id}`);
  expect(res.status).toBe(200);
  return res.json.JobsDetail[0];
};

describe.each(FAMILIES)('%s: every fixture, end to end', (family) => {
  test('the emulator serves fixtures for this family, in more than one state', () => {
    const jobs = fixturesOf(family);
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(jobs.map((j) => j.state)).size).toBeGreaterThanOrEqual(3);
  });

  test('GET answers each fixture with every value kept and no drift', async () => {
    for (const fixture of fixturesOf(family)) {
      h.emulator.requests.length = 0;
      const res = await get(`/jobs/${family}/${fixture.jobId}`);
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual([fixture.jobId]);
      expect(res.json.NonExistJobIds).toEqual([]);
      expect(res.json.SchemaErrors).toBeUndefined();
      expect(lostLeaves(rawJobOf(fixture), res.json.JobsDetail[0])).toEqual([]);
      expect(ciPaths()).toEqual([`${CI_PATH[family]}/${fixture.jobId}`]);
      // The signed request reached the bucket's CI host (the emulator refuses a bad signature).
      expect(h.emulator.requests[0]!.bucket).toBe('examplebucket-1250000000');
    }
  });

  test('POST /jobs/query answers the same, with an unknown id listed', async () => {
    const [first] = fixturesOf(family);
    const res = await post({ type: family, jobIds: [`${family}nothere1`, first!.jobId] });
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([first!.jobId]);
    expect(res.json.NonExistJobIds).toEqual([`${family}nothere1`]);
    expect(lostLeaves(rawJobOf(first!), res.json.JobsDetail[0])).toEqual([]);
  });

  test('a lone unknown id is a 404 NoSuchJob', async () => {
    const res = await get(`/jobs/${family}/${family}missing0`);
    expect(res.status).toBe(404);
    expect(res.json.Error.Code).toBe('NoSuchJob');
    expect(ciPaths()).toEqual([`${CI_PATH[family]}/${family}missing0`]);
  });
});

describe('several ids: one call where CI takes a list, one call each where it takes one id', () => {
  test.each([
    ['asr', [ASR_DETAIL, 'snothere1', ASR_DOCS, ASR_RUNNING]],
    ['file', [FILE_COMPRESS, FILE_HASH, 'fnothere1', FILE_UNCOMPRESS]],
  ] as const)('%s: one CI call with the ids comma-joined, answers in request order', async (family, asked) => {
    const res = await get(`/jobs/${family}/${asked.join(',')}`);
    expect(res.status).toBe(200);
    expect(ciPaths()).toEqual([`${CI_PATH[family]}/${asked.join(',')}`]);
    expect(ids(res)).toEqual(asked.filter((id) => !id.includes('nothere')));
    expect(res.json.NonExistJobIds).toEqual(asked.filter((id) => id.includes('nothere')));
  });

  test('file: twelve ids are two calls of ten and two, merged in request order', async () => {
    const known = fixturesOf('file').map((j) => j.jobId);
    const asked = Array.from({ length: 12 }, (_, i) => (i % 2 === 1 && known[(i - 1) / 2] ? known[(i - 1) / 2]! : `fnone${i}`));
    const res = await post({ type: 'file', jobIds: asked });
    expect(res.status).toBe(200);
    expect(h.emulator.requests.map((r) => r.path.split('/').pop()!.split(',').length)).toEqual([10, 2]);
    expect(ids(res)).toEqual(asked.filter((id) => !id.startsWith('fnone')));
    expect(res.json.NonExistJobIds).toEqual(asked.filter((id) => id.startsWith('fnone')));
    expect(res.json.RequestId).toBeNull(); // two calls have no single RequestId
  });

  test.each([
    ['doc', [DOC_WATERMARK, 'dnothere1', DOC_PAGES, DOC_AIGC]],
    ['virus', [VIRUS_NORMAL, 'vnothere1', VIRUS_BLOCK, VIRUS_AUDITING]],
  ] as const)('%s: one CI call per id, answers in request order, the unknown one listed', async (family, asked) => {
    const res = await get(`/jobs/${family}/${asked.join(',')}`);
    expect(res.status).toBe(200);
    expect([...ciPaths()].sort()).toEqual(asked.map((id) => `${CI_PATH[family]}/${id}`).sort());
    expect(ids(res)).toEqual(asked.filter((id) => !id.includes('nothere')));
    expect(res.json.NonExistJobIds).toEqual(['' + asked[1]]);
  });
});

describe('virus: CI answers an unknown id with an error, not NonExistJobIds', () => {
  test('the emulator, like CI, says 404 AuditingJobNotFound', async () => {
    h.emulator.fault = undefined;
    const res = await get(`/jobs/virus/${VIRUS_BLOCK},vgone1`);
    expect(res.status).toBe(200);
    expect(res.json.NonExistJobIds).toEqual(['vgone1']);
    expect(res.headers['x-ci-request-id']!.split(', ')).toHaveLength(2); // both calls, the 404 included
  });

  test('a 200 without a JobsDetail lists the id as well', async () => {
    h.emulator.fault = (req) => (req.path.endsWith('/vempty1') ? { body: '<Response><RequestId>cmVx</RequestId></Response>' } : undefined);
    const res = await get(`/jobs/virus/${VIRUS_NORMAL},vempty1`);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([VIRUS_NORMAL]);
    expect(res.json.NonExistJobIds).toEqual(['vempty1']);
  });

  test.each(['InvalidUrl', 'NoSuchBucket'])('404 %s is not "no such job": an upstream error, not a missing id', async (code) => {
    h.emulator.fault = () => ({ status: 404, code });
    const res = await get(`/jobs/virus/${VIRUS_BLOCK}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamError');
    expect(res.json.Error.Upstream).toMatchObject({ Status: 404, Code: code });
  });

  test('on the other families a 404 stays an upstream error', async () => {
    h.emulator.fault = () => ({ status: 404, code: 'AuditingJobNotFound' });
    const res = await get(`/jobs/doc/${DOC_PAGES}`);
    expect(res.status).toBe(502);
    expect(res.json.Error.Code).toBe('UpstreamError');
  });

  test('the body RequestId (after JobsDetail) is CI’s own', async () => {
    const res = await get(`/jobs/virus/${VIRUS_BLOCK}`);
    expect(res.json.RequestId).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(res.json.RequestId).toBe(res.headers['x-ci-request-id']);
  });
});

describe('arrays, numbers and booleans where the schemas say', () => {
  test('asr: AudioTime a number, Result and ResultDetail lists, word offsets kept as text', async () => {
    const documented = (await job('asr', ASR_DOCS)).Operation;
    expect(documented.SpeechRecognitionResult).toEqual({
      AudioTime: 30.12,
      Result: ['[0:0.000,0:30.080]  这是一条语音测试信息，展示的是识别后的文本内容'],
      ResultDetail: [],
    });
    expect(documented.SpeechRecognition.ChannelNum).toBe('1');
    const detail = (await job('asr', ASR_DETAIL)).Operation.SpeechRecognitionResult;
    expect(detail.Result).toHaveLength(2);
    expect(detail.ResultDetail.map((d: Json) => d.Words.length)).toEqual([2, 1]);
    expect(detail.ResultDetail[0].Words[0]).toEqual({ OffsetEndMs: '520', OffsetStartMs: '0', Word: 'Welcome' });
    expect((await job('asr', ASR_RUNNING)).Progress).toBe(40);
  });

  test('doc: PageInfo a list of one and of three, counts and page numbers numbers, parameters text', async () => {
    const callback = (await job('doc', DOC_CALLBACK)).Operation;
    expect(callback.DocProcessResult.PageInfo).toEqual([{ PageNo: 1, TgtUri: 'test1/1.jpg' }]);
    expect(callback.DocProcessResult).toMatchObject({ FailPageCount: 0, SuccPageCount: 1, TotalPageCount: 1, TaskId: '' });
    expect(callback.DocProcess).toMatchObject({ EndPage: '-1', Quality: '100', DocPassword: '' });
    const pages = (await job('doc', DOC_PAGES)).Operation.DocProcessResult;
    expect(pages.PageInfo.map((p: Json) => [p.PageNo, p.PicIndex, p['X-SheetPics']])).toEqual([
      [1, 1, 2],
      [1, 2, 2],
      [2, 1, 1],
    ]);
    expect(pages.TotalSheetCount).toBe(2);
    expect(pages.WatermarkInfo).toEqual({ Etag: '"5e4c7b0f7a6f2d9e3a1b8c0d2e4f6a81"', Size: 48213 });
    const watermark = await job('doc', DOC_WATERMARK);
    expect(watermark.Operation.DocWatermarkResult).toEqual({
      Etag: '"b1946ac92492d2347c6235b4d2611184"',
      Size: 1843221,
      TotalPageCount: 42,
    });
    const aigc = await job('doc', DOC_AIGC);
    expect(aigc.Operation.DocAIGCMetadata.AIGCMetadata.ProduceID).toBe('2024040315102700017'); // 19 digits stay text
    expect(aigc).toMatchObject({ State: 'Submitted', StartTime: null, EndTime: null });
  });

  test('file: AddToHeader a boolean, sizes and counts numbers, Key/KeyConfig/ErrorFile lists', async () => {
    const hash = await job('file', FILE_HASH);
    expect(hash.Progress).toBe(0);
    expect(hash.Operation.FileHashCodeConfig).toEqual({ Type: 'MD5', AddToHeader: true });
    expect(hash.Operation.FileHashCodeResult.FileSize).toBe(123);
    expect(hash.Input.BucketId).toBe('test-1234567890');
    const uncompress = (await job('file', FILE_UNCOMPRESS)).Operation;
    expect(uncompress.FileUncompressConfig.DownloadConfig.Key).toEqual(['images/logo.png', 'images/banner.jpg']);
    expect(uncompress.FileUncompressResult.FileCount).toBe('2'); // a string in the Go SDK
    const compress = (await job('file', FILE_COMPRESS)).Operation;
    expect(compress.FileCompressConfig.Key).toHaveLength(3);
    expect(compress.FileCompressConfig.KeyConfig.map((k: Json) => k.Key)).toEqual(['photos/2024/a.jpg', 'photos/2024/b.jpg']);
    expect(compress.FileCompressConfig.IgnoreError).toBe('true'); // a string in the Go SDK
    expect(compress.FileCompressResult).toMatchObject({ CompressFileCount: 2, ErrorCount: 1 });
    expect(compress.FileCompressResult.ErrorDetail).toEqual({ ErrorCount: '1', ErrorFile: ['photos/2024/missing.jpg'] });
    const failed = (await job('file', FILE_COMPRESS_FAILED)).Operation;
    expect(failed.FileCompressConfig.PrefixConfig).toHaveLength(2);
    expect(failed.FileCompressResult.ErrorDetail.ErrorFile).toEqual(['logs/app/', 'logs/web/']);
  });

  test('virus: DetectDetail and Result lists, also when empty; no Tag, every leaf text', async () => {
    const block = await job('virus', VIRUS_BLOCK);
    expect(block.DetectDetail).toHaveLength(1);
    expect(block.DetectDetail[0].Result).toEqual([
      { FileName: 'tools/setup.exe', VirusName: 'Trojan.Win32.Agent.xyz' },
      { FileName: 'tools/readme.doc', VirusName: 'W97M.Downloader.abc' },
    ]);
    expect(block).toMatchObject({ Suggestion: 'block', CreationTime: '2024-06-01T12:00:03+08:00', Object: 'uploads/tools.zip' });
    expect(block.Tag).toBeUndefined();
    expect((await job('virus', VIRUS_NORMAL)).DetectDetail).toEqual([]);
    expect(await job('virus', VIRUS_AUDITING)).toMatchObject({
      State: 'Auditing',
      Url: 'https://downloads.example.com/installer-1.4.2.exe',
    });
  });
});

describe('drift: kept and reported by default, a 502 with SCHEMA_MODE=strict', () => {
  /** Serves `edit(fragment)` for the job while `run` runs. */
  async function drifted<T>(family: Family, id: string, edit: (fragment: string) => string, run: () => Promise<T>): Promise<T> {
    const original = h.emulator.jobs.get(key(family, id))!;
    h.emulator.jobs.set(key(family, id), { ...original, fragment: edit(original.fragment) });
    try {
      return await run();
    } finally {
      h.emulator.jobs.set(key(family, id), original);
    }
  }

  test.each([
    [
      'asr',
      ASR_DOCS,
      (f: string) => f.replace('<AudioTime>30.12', '<AudioTime>about 30 s'),
      '/JobsDetail/0/Operation/SpeechRecognitionResult/AudioTime',
      'number',
      'about 30 s',
    ],
    [
      'doc',
      DOC_PAGES,
      (f: string) => f.replace('<TotalSheetCount>2', '<TotalSheetCount>two'),
      '/JobsDetail/0/Operation/DocProcessResult/TotalSheetCount',
      'number',
      'two',
    ],
    [
      'file',
      FILE_HASH,
      (f: string) => f.replace('<AddToHeader>true', '<AddToHeader>yes'),
      '/JobsDetail/0/Operation/FileHashCodeConfig/AddToHeader',
      'boolean',
      'yes',
    ],
  ] as const)('%s: an unreadable typed value is kept as CI sent it and listed', async (family, id, edit, path, expected, text) => {
    const res = await drifted(family, id, edit, () => get(`/jobs/${family}/${id}`));
    expect(res.status).toBe(200);
    expect(res.json.SchemaErrors).toEqual([{ path, expected, received: 'string' }]);
    expect(res.headers['x-schema-errors']).toBe('1');
    const at = path.split('/').slice(1);
    expect(at.reduce((node: Json, step) => node[step], res.json)).toBe(text);
    h.setEnv({ SCHEMA_MODE: 'strict' });
    const strict = await drifted(family, id, edit, () => get(`/jobs/${family}/${id}`));
    expect(strict.status).toBe(502);
    expect(strict.json.Error.Code).toBe('UpstreamInvalidResponse');
  });

  test('virus: a verdict sent as a container is kept whole and listed', async () => {
    const edit = (f: string) => f.replace('<Suggestion>block</Suggestion>', '<Suggestion><Level>block</Level></Suggestion>');
    const res = await drifted('virus', VIRUS_BLOCK, edit, () => get(`/jobs/virus/${VIRUS_BLOCK}`));
    expect(res.status).toBe(200);
    expect(res.json.JobsDetail[0].Suggestion).toEqual({ Level: 'block' });
    expect(res.json.SchemaErrors).toEqual([{ path: '/JobsDetail/0/Suggestion', expected: 'string', received: 'object' }]);
  });

  test('doc: a Tag this version does not know keeps the common fields and every value, without drift', async () => {
    const edit = (f: string) => f.replace('<Tag>DocWatermark</Tag>', '<Tag>DocTranslate</Tag>');
    const res = await drifted('doc', DOC_WATERMARK, edit, () => get(`/jobs/doc/${DOC_WATERMARK}`));
    expect(res.status).toBe(200);
    expect(res.json.SchemaErrors).toBeUndefined();
    expect(res.json.JobsDetail[0].Tag).toBe('DocTranslate');
    // The common Operation schema does not know DocWatermarkResult: its leaves pass through as text.
    expect(res.json.JobsDetail[0].Operation.DocWatermarkResult.Size).toBe('1843221');
  });
});
