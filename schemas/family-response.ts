/**
 * The two pieces every job family's answer schema is built from, for families in their own module
 * (schemas/families/) and those in ci-families.ts: the `<Response>` envelope around a list of jobs,
 * and a JobsDetail item whose Operation depends on its Tag.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { commonJobsDetail, doc, jobsDetailWith } from './ci-common';
import { ByKey, List, Obj, Text } from './dsl';

/** The `<Response>` root of a by-id query: RequestId (some endpoints), the jobs, the unknown ids. */
export const familyResponse = (item: TSchema, description: string): TObject =>
  doc(
    Obj({
      RequestId: doc(Text(), 'Present in some CI bodies (always for /inventorytriggerjob and the moderation and virus queries)'),
      JobsDetail: doc(List(item), 'One entry per existing job id'),
      NonExistJobIds: doc(List(Text()), 'Requested ids CI does not know; absent when all exist'),
      NextToken: Text(),
    }),
    description,
  );

/**
 * A JobsDetail with the common job fields whose Operation is chosen by Tag. A Tag not listed keeps
 * the common fields, so a Tag CI adds tomorrow still validates.
 */
export const jobsByTag = (operations: Record<string, TObject>): TSchema => {
  const variants: Record<string, TObject> = {};
  for (const [tag, operation] of Object.entries(operations)) variants[tag] = jobsDetailWith(operation);
  return doc(ByKey('Tag', commonJobsDetail, variants, commonJobsDetail), 'One job; Operation depends on Tag');
};
