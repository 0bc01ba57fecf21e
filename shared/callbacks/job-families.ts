/**
 * Which lookup families may know a job named in a callback, most likely first. A callback does not
 * say which endpoint the job was submitted through, and some Tags live in two: PicProcess jobs
 * submitted to /pic_jobs are read there, while the SDKs now submit the same Tag to /jobs; the AI
 * Tags likewise (CI's API docs list both endpoints for them). So such a job is asked of its own endpoint
 * first and of /jobs when that one does not know it. Guessing wrong costs one CI call, never a
 * wrong answer: whatever family answers, it is CI that answers.
 */
import type { JobFamily } from '../ci/families';
import type { CallbackJob } from './parse-callback';

// The Tags /pic_jobs and /ai_jobs serve (as in schemas/ci-families.ts, which is build-time only).
const PIC_TAGS = new Set(['PicProcess', 'PosterProduction']);
const AI_TAGS = new Set(['Translation', 'WordsGeneralize', 'SpeechRecognition']);
// Document and file Tags are submitted to and read from /doc_jobs and /file_jobs only.
const DOC_TAGS = new Set(['DocProcess', 'DocWatermark', 'DocAIGCMetadata']);
const FILE_TAGS = new Set(['FileHashCode', 'FileUncompress', 'FileCompress']);
// Batch jobs (/inventorytriggerjob) carry a Type instead of a top-level Tag.
const BATCH_TYPES = new Set(['Job', 'Workflow']);

export function candidateFamilies(job: CallbackJob): JobFamily[] {
  if (job.tag === undefined && job.batchType !== undefined && BATCH_TYPES.has(job.batchType)) return ['batch'];
  if (job.tag !== undefined && PIC_TAGS.has(job.tag)) return ['pic', 'media'];
  // SpeechRecognition jobs may also come from the older smart-audio API (/asr_jobs): asked last.
  if (job.tag === 'SpeechRecognition') return ['ai', 'media', 'asr'];
  if (job.tag !== undefined && AI_TAGS.has(job.tag)) return ['ai', 'media'];
  if (job.tag !== undefined && DOC_TAGS.has(job.tag)) return ['doc'];
  if (job.tag !== undefined && FILE_TAGS.has(job.tag)) return ['file'];
  // Every other Tag, and any Tag CI adds later, is submitted and read through /jobs.
  return ['media'];
}
