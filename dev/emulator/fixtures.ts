/**
 * Loads the XML fixtures into a job store: each fixture is a whole CI `<Response>`; its
 * `<JobsDetail>` fragment is kept verbatim (so the emulator serves exactly the bytes on disk)
 * and indexed by family folder and JobId.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITING_FAMILIES, type AuditingFamily } from './auditing';

export type Family = 'media' | 'pic' | 'ai' | 'batch' | AuditingFamily;
export const FAMILY_DIRS: Family[] = ['media', 'pic', 'ai', 'batch', ...AUDITING_FAMILIES];

export interface StoredJob {
  family: Family;
  jobId: string;
  file: string;
  fragment: string; // `<JobsDetail>…</JobsDetail>`
  state: string | undefined;
  tag: string | undefined;
}

const FRAGMENT = /<JobsDetail>[\s\S]*?<\/JobsDetail>/g;

export function defaultFixturesDir(): string {
  return join(process.cwd(), 'dev', 'fixtures');
}

export function loadFixtures(dir = defaultFixturesDir()): Map<string, StoredJob> {
  const jobs = new Map<string, StoredJob>();
  for (const family of FAMILY_DIRS) {
    const folder = join(dir, family);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)
      .filter((f) => f.endsWith('.xml'))
      .sort()) {
      const file = join(folder, name);
      const xml = readFileSync(file, 'utf8');
      for (const fragment of xml.match(FRAGMENT) ?? []) {
        // The job's own JobId is its first direct child of that name; fixtures put it before any nested node.
        const jobId = /<JobId>([^<]+)<\/JobId>/.exec(fragment)?.[1]?.trim();
        if (!jobId) continue;
        const directText = (tag: string) => new RegExp(`^\\s{0,12}<${tag}>([^<]*)</${tag}>`, 'm').exec(fragment)?.[1];
        jobs.set(key(family, jobId), {
          family,
          jobId,
          file,
          fragment,
          state: directText('State'),
          tag: directText('Tag') ?? directText('Type'),
        });
      }
    }
  }
  return jobs;
}

export const key = (family: Family, jobId: string) => `${family}/${jobId}`;
