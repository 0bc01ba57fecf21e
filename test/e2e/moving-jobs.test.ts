/**
 * The emulator's moving jobs: the state machine over time, valid CI XML in every phase, and the
 * same job moving when asked twice through the function over loopback HTTP.
 */
import { movingJob, movingJobAt, parseMovingJobId, ciTime } from '../../dev/emulator/moving-jobs';
import { familyShape, familyValidator, toIssues } from '../../shared/schemas/validators';
import { parseXml } from '../../shared/xml/parse';
import { applyShape } from '../../shared/xml/shape';
import { functionUrlEvent } from '../helpers/events';
import { useQuietHarness } from '../helpers/quiet-harness';

describe('moving job ids', () => {
  test.each([
    ['move-success', { outcome: 'success', runMs: 6000 }],
    ['move-failed-1500ms', { outcome: 'failed', runMs: 1500 }],
    ['move-success-800ms-demo_1', { outcome: 'success', runMs: 800 }],
    ['move-failed-x', { outcome: 'failed', runMs: 6000 }],
  ])('%s is a moving job', (id, spec) => expect(parseMovingJobId(id)).toEqual(spec));

  test.each(['move-sideways', 'move-success-0ms', 'j9c0a4726f6ac11ec96aaa9b64ab18d00', 'xmove-success'])('%s is not', (id) =>
    expect(parseMovingJobId(id)).toBeUndefined(),
  );

  test('only the media family has them', () => {
    const em = {};
    expect(movingJob(em, 'pic', 'move-success', 0)).toBeUndefined();
    expect(movingJob(em, 'media', 'move-success', 0)?.state).toBe('Submitted');
  });
});

describe('state over time', () => {
  const success = { outcome: 'success', runMs: 1000 } as const;
  const failed = { outcome: 'failed', runMs: 1000 } as const;

  test('Submitted → Running with rising Progress → Success at 100', () => {
    expect(movingJobAt(success, 0)).toMatchObject({ state: 'Submitted', progress: 0, startedAt: undefined });
    const running = [100, 300, 550, 999].map((t) => movingJobAt(success, t));
    expect(running.map((s) => s.state)).toEqual(['Running', 'Running', 'Running', 'Running']);
    const progress = running.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBe(0);
    expect(progress[3]).toBe(99);
    expect(movingJobAt(success, 1000)).toEqual({ state: 'Success', progress: 100, startedAt: 100, endedAt: 1000 });
  });

  test('the Failed variant stops part-way and keeps its Progress', () => {
    expect(movingJobAt(failed, 500).state).toBe('Running');
    const end = movingJobAt(failed, 5000);
    expect(end.state).toBe('Failed');
    expect(end.progress).toBeGreaterThan(0);
    expect(end.progress).toBeLessThan(100);
    expect(end.endedAt).toBe(600);
  });

  test('times are written the way CI writes them', () => {
    expect(ciTime(Date.UTC(2022, 5, 27, 7, 23, 12))).toBe('2022-06-27T15:23:12+0800');
  });
});

describe('every phase is valid CI XML for the media schema', () => {
  const convert = (fragment: string) => applyShape(parseXml(`<Response>${fragment}</Response>`).Response ?? '', familyShape('media'));
  test.each([
    ['move-success-1000ms-a', 0, 'Submitted'],
    ['move-success-1000ms-a', 500, 'Running'],
    ['move-success-1000ms-a', 1000, 'Success'],
    ['move-failed-1000ms-a', 900, 'Failed'],
  ])('%s at %i ms: %s', (id, elapsed, state) => {
    const em = {};
    const created = 1_700_000_000_000;
    movingJob(em, 'media', id, created);
    const fragment = movingJob(em, 'media', id, created + elapsed)!.fragment;
    const json = convert(fragment) as { JobsDetail: Array<Record<string, any>> };
    const validate = familyValidator('media');
    expect([validate(json), toIssues(validate.errors)]).toEqual([true, []]);
    const job = json.JobsDetail[0]!;
    expect(job.State).toBe(state);
    expect(job.CreationTime).toBe(ciTime(created));
    expect(job.EndTime === null).toBe(state === 'Submitted' || state === 'Running');
    expect(Boolean(job.Operation.MediaResult)).toBe(state === 'Success');
  });
});

describe('through the function', () => {
  const h = useQuietHarness();

  test('the clock starts at the first query and the job finishes on its own', async () => {
    const id = `move-success-600ms-${Date.now()}`;
    const get = () => h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}` }));
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.json.JobsDetail[0]).toMatchObject({ JobId: id, State: 'Submitted', Progress: 0, Tag: 'Transcode' });
    await new Promise((r) => setTimeout(r, 650));
    const later = await get();
    expect(later.json.JobsDetail[0]).toMatchObject({ State: 'Success', Progress: 100 });
    expect(later.json.JobsDetail[0].Operation.MediaResult.OutputFile.ObjectName).toEqual([`output/${id}.mp4`]);
  });

  test('another emulator has its own clock', async () => {
    const id = 'move-success-60000ms-shared';
    movingJob(h.emulator, 'media', id, Date.now() - 60_000);
    expect(movingJob(h.emulator, 'media', id, Date.now())?.state).toBe('Success');
    expect(movingJob({}, 'media', id, Date.now())?.state).toBe('Submitted');
  });
});
