/**
 * Schema drift end to end: drifted variants of every fixture (test/helpers/drift-corpus.ts) served
 * by the emulator and fetched through the built bundle. With the default settings every variant
 * answers 200 with every value kept; accepted forms (45.5, 44100.0, True, 1) are read as numbers
 * and booleans without drift, anything unreadable is kept as text and listed in SchemaErrors.
 */
import { key } from '../dev/emulator/fixtures';
import { functionUrlEvent } from './helpers/events';
import { driftCorpus } from './helpers/drift-corpus';
import { lostLeaves, rawParse } from './helpers/lossless';
import { useQuietHarness } from './helpers/quiet-harness';

const h = useQuietHarness();
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

const rawJob = (fragment: string) => (rawParse(`<Response>${fragment}</Response>`).Response as { JobsDetail: unknown }).JobsDetail;
const byPath = <T extends { path: string }>(list: T[]) => [...list].sort((a, b) => a.path.localeCompare(b.path));

test('the corpus covers every family with accepted and drifted variants', () => {
  expect(new Set(corpus.map((v) => v.job.family))).toEqual(new Set(['media', 'pic', 'ai', 'batch']));
  expect(accepted.length).toBeGreaterThan(60);
  expect(drifted.length).toBeGreaterThan(20);
  for (const name of ['numbers as decimals', 'numbers with a fraction', 'booleans capitalised', 'booleans as 1/0', 'booleans empty', 'numbers as N/A', 'booleans as yes/no', 'QueueId as a container', 'Tag constructor', 'Tag toString', 'Tag __proto__'])
    expect(corpus.some((v) => v.name.endsWith(`· ${name}`))).toBe(true);
});

describe('accepted forms: 200, read as numbers/booleans, no drift, even with SCHEMA_MODE=strict', () => {
  test.each(accepted.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    h.setEnv({ SCHEMA_MODE: 'strict' });
    const res = await serving(v, () => lookup(v));
    expect(res.status).toBe(200);
    expect(res.json.SchemaErrors).toBeUndefined();
    expect(res.headers['x-schema-errors']).toBeUndefined();
    expect(lostLeaves(rawJob(v.fragment), res.json.JobsDetail[0])).toEqual([]);
  });
});

describe('drift with the default settings: 200, every value kept, every drift listed and counted', () => {
  test.each(drifted.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const res = await serving(v, () => lookup(v, { origin: 'https://app.example.com' }));
    expect(res.status).toBe(200);
    expect(lostLeaves(rawJob(v.fragment), res.json.JobsDetail[0])).toEqual([]);
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
