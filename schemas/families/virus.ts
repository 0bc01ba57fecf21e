/**
 * `GET /virus/detect/{id}`: one virus-detection job. No Tag, no Input/Operation: the job names the
 * object (or URL) it scanned and its verdict. Sources: Go SDK `VirusDetectJobDetail` (cos-go-sdk-v5
 * ci.go), CI's "查询病毒检测任务结果" page (CnDocs 460/63965, 436/63962) and the Python SDK.
 *
 * `DetectDetail` is typed "Container Array" by the docs and normalised to a list by the Python SDK;
 * its `Result` repeats per infected file. Both are lists. Every leaf is text.
 */
import { doc } from '../ci-common';
import { List, Obj, Text, Time } from '../dsl';
import { familyResponse } from '../family-response';

const virusResult = Obj({ FileName: doc(Text(), 'File inside the object (archives)'), VirusName: Text() });

export const virusJob = doc(
  Obj(
    {
      Code: doc(Text(), 'Error code (meaningful only when State is Failed)'),
      Message: doc(Text(), 'Error description (meaningful only when State is Failed)'),
      JobId: Text(),
      State: doc(Text(), 'Known values: Submitted, Auditing, Success, Failed'),
      CreationTime: Time(),
      Object: doc(Text(), 'The scanned COS object (when the job named one)'),
      Url: doc(Text(), 'The scanned URL (when the job named one)'),
      Suggestion: doc(Text(), 'Verdict once finished; known values: normal (the docs also spell it nomal), block'),
      DetectDetail: doc(List(Obj({ Result: doc(List(virusResult), 'One entry per virus found') })), 'Detection details'),
    },
    ['JobId', 'State'],
  ),
  'One virus-detection job',
);

export const virusResponse = familyResponse(virusJob, 'CI GET /virus/detect/{jobId} response');
