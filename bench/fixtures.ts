/**
 * The bench's CI data: dev/fixtures as they are, plus synthetic large VideoTag results (the seed
 * VideoTag success with its ObjectTags list repeated), written to a temporary directory the bench
 * emulator serves: one of ~100 kB for the per-stage costs, and fifty of ~200 kB for the memory row
 * (ten of them fill one CI answer up to just under the 2 MiB the function accepts per call).
 */
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ANSWER_BYTES } from '../shared/ci/upstream-budget';
import { MAX_JOB_IDS } from '../shared/ci/families';
import { EMULATED_FAMILIES, FAMILY_DIRS } from '../dev/emulator/families';

export interface FixtureJob {
  family: string;
  id: string;
  file: string;
}

export interface BenchBodies {
  dir: string;
  /** Job ids by body size class, with the fixture each comes from. */
  small: FixtureJob;
  transcode: FixtureJob;
  large: FixtureJob;
  /** Every job in dev/fixtures, all families: what the uncached rows rotate over. */
  all: FixtureJob[];
  /** The worst legitimate request: MAX_JOB_IDS media ids whose answers fill each CI call to the cap. */
  worst: { ids: string[]; jobBytes: number };
}

const jobIdOf = (xml: string, idField = 'JobId') => new RegExp(`<${idField}>([^<]+)</${idField}>`).exec(xml)?.[1] as string;
const LARGE_ID = 'jbench100kvideotag00000000000000';
const MEDIA_IDS_PER_CALL = 10; // FAMILIES.media.batchSize

/** The seed VideoTag job with its ObjectTags block repeated until the file is about `bytes` long. */
function videoTagOf(seed: string, id: string, bytes: number): string {
  const block = /<ObjectTags>[\s\S]*?<\/ObjectTags>/.exec(seed)?.[0] ?? '';
  const copies: string[] = [];
  let size = Buffer.byteLength(seed);
  for (let i = 0; ; i++) {
    const copy = block.replace(/<TimeStamp>\d+<\/TimeStamp>/, `<TimeStamp>${i}</TimeStamp>`);
    const next = size + Buffer.byteLength(copy) + 1; // bytes, not characters: the labels are Chinese
    if (next > bytes) break;
    copies.push(copy);
    size = next;
  }
  return seed.replace(jobIdOf(seed), id).replace(block, copies.join('\n'));
}

export function prepareBodies(source = join(process.cwd(), 'dev', 'fixtures')): BenchBodies {
  const dir = mkdtempSync(join(tmpdir(), 'ci-bench-'));
  cpSync(source, dir, { recursive: true });
  const media = join(dir, 'media');

  const all: FixtureJob[] = [];
  for (const family of FAMILY_DIRS)
    for (const file of readdirSync(join(dir, family))
      .filter((f) => f.endsWith('.xml'))
      .sort())
      // A workflow run is named by its RunId; its Tasks carry JobIds of their own.
      all.push({
        family,
        id: jobIdOf(readFileSync(join(dir, family, file), 'utf8'), EMULATED_FAMILIES[family].idField),
        file: `${family}/${file}`,
      });

  // The media fixture closest to 1 kB.
  const files = readdirSync(media).filter((f) => f.endsWith('.xml'));
  const small = files.reduce((best, f) =>
    Math.abs(statSync(join(media, f)).size - 1024) < Math.abs(statSync(join(media, best)).size - 1024) ? f : best,
  );
  const transcode = 'transcode-success.xml';

  const seed = readFileSync(join(media, 'videotag-success.xml'), 'utf8');
  writeFileSync(join(media, 'bench-videotag-100k.xml'), videoTagOf(seed, LARGE_ID, 100 * 1024));

  // The largest legitimate request: 50 jobs whose answers together just fit the request's byte
  // budget (ten per call, each call with its envelope).
  const calls = Math.ceil(MAX_JOB_IDS / MEDIA_IDS_PER_CALL);
  const jobBytes = Math.floor((MAX_ANSWER_BYTES - calls * 4096) / MAX_JOB_IDS);
  const worst = Array.from({ length: MAX_JOB_IDS }, (_, i) => `jbenchworst${String(i).padStart(4, '0')}`);
  worst.forEach((id, i) => writeFileSync(join(media, `bench-worst-${i}.xml`), videoTagOf(seed, id, jobBytes)));

  return {
    dir,
    small: { family: 'media', id: jobIdOf(readFileSync(join(media, small), 'utf8')), file: `media/${small}` },
    transcode: { family: 'media', id: jobIdOf(readFileSync(join(media, transcode), 'utf8')), file: `media/${transcode}` },
    large: { family: 'media', id: LARGE_ID, file: 'media/bench-videotag-100k.xml (synthetic)' },
    all,
    worst: { ids: worst, jobBytes },
  };
}
