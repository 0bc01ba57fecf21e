/**
 * Loads the XML fixtures into a job store: each fixture is a whole CI `<Response>`; each item
 * fragment in it (`<JobsDetail>`, or the family's own element: families.ts) is kept verbatim (so
 * the emulator serves exactly the bytes on disk) and indexed by family folder and id.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATED_FAMILIES, FAMILY_DIRS, type Family } from './families';

export { FAMILY_DIRS, type Family } from './families';

export interface StoredJob {
  family: Family;
  jobId: string;
  file: string;
  fragment: string; // `<JobsDetail>…</JobsDetail>` (or the family's item element)
  state: string | undefined;
  tag: string | undefined;
}

export function defaultFixturesDir(): string {
  return join(process.cwd(), 'dev', 'fixtures');
}

export function loadFixtures(dir = defaultFixturesDir()): Map<string, StoredJob> {
  const jobs = new Map<string, StoredJob>();
  for (const family of FAMILY_DIRS) {
    const spec = EMULATED_FAMILIES[family];
    const folder = join(dir, spec.folder);
    const fragments = new RegExp(`<${spec.item}>[\\s\\S]*?</${spec.item}>`, 'g');
    const idOf = new RegExp(`<${spec.idField}>([^<]+)</${spec.idField}>`);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)
      .filter((f) => f.endsWith('.xml'))
      .sort()) {
      const file = join(folder, name);
      const xml = readFileSync(file, 'utf8');
      for (const fragment of xml.match(fragments) ?? []) {
        // The job's own id is its first direct child of that name; fixtures put it before any nested node.
        const jobId = idOf.exec(fragment)?.[1]?.trim();
        if (!jobId) continue;
        const directText = (tag: string) => new RegExp(`^\\s{0,12}<${tag}>([^<]*)</${tag}>`, 'm').exec(fragment)?.[1];
        jobs.set(key(family, jobId), {
          family,
          jobId,
          file,
          fragment,
          state: directText('State'),
          tag: spec.variantField === undefined ? undefined : directText(spec.variantField),
        });
      }
    }
  }
  return jobs;
}

export const key = (family: Family, jobId: string) => `${family}/${jobId}`;
