/**
 * Emulator jobs that move. Fixtures are frozen in one state; long-poll, the client's waitForJob and
 * the demo page need a job that actually changes. A media job id of the form
 *
 *   move-success[-<ms>ms][-<anything>]   Submitted → Running (Progress 0…100) → Success
 *   move-failed[-<ms>ms][-<anything>]    Submitted → Running → Failed part-way
 *
 * exists in every emulator without a fixture. The same ids name workflow runs (family workflow):
 * a run is Running from the start (CI lists no Submitted run) and ends Success or Failed with its
 * Transcode task. Its clock starts the first time the emulator is asked
 * for it, so each test (or person trying the demo) gets a fresh run by picking a new suffix. The whole
 * run takes <ms> milliseconds (default 6000).
 */
import type { Family, StoredJob } from './fixtures';

export const MOVING_JOB_ID = /^move-(success|failed)(?:-(\d{1,6})ms)?(?:-[A-Za-z0-9_-]*)?$/;
export const DEFAULT_RUN_MS = 6000;
/** Share of the run spent queued before the job starts. */
const SUBMITTED_SHARE = 0.1;
/** Where in its run a failing job gives up. */
const FAIL_AT_SHARE = 0.6;

export interface MovingJobSpec {
  outcome: 'success' | 'failed';
  runMs: number;
}

export interface MovingJobState {
  state: 'Submitted' | 'Running' | 'Success' | 'Failed';
  progress: number;
  startedAt: number | undefined; // ms since the job was created
  endedAt: number | undefined;
}

export function parseMovingJobId(id: string): MovingJobSpec | undefined {
  const m = MOVING_JOB_ID.exec(id);
  if (!m) return undefined;
  const runMs = m[2] === undefined ? DEFAULT_RUN_MS : Number(m[2]);
  if (runMs <= 0) return undefined;
  return { outcome: m[1] === 'failed' ? 'failed' : 'success', runMs };
}

/** The job's state `elapsed` ms after creation: a pure function of time, so tests can pin it. */
export function movingJobAt(spec: MovingJobSpec, elapsed: number): MovingJobState {
  const startAt = spec.runMs * SUBMITTED_SHARE;
  const endAt = spec.outcome === 'failed' ? spec.runMs * FAIL_AT_SHARE : spec.runMs;
  const progressAt = (t: number) => Math.min(100, Math.floor((100 * (t - startAt)) / (spec.runMs - startAt)));
  if (elapsed < startAt) return { state: 'Submitted', progress: 0, startedAt: undefined, endedAt: undefined };
  if (elapsed < endAt) return { state: 'Running', progress: progressAt(elapsed), startedAt: startAt, endedAt: undefined };
  if (spec.outcome === 'failed') return { state: 'Failed', progress: progressAt(endAt), startedAt: startAt, endedAt: endAt };
  return { state: 'Success', progress: 100, startedAt: startAt, endedAt: endAt };
}

// First-seen times per emulator instance, so two emulators in one process (parallel tests) never share a clock.
const createdAt = new WeakMap<object, Map<string, number>>();

/** The store lookup for ids no fixture has: a moving job's current XML, or undefined. */
export function movingJob(emulator: object, family: Family, id: string, now: number): StoredJob | undefined {
  if (family !== 'media' && family !== 'workflow') return undefined;
  const spec = parseMovingJobId(id);
  if (!spec) return undefined;
  let seen = createdAt.get(emulator);
  if (!seen) createdAt.set(emulator, (seen = new Map<string, number>()));
  const created = seen.get(id) ?? now;
  seen.set(id, created);
  const at = movingJobAt(spec, now - created);
  if (family === 'workflow') {
    const state = at.state === 'Submitted' ? 'Running' : at.state;
    return { family, jobId: id, file: '(moving run)', fragment: renderRun(id, created, at), state, tag: undefined };
  }
  return { family, jobId: id, file: '(moving job)', fragment: renderFragment(id, created, at), state: at.state, tag: 'Transcode' };
}

/** A workflow run (Start → Transcode → End) whose one task is the moving job, as CI shows a run. */
function renderRun(id: string, created: number, at: MovingJobState): string {
  const time = (offset: number | undefined) => (offset === undefined ? '-' : ciTime(created + offset));
  const failed = at.state === 'Failed';
  const node = 'Transcode_1700000000001';
  return [
    '<WorkflowExecution>',
    `<RunId>${id}</RunId>`,
    '<WorkflowId>w0e3c1b7a5d9f4e2c8b6a4d2f0e8c6a41</WorkflowId>',
    '<WorkflowName>emulator-moving-run</WorkflowName>',
    `<State>${at.state === 'Submitted' ? 'Running' : at.state}</State>`,
    `<CreateTime>${ciTime(created)}</CreateTime>`,
    '<Object>input/demo.mp4</Object>',
    '<Topology>',
    `<Dependencies><Start>${node}</Start><${node}>End</${node}></Dependencies>`,
    '<Nodes>',
    '<Start><Type>Start</Type><Input><QueueId>p0e3c1b7a5d9f4e2c8b6a4d2f0e8c6a41</QueueId><ObjectPrefix>input/</ObjectPrefix></Input></Start>',
    `<${node}><Type>Transcode</Type><Operation><TemplateId>t01e57db1c2d154d2fb57aa5de9313a897</TemplateId>`,
    `<Output><Region>ap-guangzhou</Region><Bucket>examplebucket-1250000000</Bucket><Object>output/${id}.mp4</Object></Output>`,
    `</Operation></${node}>`,
    '</Nodes>',
    '</Topology>',
    // The task appears once the job behind it starts.
    ...(at.startedAt === undefined
      ? []
      : [
          '<Tasks>',
          '<Type>Transcode</Type>',
          `<JobId>j${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 31)}</JobId>`,
          `<Name>${node}</Name>`,
          `<State>${at.state}</State>`,
          `<CreateTime>${time(at.startedAt)}</CreateTime>`,
          `<StartTime>${time(at.startedAt)}</StartTime>`,
          `<EndTime>${time(at.endedAt)}</EndTime>`,
          `<Code>${failed ? 'InvalidInput' : 'Success'}</Code>`,
          failed ? '<Message>The input file is not a valid media file</Message>' : '<Message/>',
          ...(at.state === 'Success'
            ? [`<ResultInfo><ObjectCount>1</ObjectCount><ObjectInfo><ObjectName>output/${id}.mp4</ObjectName></ObjectInfo></ResultInfo>`]
            : []),
          '</Tasks>',
        ]),
    '</WorkflowExecution>',
  ].join('');
}

/** CI writes times in China Standard Time with a numeric offset: 2022-06-27T15:23:12+0800. */
export function ciTime(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19)}+0800`;
}

function renderFragment(id: string, created: number, at: MovingJobState): string {
  const time = (offset: number | undefined) => (offset === undefined ? '-' : ciTime(created + offset));
  const failed = at.state === 'Failed';
  const output = `output/${id}.mp4`;
  return [
    '<JobsDetail>',
    `<Code>${failed ? 'InvalidInput' : 'Success'}</Code>`,
    failed ? '<Message>The input file is not a valid media file</Message>' : '<Message/>',
    `<JobId>${id}</JobId>`,
    `<State>${at.state}</State>`,
    `<Progress>${at.progress}</Progress>`,
    `<CreationTime>${ciTime(created)}</CreationTime>`,
    `<StartTime>${time(at.startedAt)}</StartTime>`,
    `<EndTime>${time(at.endedAt)}</EndTime>`,
    '<QueueId>p0e3c1b7a5d9f4e2c8b6a4d2f0e8c6a41</QueueId>',
    '<Tag>Transcode</Tag>',
    '<Input><BucketId>examplebucket-1250000000</BucketId><Object>input/demo.mp4</Object><Region>ap-guangzhou</Region></Input>',
    '<Operation>',
    '<TemplateId>t01e57db1c2d154d2fb57aa5de9313a897</TemplateId>',
    '<TemplateName>Mp4-H264-720P</TemplateName>',
    `<Output><Region>ap-guangzhou</Region><Bucket>examplebucket-1250000000</Bucket><Object>${output}</Object></Output>`,
    '<UserData>emulator moving job</UserData>',
    '<JobLevel>0</JobLevel>',
    // CI reports the produced files only once the job has succeeded.
    ...(at.state === 'Success'
      ? [
          `<MediaResult><OutputFile><Bucket>examplebucket-1250000000</Bucket><Region>ap-guangzhou</Region><ObjectName>${output}</ObjectName></OutputFile></MediaResult>`,
        ]
      : []),
    '</Operation>',
    '</JobsDetail>',
  ].join('');
}
