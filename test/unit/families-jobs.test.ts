/**
 * The asr, doc, file and virus fixtures as the emulator loads them: at least one per Tag the schemas
 * know, each valid; a Tag's branch checks what the Tag adds; virus jobs have one check for all; and
 * which endpoints a CI callback for these Tags is looked up at.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixtures } from '../../dev/emulator/fixtures';
import { candidateFamilies } from '../../shared/callbacks/job-families';
import { familyShape, familyValidator, toIssues } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape } from '../../shared/xml/shape';
import { families } from '../../generated/validators';

type Json = any;
const jobs = [...loadFixtures(join(__dirname, '..', '..', 'dev', 'fixtures')).values()];
const convert = (family: string, file: string) =>
  applyShape(parseXml(readFileSync(file, 'utf8')).Response ?? '', familyShape(family)) as Json;

test.each([
  ['asr', ['SpeechRecognition']],
  ['doc', ['DocProcess', 'DocWatermark', 'DocAIGCMetadata']],
  ['file', ['FileHashCode', 'FileUncompress', 'FileCompress']],
] as const)('%s: the schema knows exactly these Tags and every one has a fixture that validates', (family, tags) => {
  expect(families[family]!.known).toEqual(tags);
  for (const tag of tags) {
    const fixtures = jobs.filter((j) => j.family === family && j.tag === tag);
    expect(fixtures.length).toBeGreaterThanOrEqual(1);
    for (const fixture of fixtures) {
      const validate = familyValidator(family);
      const json = convert(family, fixture.file);
      expect(validate(json)).toBe(true);
      expect(toIssues(validate.errors)).toEqual([]);
      expect(json.JobsDetail[0].Tag).toBe(tag);
    }
  }
});

test('a Tag branch checks what the Tag adds: a DocProcess PageInfo that is not a list is refused', () => {
  const fixture = jobs.find((j) => j.family === 'doc' && j.file.endsWith('docprocess-pages-success.xml'))!;
  const json = convert('doc', fixture.file);
  const validate = familyValidator('doc');
  expect(validate(json)).toBe(true);
  json.JobsDetail[0].Operation.DocProcessResult.PageInfo = { PageNo: 1 };
  expect(validate(json)).toBe(false);
  expect(toIssues(validate.errors)[0]!.path).toBe('/JobsDetail/0/Operation/DocProcessResult/PageInfo');
  // The same document under an unknown Tag is checked against the common fields only.
  json.JobsDetail[0].Tag = 'DocSomethingNew';
  expect(validate(json)).toBe(true);
});

test('virus: no Tag, one check for every job; the states CI documents are all there', () => {
  expect(families.virus).toMatchObject({ key: null, known: [], branches: {} });
  const virus = jobs.filter((j) => j.family === 'virus');
  expect(new Set(virus.map((j) => j.state))).toEqual(new Set(['Submitted', 'Auditing', 'Success', 'Failed']));
  for (const fixture of virus) {
    const json = convert('virus', fixture.file);
    expect(familyValidator('virus')(json)).toBe(true);
    expect(Array.isArray(json.JobsDetail[0].DetectDetail ?? [])).toBe(true);
    expect(json.RequestId).toMatch(/^[A-Za-z0-9+/=]+$/);
  }
});

test('callbacks: document and file Tags are looked up at their own endpoint, SpeechRecognition also at /asr_jobs', () => {
  const job = (tag: string) => ({ id: 'x', tag, batchType: undefined });
  expect(candidateFamilies(job('DocProcess'))).toEqual(['doc']);
  expect(candidateFamilies(job('DocAIGCMetadata'))).toEqual(['doc']);
  expect(candidateFamilies(job('FileCompress'))).toEqual(['file']);
  expect(candidateFamilies(job('SpeechRecognition'))).toEqual(['ai', 'media', 'asr']);
  expect(candidateFamilies(job('WordsGeneralize'))).toEqual(['ai', 'media']);
});
