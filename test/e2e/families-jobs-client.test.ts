/**
 * The typed client for the asr, doc, file and virus families over real loopback HTTP (the local
 * server around the built bundle, the CI emulator behind it): `getJobs('doc', …)` answers
 * `DocJobsEnvelope`, narrowing on `Tag` reaches each Tag's own Operation without a cast, virus jobs
 * have one type; the `@ts-expect-error` lines fail `tsc --noEmit` if the types loosen.
 */
import { type JobStatusClient, createJobStatusClient } from '../../client';
import type {
  AsrJob,
  DocJob,
  DocJobsEnvelope,
  FileJob,
  JobByFamilyAndTag,
  JobQueryRequest,
  VirusJob,
  VirusJobsEnvelope,
} from '../../client/types';
import { startLocalStack } from '../helpers/local-stack';

const DOC_PAGES = 'd4670cbf690f2ce8484e4250fde44963a';
const DOC_WATERMARK = 'd1429199b69fe858e0544f596708de9c4';
const FILE_COMPRESS = 'f30a988de3df95afb4e204c400f51dc25';
const ASR_DOCS = 's8988119ee2c911eab2cdd3817d4d5e64';
const VIRUS_BLOCK = 'v286ffa1ab5ccfdc92980ddb9c3906b10';

/** What each Tag's own fields read as, found by narrowing alone (no casts). */
function docSummary(job: DocJob): string {
  switch (job.Tag) {
    case 'DocProcess': {
      const pages: number[] = (job.Operation?.DocProcessResult?.PageInfo ?? []).map((p) => (typeof p.PageNo === 'number' ? p.PageNo : 0));
      // @ts-expect-error: a DocProcess job has no typed watermark result
      void job.Operation?.DocWatermarkResult?.TotalPageCount;
      return `pages ${pages.join(' ')}`;
    }
    case 'DocWatermark':
      return `watermarked ${String(job.Operation?.DocWatermarkResult?.TotalPageCount)}`;
    default:
      return `other ${String(job.Tag)}`;
  }
}

function fileSummary(job: FileJob): string {
  if (job.Tag === 'FileCompress') {
    const errors: string[] | undefined = job.Operation?.FileCompressResult?.ErrorDetail?.ErrorFile;
    return `packed, failed: ${(errors ?? []).join(' ')}`;
  }
  if (job.Tag === 'FileHashCode') {
    const toHeader: boolean | null | string | undefined = job.Operation?.FileHashCodeConfig?.AddToHeader;
    return `hash ${String(toHeader)}`;
  }
  return 'other';
}

function asrText(job: AsrJob): string[] {
  return job.Tag === 'SpeechRecognition' ? (job.Operation?.SpeechRecognitionResult?.Result ?? []) : [];
}

function virusFindings(job: VirusJob): string[] {
  // @ts-expect-error: virus jobs have no Tag to narrow on
  void job.Tag?.length;
  return (job.DetectDetail ?? []).flatMap((d) => (d.Result ?? []).map((r) => `${String(r.FileName)}: ${String(r.VirusName)}`));
}

function typeChecks(api: JobStatusClient) {
  const doc: Promise<DocJobsEnvelope> = api.getJobs('doc', DOC_PAGES);
  const virus: Promise<VirusJobsEnvelope> = api.getJobs('virus', VIRUS_BLOCK);
  // @ts-expect-error: getJobs names a family
  const wrong = api.getJobs('documents', DOC_PAGES);
  const body: JobQueryRequest = { type: 'file', jobIds: [FILE_COMPRESS] };
  // @ts-expect-error: not a family
  const typo: JobQueryRequest = { type: 'docs', jobIds: ['d1'] };
  const byTag: JobByFamilyAndTag['file']['FileUncompress']['Tag'] = 'FileUncompress';
  return [doc, virus, wrong, body, typo, byTag];
}

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let api: JobStatusClient;
beforeAll(async () => {
  stack = await startLocalStack();
  api = createJobStatusClient({ baseUrl: stack.url });
});
afterAll(() => stack.close());

test('getJobs for each new family, narrowed on Tag', async () => {
  const doc = await api.getJobs('doc', [DOC_PAGES, DOC_WATERMARK]);
  expect(doc.JobsDetail.map(docSummary)).toEqual(['pages 1 1 2', 'watermarked 42']);
  const file = await api.getJobs('file', FILE_COMPRESS);
  expect(file.JobsDetail.map(fileSummary)).toEqual(['packed, failed: photos/2024/missing.jpg']);
  const asr = await api.getJobs('asr', ASR_DOCS);
  expect(asr.JobsDetail.flatMap(asrText)).toEqual(['[0:0.000,0:30.080]  这是一条语音测试信息，展示的是识别后的文本内容']);
  const virus = await api.getJobs('virus', VIRUS_BLOCK);
  expect(virus.JobsDetail.flatMap(virusFindings)).toEqual([
    'tools/setup.exe: Trojan.Win32.Agent.xyz',
    'tools/readme.doc: W97M.Downloader.abc',
  ]);
  expect(stack.emulator.requests.map((r) => r.path)).toEqual(
    expect.arrayContaining([
      `/doc_jobs/${DOC_PAGES}`,
      `/doc_jobs/${DOC_WATERMARK}`,
      `/file_jobs/${FILE_COMPRESS}`,
      `/virus/detect/${VIRUS_BLOCK}`,
    ]),
  );
});

test('queryJobs lists unknown ids; waitForJob returns a finished virus job at once', async () => {
  const file = await api.queryJobs({ type: 'file', jobIds: ['fnothere', FILE_COMPRESS] });
  expect(file.NonExistJobIds).toEqual(['fnothere']);
  const done = await api.waitForJob('virus', VIRUS_BLOCK);
  expect(done.State).toBe('Success');
  expect(typeChecks).toBeInstanceOf(Function);
});
