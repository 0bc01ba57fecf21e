/**
 * Schema drift end to end: drifted variants of every fixture (test/helpers/drift-corpus.ts) served
 * by the emulator and fetched through the built bundle. With the default settings every variant
 * answers 200 with every value kept; accepted forms (45.5, 44100.0, True, 1) are read as numbers
 * and booleans without drift, anything unreadable is kept as text and listed in SchemaErrors.
 */
import { key } from '../../dev/emulator/fixtures';
import { FAMILIES, FAMILY_NAMES } from '../../shared/ci/families';
import { functionUrlEvent } from '../helpers/events';
import { driftCorpus } from '../helpers/drift-corpus';
import { useHarness } from '../helpers/use-harness';
import { lostLeaves, rawParse } from '../helpers/lossless';
import { scanForSecrets } from '../helpers/secret-scan';

const h = useHarness();
const logged = scanForSecrets({ answers: () => h.answers });

const corpus = driftCorpus();
const accepted = corpus.filter((v) => v.drift.length === 0);
const drifted = corpus.filter((v) => v.drift.length > 0);

/** Serves `fragment` for the job's id while `run` runs; the emulator signs and answers as for any job. */
async function serving<T>(v: (typeof corpus)[number], run: () => Promise<T>): Promise<T> {
  const id = key(v.job.family, v.job.jobId);
  const original = h.emulator.jobs.get(id)!;
  h.emulator.jobs.set(id, { ...original, fragment: v.fragment });
  try {
    return await run();
  } finally {
    h.emulator.jobs.set(id, original);
  }
}

const lookup = (v: (typeof corpus)[number], headers: Record<string, string> = {}) =>
  h.call(functionUrlEvent({ method: 'GET', path: `/jobs/${v.job.family}/${v.job.jobId}`, headers }));

/** The item in a fragment, under its family's list (JobsDetail, or WorkflowExecution for workflow runs). */
const rawJob = (fragment: string, list = 'JobsDetail') =>
  (rawParse(`<Response>${fragment}</Response>`).Response as Record<string, unknown>)[list];
const listOf = (v: (typeof corpus)[number]) => FAMILIES[v.job.family].list;
const byPath = <T extends { path: string }>(list: T[]) => [...list].sort((a, b) => a.path.localeCompare(b.path));

test('the corpus covers every family with accepted and drifted variants', () => {
  expect(new Set(corpus.map((v) => v.job.family))).toEqual(new Set(FAMILY_NAMES));
  expect(accepted.length).toBeGreaterThan(60);
  expect(drifted.length).toBeGreaterThan(20);
  for (const name of [
    'numbers as decimals',
    'numbers with a fraction',
    'booleans capitalised',
    'booleans as 1/0',
    'booleans empty',
    'numbers as N/A',
    'booleans as yes/no',
    'QueueId as a container',
    'Tag constructor',
    'Tag toString',
    'Tag __proto__',
  ])
    expect(corpus.some((v) => v.name.endsWith(`· ${name}`))).toBe(true);
});

describe('accepted forms: 200, read as numbers/booleans, no drift, even with SCHEMA_MODE=strict', () => {
  test.each(accepted.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    h.setEnv({ SCHEMA_MODE: 'strict' });
    const res = await serving(v, () => lookup(v));
    expect(res.status).toBe(200);
    expect(res.json.SchemaErrors).toBeUndefined();
    expect(res.headers['x-schema-errors']).toBeUndefined();
    expect(lostLeaves(rawJob(v.fragment, listOf(v)), res.json[listOf(v)][0])).toEqual([]);
  });
});

describe('drift with the default settings: 200, every value kept, every drift listed and counted', () => {
  test.each(drifted.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const res = await serving(v, () => lookup(v, { origin: 'https://app.example.com' }));
    expect(res.status).toBe(200);
    expect(lostLeaves(rawJob(v.fragment, listOf(v)), res.json[listOf(v)][0])).toEqual([]);
    expect(byPath(res.json.SchemaErrors)).toEqual(byPath(v.drift));
    expect(res.headers['x-schema-errors']).toBe(String(v.drift.length));
    expect(res.headers['access-control-expose-headers']).toContain('x-schema-errors');
  });
});

test('the same drift is a 502 naming every path with SCHEMA_MODE=strict', async () => {
  const v = drifted.find((d) => d.name.endsWith('numbers as N/A') && d.drift.length > 3)!;
  h.setEnv({ SCHEMA_MODE: 'strict' });
  const res = await serving(v, () => lookup(v));
  expect(res.status).toBe(502);
  expect(res.json.Error.Code).toBe('UpstreamInvalidResponse');
  expect(byPath(res.json.Error.Details).map((d: { path: string }) => d.path)).toEqual(byPath(v.drift).map((d) => d.path));
});

describe('repeated elements any SDK peer models as a list are always arrays', () => {
  const DNA = 'j7d72c30bc39e7c77e7b41925ba6931ea';
  const TRANSCODE = 'j8d121820f5e411ec926ef19d53ba9c6f';
  const VTR = 'jacca3a3e61ab2c367f64d2ac6e92f6cb';
  const variant = (id: string, edit: (fragment: string) => string) => {
    const job = h.emulator.jobs.get(key('media', id))!;
    return { name: id, job, fragment: edit(job.fragment), drift: [] };
  };
  const fetchVariant = async (v: ReturnType<typeof variant>) => {
    const res = await serving(v, () => lookup(v));
    expect(res.status).toBe(200);
    expect(res.json.SchemaErrors).toBeUndefined();
    expect(lostLeaves(rawJob(v.fragment), res.json.JobsDetail[0])).toEqual([]);
    return res.json.JobsDetail[0].Operation;
  };

  test('DNA: the Java spelling DNAResult, with one and with two Detection/Audio', async () => {
    const one = await fetchVariant(variant(DNA, (f) => f.replace(/DnaResult>/g, 'DNAResult>')));
    expect(one.DNAResult.Detection).toHaveLength(1);
    expect(one.DNAResult.Detection[0].Audio).toEqual([{ Similar: '74' }]);
    const two = await fetchVariant(
      variant(DNA, (f) =>
        f.replace(
          /<Detection>[\s\S]*<\/Detection>/,
          (d) => `${d}${d.replace('<Similar>87', '<Similar>12').replace(/<Audio>[\s\S]*<\/Audio>/, (a) => `${a}${a}`)}`,
        ),
      ),
    );
    expect(two.DnaResult.Detection.map((d: { Similar: string; Audio: unknown[] }) => [d.Similar, d.Audio.length])).toEqual([
      ['87', 1],
      ['12', 2],
    ]);
  });

  test('RemoveWatermark once and twice; OutputFile.ObjectUrl once', async () => {
    const once = await fetchVariant(variant(TRANSCODE, (f) => f));
    expect(once.RemoveWatermark).toHaveLength(1);
    const twice = await fetchVariant(variant(TRANSCODE, (f) => f.replace(/<RemoveWatermark>[\s\S]*<\/RemoveWatermark>/, (r) => r + r)));
    expect(twice.RemoveWatermark).toHaveLength(2);
    const urls = await fetchVariant(
      variant(TRANSCODE, (f) =>
        f.replace(
          '</Operation>',
          '<MediaResult><OutputFile><ObjectUrl>https://b.example/o.mp4</ObjectUrl></OutputFile></MediaResult></Operation>',
        ),
      ),
    );
    expect(urls.MediaResult.OutputFile.ObjectUrl).toEqual(['https://b.example/o.mp4']);
  });

  test('VideoTargetRec: TopKRecognition, and the Java *RecognitionResult/ResultDetails/ResultInfo, once each', async () => {
    const op = await fetchVariant(
      variant(VTR, (f) =>
        f
          .replace('<VideoTargetRec>', '<VideoTargetRec><TopKRecognition><Time>1</Time><Url>u</Url><Score>9</Score></TopKRecognition>')
          .replace(
            '<VideoTargetRecResult>',
            '<VideoTargetRecResult><CarRecognitionResult><FusionScore>80</FusionScore><ResultDetails><Time>2</Time><Url>v</Url><ResultInfo><Name>car</Name><Score>80</Score></ResultInfo></ResultDetails></CarRecognitionResult>',
          ),
      ),
    );
    expect(op.VideoTargetRec.TopKRecognition).toEqual([{ Time: '1', Url: 'u', Score: '9' }]);
    expect(op.VideoTargetRecResult.CarRecognitionResult).toEqual([
      { FusionScore: '80', ResultDetails: [{ Time: '2', Url: 'v', ResultInfo: [{ Name: 'car', Score: '80' }] }] },
    ]);
  });
});

describe('a JobsDetail without a usable JobId or State makes the answer a 502, in every mode', () => {
  const ID = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
  test.each([
    ['no JobId', `<JobsDetail><State>Success</State><Tag>Transcode</Tag></JobsDetail>`, '/JobsDetail/0/JobId'],
    ['no State', `<JobsDetail><JobId>${ID}</JobId><Tag>Transcode</Tag></JobsDetail>`, '/JobsDetail/0/State'],
    ['an empty State', `<JobsDetail><JobId>${ID}</JobId><State></State></JobsDetail>`, '/JobsDetail/0/State'],
    ['a State container', `<JobsDetail><JobId>${ID}</JobId><State><A>1</A></State></JobsDetail>`, '/JobsDetail/0/State'],
    ['a text JobsDetail', `<JobsDetail>oops</JobsDetail>`, '/JobsDetail/0/JobId'],
  ])('%s', async (_name, fragment, path) => {
    for (const mode of [undefined, 'report', 'strict']) {
      h.setEnv({ SCHEMA_MODE: mode });
      h.emulator.fault = () => ({ status: 200, body: `<Response>${fragment}</Response>` });
      const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${ID}` }));
      expect([mode, res.status, res.json.Error.Code]).toEqual([mode, 502, 'UpstreamInvalidResponse']);
      expect(res.json.Error.Details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  test('one unusable entry among good ones still costs the answer: no job may silently vanish', async () => {
    const good = h.emulator.jobs.get(key('media', ID))!.fragment;
    h.emulator.fault = () => ({ status: 200, body: `<Response>${good}<JobsDetail><State>Running</State></JobsDetail></Response>` });
    const res = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${ID},jother` }));
    expect(res.status).toBe(502);
    expect(res.json.Error.Details).toEqual([{ path: '/JobsDetail/1/JobId', message: 'must be non-empty text' }]);
  });
});

test('drift logs one warn line naming the Tag and the paths, never the values', async () => {
  const ID = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
  const marker = 'N/A-7731-never-logged';
  const job = h.emulator.jobs.get(key('media', ID))!;
  const v = {
    name: 'log',
    job,
    fragment: job.fragment.replace(/<Progress>[^<]*<\/Progress>/, `<Progress>${marker}</Progress>`),
    drift: [],
  };
  expect(v.fragment).toContain(marker);
  const before = logged.length;
  const res = await serving(v, () => lookup(v));
  expect(res.status).toBe(200);
  expect(res.json.JobsDetail[0].Progress).toBe(marker);
  const lines = logged.slice(before).map((l) => JSON.parse(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 'warn',
    status: 200,
    schemaErrors: 1,
    driftTags: ['Transcode'],
    driftPaths: ['/JobsDetail/0/Progress'],
  });
  expect(logged.slice(before).join('\n')).not.toContain(marker);
});

test('a drifted job is served from the instance cache with its SchemaErrors, but never with a public max-age', async () => {
  const ID = 'j9c0a4726f6ac11ec96aaa9b64ab18d00';
  h.setEnv({ CACHE_TERMINAL_TTL_S: undefined, CACHE_ACTIVE_TTL_MS: undefined });
  h.newInstance();
  const job = h.emulator.jobs.get(key('media', ID))!;
  const v = {
    name: 'cache',
    job,
    fragment: job.fragment.replace(/<NumStream>[^<]*<\/NumStream>/, '<NumStream>N/A</NumStream>'),
    drift: [],
  };
  const [first, second] = await serving(v, async () => [await lookup(v), await lookup(v)]);
  expect(h.emulator.requests).toHaveLength(1);
  expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
  for (const res of [first, second]) {
    expect(res.json.SchemaErrors).toEqual([
      { path: '/JobsDetail/0/Operation/MediaInfo/Format/NumStream', expected: 'number', received: 'string' },
    ]);
    expect(res.headers['x-schema-errors']).toBe('1');
    expect(res.headers['cache-control']).toBe('no-cache');
  }
});
