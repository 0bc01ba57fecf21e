/**
 * Every fixture the emulator serves and every sample in the seed documents: parses, converts,
 * validates against its family schema, loses no leaf, and gets arrays where CI repeats elements.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES, FAMILY_NAMES, type JobFamily } from '../../shared/ci/families';
import { familyShape, familyValidator, toIssues } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape } from '../../shared/xml/shape';
import { countLeaves, lostLeaves, rawParse } from '../helpers/lossless';

const FIXTURES = join(__dirname, '..', '..', 'dev', 'fixtures');
const fixtures = FAMILY_NAMES.flatMap((family) =>
  readdirSync(join(FIXTURES, family))
    .filter((f) => f.endsWith('.xml'))
    .map((file) => ({ family, file, xml: readFileSync(join(FIXTURES, family, file), 'utf8') })),
);

function convert(family: JobFamily, xml: string) {
  return applyShape(parseXml(xml).Response ?? '', familyShape(family)) as Record<string, any>;
}

function expectValidAndLossless(family: JobFamily, xml: string) {
  const json = convert(family, xml);
  const validate = familyValidator(family);
  const valid = validate(json);
  expect(toIssues(validate.errors)).toEqual([]);
  expect(valid).toBe(true);
  const raw = rawParse(xml).Response;
  expect(countLeaves(raw)).toBeGreaterThan(3);
  expect(lostLeaves(raw, json)).toEqual([]);
  expect(Array.isArray(json[FAMILIES[family].list])).toBe(true);
  return json;
}

test('there is a fixture in every family and in every job state', () => {
  expect(new Set(fixtures.map((f) => f.family))).toEqual(new Set(FAMILY_NAMES));
  const states = new Set(fixtures.map((f) => /<State>([^<]+)<\/State>/.exec(f.xml)?.[1]));
  for (const state of ['Submitted', 'Running', 'Success', 'Failed', 'Cancel', 'Pause']) expect(states).toContain(state);
});

test.each(fixtures.map((f) => [`${f.family}/${f.file}`, f] as const))('%s converts, validates, loses nothing', (_name, f) => {
  expectValidAndLossless(f.family, f.xml);
});

describe('repeated elements are arrays with one element or many', () => {
  const media = fixtures.filter((f) => f.family === 'media').map((f) => convert('media', f.xml).JobsDetail[0]);
  const ops = media.map((j) => j.Operation).filter(Boolean);

  test('WatermarkTemplateId: one and three', () => {
    const lists = ops.filter((o) => o.WatermarkTemplateId).map((o) => o.WatermarkTemplateId);
    // A lone id left as a string would also have a numeric length: check the type, then the lengths.
    expect(lists.every((list) => Array.isArray(list))).toBe(true);
    const lengths = lists.map((list) => list.length);
    expect(lengths).toContain(3);
    expect(lengths.some((n) => n === 1)).toBe(true);
  });

  test('MediaInfo streams are lists; two audio streams survive (VoiceSeparate)', () => {
    const streams = ops.filter((o) => o.MediaInfo?.Stream).map((o) => o.MediaInfo.Stream);
    expect(streams.length).toBeGreaterThan(2);
    for (const s of streams) for (const k of ['Audio', 'Video']) if (k in s) expect(Array.isArray(s[k])).toBe(true);
    expect(streams.some((s) => s.Audio?.length === 2)).toBe(true);
  });

  test('hex codec tags and long numeric-looking values stay text', () => {
    const all = JSON.stringify(media);
    expect(all).toContain('"CodecTag":"0x6134706d"');
    const thirtyTwoDigits = fixtures.map((f) => /\b\d{20,}\b/.exec(f.xml)?.[0]).find(Boolean);
    expect(thirtyTwoDigits).toBeDefined();
    expect(JSON.stringify(fixtures.map((f) => convert(f.family, f.xml)))).toContain(`"${thirtyTwoDigits}"`);
  });

  test('every JobsDetail (WorkflowExecution) in every fixture is one array entry with a JobId (RunId) and State', () => {
    for (const f of fixtures) {
      const { list, idField, stateField } = FAMILIES[f.family];
      const json = convert(f.family, f.xml);
      expect(json[list].length).toBeGreaterThanOrEqual(1);
      for (const job of json[list]) expect(job).toMatchObject({ [idField]: expect.any(String), [stateField]: expect.any(String) });
    }
  });
});

describe('the samples in the seed documents', () => {
  const seedDir = join(__dirname, '..', '..', '..', 'shared', 'seeds');
  const family: Record<string, JobFamily> = { pic_jobs: 'pic', ai_jobs: 'ai', jobs: 'media', inventorytriggerjob: 'batch' };
  // Typos in the seed pages themselves: `<Tag>X<Tag>` and a stray `</Message>`.
  const repair = (xml: string) => xml.replace(/<Tag>(\w+)<Tag>/g, '<Tag>$1</Tag>').replace(/^\s*<\/Message>\s*$/m, '<Message/>');
  const samples = existsSync(seedDir)
    ? readdirSync(seedDir).flatMap((file) => {
        const text = readFileSync(join(seedDir, file), 'utf8');
        const api = /GET \/(\w+)\//.exec(text)?.[1] ?? '';
        // Each page shows an empty skeleton first; the samples are the bodies that name a job.
        return [...text.matchAll(/<Response>[\s\S]*?<\/Response>/g)]
          .filter((m) => m[0].includes('<JobId>'))
          .map((m, i) => [`${file} #${i + 1}`, family[api] as JobFamily, repair(m[0])] as const)
          .filter(([, f]) => f);
      })
    : [];

  // Without the seed documents (a checkout used on its own) these tests are reported as skipped,
  // never as passed with nothing checked. CI always has them beside the checkout.
  const haveSeeds = existsSync(seedDir);
  if (!haveSeeds) test.skip('seed documents are not beside this checkout (../shared/seeds)', () => undefined);
  else
    test.each(samples)('%s', (_name, fam, xml) => {
      const json = expectValidAndLossless(fam, xml);
      // The same job is served by the emulator from its fixture, byte-identical in content.
      const id = json.JobsDetail[0].JobId as string;
      const fixture = fixtures.find((f) => f.family === fam && f.xml.includes(`<JobId>${id}</JobId>`));
      expect(fixture).toBeDefined();
      expect(convert(fam, fixture!.xml).JobsDetail[0]).toEqual(json.JobsDetail[0]);
    });

  (haveSeeds ? test : test.skip)('all five seed samples with a response body were found', () => {
    expect(samples.map(([n]) => n.split(' ')[0])).toEqual(expect.arrayContaining(readdirSync(seedDir)));
    expect(samples.length).toBe(6);
  });
});
