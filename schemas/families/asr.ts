/**
 * `GET /asr_jobs/{ids}`: speech-recognition jobs submitted through the older smart-audio API.
 * CI documents its JobsDetail as "the same as CreateSpeechJobs' Response.JobsDetail", and the Go
 * SDK decodes it with the media job's SpeechRecognition nodes (ASRJobOperation), so the Operation
 * is exactly the media family's SpeechRecognition one: one type for the Tag, whichever endpoint.
 */
import { operationByTag } from '../ci-operations';
import { familyResponse, jobsByTag } from '../family-response';

export const ASR_TAGS = ['SpeechRecognition'];

export const asrResponse = familyResponse(
  jobsByTag(Object.fromEntries(ASR_TAGS.map((tag) => [tag, operationByTag[tag]!]))),
  'CI GET /asr_jobs/{jobIds} response',
);
