/**
 * The bench's CI data: dev/fixtures as they are, plus a synthetic ~100 kB VideoTag result (the
 * seed VideoTag success with its ObjectTags list repeated), written to a temporary directory the
 * bench emulator serves.
 */
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchBodies {
  dir: string;
  /** Job ids by body size class, with the fixture each comes from. */
  small: { id: string; file: string };
  transcode: { id: string; file: string };
  large: { id: string; file: string };
}

const jobIdOf = (xml: string) => /<JobId>([^<]+)<\/JobId>/.exec(xml)?.[1] as string;
const LARGE_ID = 'jbench100kvideotag00000000000000';

export function prepareBodies(source = join(process.cwd(), 'dev', 'fixtures')): BenchBodies {
  const dir = mkdtempSync(join(tmpdir(), 'ci-bench-'));
  cpSync(source, dir, { recursive: true });
  const media = join(dir, 'media');

  // The media fixture closest to 1 kB.
  const files = readdirSync(media).filter((f) => f.endsWith('.xml'));
  const small = files.reduce((best, f) => (Math.abs(statSync(join(media, f)).size - 1024) < Math.abs(statSync(join(media, best)).size - 1024) ? f : best));
  const transcode = 'transcode-success.xml';

  const seed = readFileSync(join(media, 'videotag-success.xml'), 'utf8');
  const block = /<ObjectTags>[\s\S]*?<\/ObjectTags>/.exec(seed)?.[0] ?? '';
  const copies: string[] = [];
  for (let i = 0; copies.join('').length < 100 * 1024 - seed.length; i++) copies.push(block.replace(/<TimeStamp>\d+<\/TimeStamp>/, `<TimeStamp>${i}</TimeStamp>`));
  const large = seed.replace(jobIdOf(seed), LARGE_ID).replace(block, copies.join('\n'));
  writeFileSync(join(media, 'bench-videotag-100k.xml'), large);

  return {
    dir,
    small: { id: jobIdOf(readFileSync(join(media, small), 'utf8')), file: `media/${small}` },
    transcode: { id: jobIdOf(readFileSync(join(media, transcode), 'utf8')), file: `media/${transcode}` },
    large: { id: LARGE_ID, file: 'media/bench-videotag-100k.xml (synthetic)' },
  };
}
