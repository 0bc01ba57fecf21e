/**
 * Each family's answer check is compiled in parts (base + one branch per Tag/Type) that the
 * function loads on first use. Here the parts, both from generated/ (what the sources import) and
 * the minified CommonJS files beside the bundle (what SCF runs), must give the same verdict as the
 * whole family schema compiled in one piece, on every fixture and thousands of broken variants of
 * them; a missing part is a clear 500, and the eager bundle stays small.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { families } from '../../generated/validators';
import { FAMILIES, FAMILY_NAMES, type JobFamily } from '../../shared/ci/families';
import { familySchemas } from '../../schemas/ci-families';
import { factorSchemas } from '../../schemas/dedupe';
import { type LazyFamily, type Validator, lazyFamilyValidator } from '../../shared/schemas/lazy-family';
import { splitItemBranches } from '../../schemas/split-branches';
import { familyShape, familyValidator } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape, type Json } from '../../shared/xml/shape';
import { functionUrlEvent } from '../helpers/events';
import { startHarness } from '../helpers/harness';

type Node = Record<string, unknown>;
const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as Node;
const DIST = resolve(__dirname, '..', '..', 'dist', 'job-status');
const FIXTURES = join(__dirname, '..', '..', 'dev', 'fixtures');

// The whole family schemas, every Tag branch in place, compiled the way the build used to.
const whole = (() => {
  const { roots, defs } = factorSchemas(Object.fromEntries(Object.entries(familySchemas).map(([f, s]) => [f, plain(s)])), 'defs');
  const ajv = new Ajv({ strict: false, allowUnionTypes: true, inlineRefs: false });
  ajv.addSchema(defs, 'defs');
  return Object.fromEntries(FAMILY_NAMES.map((f) => [f, ajv.compile(roots[f] as Node)])) as Record<JobFamily, ValidateFunction>;
})();

// The same parts as the bundle loads them: the CommonJS files in dist/job-status/validators/.
const fromDist = (family: JobFamily): Validator => {
  const parts = families[family] as LazyFamily;
  const file = (name: string) => () => require(join(DIST, 'validators', family, name)); // eslint-disable-line @typescript-eslint/no-require-imports
  const distParts: LazyFamily = {
    ...parts,
    base: file('base.js'),
    shape: file('shape.js'),
    branches: Object.fromEntries(Object.keys(parts.branches).map((v) => [v, file(`tags/${v}.js`)])),
    fallback: parts.fallback && file('fallback.js'),
  };
  return lazyFamilyValidator(distParts, (load) => load());
};

const documents = FAMILY_NAMES.flatMap((family) =>
  readdirSync(join(FIXTURES, family))
    .filter((f) => f.endsWith('.xml'))
    .map((file) => ({
      family,
      file,
      json: applyShape(parseXml(readFileSync(join(FIXTURES, family, file), 'utf8')).Response ?? '', familyShape(family)),
    })),
);

/** Every leaf replaced by a value of the wrong kind, every container by a string; and each job's key changed. */
function* variants(doc: Json, key: string | null, known: string[]): Generator<Json> {
  const paths: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[]) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k] as Json, [...path, k]);
  };
  walk(doc, []);
  const at = (copy: Node, path: (string | number)[]) => {
    let parent: Node = copy;
    for (const step of path.slice(0, -1)) parent = parent[step as string] as Node;
    return { parent, last: path[path.length - 1] as string };
  };
  for (const path of paths) {
    const copy = structuredClone(doc) as Node;
    const { parent, last } = at(copy, path);
    const value = parent[last];
    parent[last] = typeof value === 'string' ? { x: 1 } : typeof value === 'object' && value !== null ? 'text' : [value];
    yield copy as Json;
  }
  // The branch a job gets depends on its key: give each job every other known value, an unknown
  // one, none, one of the wrong type, and a name Object.prototype has.
  const jobs = (doc as Node).JobsDetail;
  if (!key || !Array.isArray(jobs)) return;
  for (let i = 0; i < jobs.length; i++)
    for (const value of [...known, 'SomethingNew', undefined, 7, ['Transcode'], 'constructor', '__proto__', 'toString']) {
      const copy = structuredClone(doc) as Node;
      const job = (copy.JobsDetail as Node[])[i] as Node;
      if (value === undefined) delete job[key];
      else job[key] = value;
      yield copy as Json;
    }
}

describe.each(FAMILY_NAMES)('%s: the parts give the whole schema’s verdict', (family) => {
  const { key, known } = families[family] as LazyFamily;
  const cases = documents.filter((d) => d.family === family).flatMap((d) => [d.json, ...variants(d.json, key, known)]);
  const lazyFromSource = familyValidator(family);
  const lazyFromDist = fromDist(family);

  test('on fixtures and their broken variants, from generated/ and from dist/', () => {
    let rejected = 0;
    for (const doc of cases) {
      const verdict = whole[family](doc);
      expect(lazyFromSource(doc)).toBe(verdict);
      expect(lazyFromDist(doc)).toBe(verdict);
      if (verdict) {
        expect(lazyFromSource.errors).toBeNull();
        continue;
      }
      rejected += 1;
      // One break per variant: the parts must point at the same place the whole schema does.
      expect(lazyFromSource.errors?.[0]?.instancePath).toBe(whole[family].errors?.[0]?.instancePath);
      expect(lazyFromDist.errors?.[0]?.instancePath).toBe(whole[family].errors?.[0]?.instancePath);
    }
    expect(cases.length).toBeGreaterThan(50);
    // The variants must really reach the branches, not only pass everything.
    expect(rejected).toBeGreaterThan(cases.length / 4);
  });
});

describe('splitting', () => {
  test('a branch condition the split does not know fails the build instead of weakening the check', () => {
    const schema = plain(familySchemas.pic);
    const items = ((schema.properties as Node).JobsDetail as Node).items as Node;
    (items.allOf as Node[])[0] = { if: { properties: { Tag: { pattern: '^Pic' } } }, then: { type: 'object' } };
    expect(() => splitItemBranches('pic', schema)).toThrow(/cannot split/);
  });

  test('every family and known value has its part; values are plain names', () => {
    for (const family of FAMILY_NAMES) {
      const parts = families[family] as LazyFamily;
      expect(parts.list).toBe(FAMILIES[family].list);
      // A family with one schema for every item (workflow, virus, moderation) has no key and nothing to split.
      if (FAMILIES[family].variantKey === null) {
        expect(parts).toMatchObject({ key: null, known: [], branches: {}, fallback: undefined });
        expect(statSync(join(DIST, 'validators', family, 'base.js')).isFile()).toBe(true);
        continue;
      }
      expect(parts.known.length).toBeGreaterThan(0); // asr knows one Tag
      for (const value of Object.keys(parts.branches)) {
        expect(parts.known).toContain(value);
        expect(value).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(statSync(join(DIST, 'validators', family, 'tags', `${value}.js`)).isFile()).toBe(true);
      }
    }
  });
});

describe('the built function', () => {
  test('the eager bundle stays within 150 kB: validators are not in it', () => {
    // What a cold start compiles: the entry point (a loader) and the function it loads.
    const bundle = readFileSync(join(DIST, 'function.js'), 'utf8');
    expect(bundle.length + statSync(join(DIST, 'index.js')).size).toBeLessThanOrEqual(150 * 1024);
    expect(bundle).toContain('require("./validators/media/base.js")');
    expect(bundle).not.toContain('ExtractDigitalWatermark":{'); // no per-Tag schema text in the bundle
    // Run in a vm.Script (functions/job-status/load.ts), where Node 20 has no import(): require() only.
    expect(bundle).not.toMatch(/\bimport\(/);
    expect(bundle).toContain('require("ioredis")');
  });

  test('a validator file missing from the deployment is a clear 500, not a crash', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'lazy-validators-'));
    const h = await startHarness();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      cpSync(DIST, copy, { recursive: true });
      rmSync(join(copy, 'validators', 'media', 'tags'), { recursive: true });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { main_handler } = require(join(copy, 'index.js')) as {
        main_handler: (e: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const res = await main_handler(functionUrlEvent({ method: 'GET', path: '/jobs/media/j9c0a4726f6ac11ec96aaa9b64ab18d00' }));
      expect(res.statusCode).toBe(500);
      const body = JSON.parse(res.body) as { Error: { Code: string; Message: string } };
      expect(body.Error.Code).toBe('ServerMisconfigured');
      expect(body.Error.Message).toMatch(/deploy the whole dist\/job-status folder/);
      expect(res.body).not.toContain(copy);
      // The parts that are there still work: a pic job needs none of the media files.
      const pic = await main_handler(functionUrlEvent({ method: 'GET', path: '/jobs/pic/c93984788066911ed89ed352d4d9d2084' }));
      expect(pic.statusCode).toBe(200);
      // The log line names the failure, never the path.
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain('"outcome":"ServerMisconfigured"');
    } finally {
      log.mockRestore();
      await h.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
