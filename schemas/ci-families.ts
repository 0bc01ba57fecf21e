/**
 * Response schemas per job family: the JSON content of CI's `<Response>` root after conversion.
 * `JobsDetail` is always an array (one element per existing id) and `NonExistJobIds` a list of ids.
 * Media, pic and ai items are told apart by `Tag`, batch items by `Type`; an unknown value falls
 * back to the common fields so a Tag CI adds tomorrow still validates.
 */
import type { TSchema } from '@sinclair/typebox';
import { doc } from './ci-common';
import { batchInput, batchOperation, operationByTag } from './ci-operations';
import { ByKey, Int, Obj, Text, Time } from './dsl';
import { familyResponse, jobsByTag } from './family-response';
import { asrResponse } from './families/asr';
import { docResponse } from './families/doc';
import { fileResponse } from './families/file';
import { virusResponse } from './families/virus';
import { auditingSchemas } from './families/auditing';
import type { JobFamily } from '../shared/ci/families';
import { workflowResponse } from './ci-workflow';

/** A JobsDetail whose Operation is the one these media Tags document (ci-operations.ts). */
const byTag = (tags: string[]): TSchema =>
  jobsByTag(
    Object.fromEntries(
      tags.map((tag) => {
        const operation = operationByTag[tag];
        if (!operation) throw new Error(`no Operation schema for Tag ${tag}`);
        return [tag, operation];
      }),
    ),
  );

export const MEDIA_TAGS = Object.keys(operationByTag);
export const PIC_TAGS = ['PicProcess', 'PosterProduction'];
export const AI_TAGS = ['Translation', 'WordsGeneralize', 'SpeechRecognition'];

/** GET /jobs/{ids}: every media, audio, AI and picture Tag submitted through /jobs. */
export const mediaResponse = familyResponse(byTag(MEDIA_TAGS), 'CI GET /jobs/{jobIds} response');

/** GET /pic_jobs/{ids}. */
export const picResponse = familyResponse(byTag(PIC_TAGS), 'CI GET /pic_jobs/{jobIds} response');

/** GET /ai_jobs/{id}. */
export const aiResponse = familyResponse(byTag(AI_TAGS), 'CI GET /ai_jobs/{jobId} response');

// ---------------------------------------------------------------------------------------------
// Batch (/inventorytriggerjob)
// ---------------------------------------------------------------------------------------------

const batchDetailProps = {
  Code: doc(Text(), 'Success, or an error code (meaningful only when State is Failed)'),
  Message: Text(),
  Type: doc(Text(), 'Known values: Workflow (runs workflows), Job (runs one job Tag)'),
  Name: Text(),
  JobId: Text(),
  Tag: Text(),
  State: doc(Text(), 'Known values: Submitted, Running, Success, Failed, Pause, Cancel'),
  CreationTime: Time(),
  StartTime: Time(),
  EndTime: Time(),
  Progress: Int(),
  QueueId: Text(),
  Input: batchInput,
  Operation: batchOperation,
};

export const batchCommon = doc(Obj(batchDetailProps, ['JobId', 'State']), 'One batch (inventory-triggered) job');

const batchItem = ByKey(
  'Type',
  batchCommon,
  {
    Workflow: doc(Obj(batchDetailProps, ['JobId', 'State']), 'Batch job that runs workflows (Operation.WorkflowIds)'),
    Job: doc(Obj(batchDetailProps, ['JobId', 'State']), 'Batch job that runs one job Tag (Operation.Tag, JobParam)'),
  },
  batchCommon,
);

/** GET /inventorytriggerjob/{id}. */
export const batchResponse = familyResponse(batchItem, 'CI GET /inventorytriggerjob/{jobId} response');

/** One response schema per family in shared/ci/families.ts (the build fails on one without the other). */
export const familySchemas: Record<JobFamily, TSchema> = {
  media: mediaResponse,
  pic: picResponse,
  ai: aiResponse,
  batch: batchResponse,
  asr: asrResponse,
  doc: docResponse,
  file: fileResponse,
  virus: virusResponse,
  ...auditingSchemas,
  workflow: workflowResponse,
};
