/**
 * The converter finds drift (SchemaErrors) and the precompiled validator is the backstop; both come
 * from one schema, so on every fixture and every drifted variant they must reach the same verdict.
 */
import { familyShape, familyValidator } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { DriftCollector, type Json, applyShape } from '../../shared/xml/shape';
import { driftCorpus } from '../helpers/drift-corpus';

const corpus = driftCorpus();

test.each(corpus.map((v) => [v.name, v] as const))('%s: converter and validator agree', (_name, v) => {
  const drift = new DriftCollector();
  const json = applyShape(parseXml(`<Response>${v.fragment}</Response>`).Response ?? '', familyShape(v.job.family), drift) as {
    [k: string]: Json;
  };
  const validate = familyValidator(v.job.family);
  expect([validate({ ...json, NonExistJobIds: [] }), drift.total]).toEqual([v.drift.length === 0, v.drift.length]);
});
