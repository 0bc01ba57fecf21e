/**
 * Drifted variants of every fixture: the same job with its values written the ways the official
 * SDKs allow or the ways CI could start sending them. Each variant says what a caller must get:
 * either the values read as numbers/booleans with no drift, or every value kept and each place
 * where the documented type could not be read listed (found by comparing with the clean fixture).
 */
import { join } from 'node:path';
import { type StoredJob, loadFixtures } from '../../dev/emulator/fixtures';
import type { SchemaDrift } from '../../shared/ci/drift';
import { FAMILIES } from '../../shared/ci/families';
import { familyShape } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape, type Json } from '../../shared/xml/shape';
import { rawParse } from './lossless';

export interface DriftVariant {
  name: string;
  job: StoredJob;
  fragment: string;
  /** SchemaErrors the answer must list (empty: the variant is an accepted form, no drift). */
  drift: SchemaDrift[];
}

// Elements that are numbers in at least one place of the schema. Where the same name is text
// elsewhere (a transcode Video Width), the mutation changes text, which must come back verbatim.
const NUMBER_NAMES = [
  'Progress',
  'JobLevel',
  'NumProgram',
  'NumStream',
  'Size',
  'Channel',
  'Index',
  'SampleRate',
  'HasBFrame',
  'Width',
  'Height',
  'NumFrames',
  'RefFrames',
  'Quality',
  'Orientation',
  'Confidence',
  'AudioTime',
  // moderation (schemas/families/auditing.ts)
  ...['Result', 'Score', 'HitFlag', 'Count', 'SnapshotCount', 'SnapshotTime', 'OffsetTime', 'StartByte', 'PageNumber', 'X', 'Rotate'],
];
const numberElement = new RegExp(`<(${NUMBER_NAMES.join('|')})>(-?\\d+(?:\\.\\d+)?)</\\1>`, 'g');
const booleanElement = /<(\w+)>(true|false)<\/\1>/g;

/** Each mutation rewrites a JobsDetail fragment; `accepted` ones must not be reported as drift. */
const MUTATIONS: { name: string; accepted: boolean; apply: (xml: string) => string }[] = [
  // Decimal forms of whole numbers, as `SampleRate 44100.0` or `Size 1424687.000000`.
  {
    name: 'numbers as decimals',
    accepted: true,
    apply: (x) => x.replace(numberElement, (_m, n: string, v: string) => `<${n}>${v.includes('.') ? `${v}00` : `${v}.000000`}</${n}>`),
  },
  {
    name: 'numbers with a fraction',
    accepted: true,
    apply: (x) => x.replace(numberElement, (_m, n: string, v: string) => `<${n}>${v.includes('.') ? v : `${v}.5`}</${n}>`),
  },
  {
    name: 'booleans capitalised',
    accepted: true,
    apply: (x) => x.replace(booleanElement, (_m, n: string, v: string) => `<${n}>${v === 'true' ? 'True' : 'FALSE'}</${n}>`),
  },
  {
    name: 'booleans as 1/0',
    accepted: true,
    apply: (x) => x.replace(booleanElement, (_m, n: string, v: string) => `<${n}>${v === 'true' ? '1' : '0'}</${n}>`),
  },
  { name: 'booleans empty', accepted: true, apply: (x) => x.replace(booleanElement, (_m, n: string) => `<${n}></${n}>`) },
  // Values no reader can turn into the documented type: kept as text, reported.
  { name: 'numbers as N/A', accepted: false, apply: (x) => x.replace(numberElement, (_m, n: string) => `<${n}>N/A</${n}>`) },
  {
    name: 'booleans as yes/no',
    accepted: false,
    apply: (x) => x.replace(booleanElement, (_m, n: string, v: string) => `<${n}>${v === 'true' ? 'yes' : 'no'}</${n}>`),
  },
  {
    name: 'QueueId as a container',
    accepted: false,
    apply: (x) => x.replace(/<QueueId>([^<]*)<\/QueueId>/, '<QueueId><Id>$1</Id></QueueId>'),
  },
  // Virus-detection jobs have no typed leaf: their verdict turned container is their drift.
  {
    name: 'Suggestion as a container',
    accepted: false,
    apply: (x) => x.replace(/<Suggestion>([^<]*)<\/Suggestion>/, '<Suggestion><Value>$1</Value></Suggestion>'),
  },
  // Tags that name Object.prototype members: unknown Tags, common fields typed.
  ...['constructor', 'toString', '__proto__'].map((tag) => ({
    name: `Tag ${tag}`,
    accepted: true,
    // The job's own Tag (batch: Type) is its least indented one, as the emulator finds it too.
    apply: (x: string) => x.replace(/^(\s{0,12})<(Tag|Type)>[^<]*<\/\2>/m, `$1<$2>${tag}</$2>`),
  })),
];

/** The drift a variant must report: every leaf the clean fixture has as number/boolean whose new text cannot be read. */
function expectedDrift(clean: Json, raw: unknown, at: (string | number)[], out: SchemaDrift[]): void {
  if (Array.isArray(clean)) {
    const items = Array.isArray(raw) ? raw : [raw];
    clean.forEach((c, i) => expectedDrift(c, items[i], [...at, i], out));
  } else if (clean !== null && typeof clean === 'object') {
    if (raw === '') return; // an empty container (<Format/>) is {}
    if (typeof raw !== 'object' || raw === null)
      return (out.push({ path: `/${at.join('/')}`, expected: 'object', received: 'string' }), undefined);
    for (const key of Object.keys(raw)) {
      if (!(key in clean)) continue;
      const rawValue = (raw as Record<string, unknown>)[key];
      // Text that became a container: the documented type is text.
      if (typeof clean[key] === 'string' && typeof rawValue === 'object')
        out.push({ path: `/${[...at, key].join('/')}`, expected: 'string', received: 'object' });
      else expectedDrift(clean[key] as Json, rawValue, [...at, key], out);
    }
  } else if ((typeof clean === 'number' || typeof clean === 'boolean') && typeof raw === 'string') {
    const readable = typeof clean === 'number' ? raw !== 'N/A' : !['yes', 'no'].includes(raw);
    if (!readable) out.push({ path: `/${at.join('/')}`, expected: typeof clean, received: 'string' });
  }
}

export function driftCorpus(): DriftVariant[] {
  const jobs = [...loadFixtures(join(__dirname, '..', '..', 'dev', 'fixtures')).values()];
  const variants: DriftVariant[] = [];
  for (const job of jobs) {
    // The family's list: JobsDetail, or WorkflowExecution for workflow runs.
    const { list } = FAMILIES[job.family];
    const clean = applyShape(parseXml(`<Response>${job.fragment}</Response>`).Response ?? '', familyShape(job.family)) as Record<
      string,
      Json[]
    >;
    for (const mutation of MUTATIONS) {
      const fragment = mutation.apply(job.fragment);
      if (fragment === job.fragment) continue;
      const drift: SchemaDrift[] = [];
      if (!mutation.accepted) {
        const raw = (rawParse(`<Response>${fragment}</Response>`).Response as Record<string, unknown>)[list];
        expectedDrift(clean[list]![0] as Json, raw, [list, 0], drift);
        if (drift.length === 0) continue; // the mutation only touched text fields here
      }
      variants.push({ name: `${job.family}/${job.file.split(/[\\/]/).pop()} · ${mutation.name}`, job, fragment, drift });
    }
  }
  return variants;
}
