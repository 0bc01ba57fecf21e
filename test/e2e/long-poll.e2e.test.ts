/**
 * GET /jobs/{type}/{ids}?wait=N through the built bundle against the emulator over loopback:
 * answers on change, at once for terminal jobs, at N seconds or the invocation's deadline otherwise.
 * Time bounds sit far from the wrong answer (a full wait, a slow CI call), not close to the right
 * one: jest runs files in parallel on a shared machine. The one exception is the invocation's end,
 * which is a hard limit: SCF stops the instance there.
 */
import { functionUrlEvent } from '../helpers/events';
import { useQuietHarness } from '../helpers/quiet-harness';
import { MEDIA_RUNNING, MEDIA_SUCCESS, movingJobId as unique } from '../helpers/seed-jobs';

const h = useQuietHarness();

async function timed(path: string, wait: string, context: unknown = { request_id: 'scf-lp' }) {
  const started = Date.now();
  const res = await h.call(functionUrlEvent({ method: 'GET', path, query: { wait } }), context);
  return { res, ms: Date.now() - started, ciCalls: h.emulator.requests.length };
}

test('answers as soon as the State changes, not after the full wait', async () => {
  const id = unique('move-success-3000ms');
  const before = await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}` }));
  expect(before.json.JobsDetail[0].State).toBe('Submitted');
  h.emulator.requests.length = 0;

  const { res, ms, ciCalls } = await timed(`/jobs/media/${id}`, '10');
  expect(res.status).toBe(200);
  expect(res.json.JobsDetail[0].State).toBe('Running');
  expect(ms).toBeLessThan(8000); // the full wait is 10 s
  expect(ciCalls).toBeGreaterThanOrEqual(2);
});

test('answers when Progress moves while Running', async () => {
  const id = unique('move-success-4000ms');
  await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}` }));
  await new Promise((r) => setTimeout(r, 500)); // past Submitted
  const first = (await timed(`/jobs/media/${id}`, '10')).res.json.JobsDetail[0];
  const second = (await timed(`/jobs/media/${id}`, '10')).res.json.JobsDetail[0];
  expect(first.State).toBe('Running');
  expect(second.Progress).toBeGreaterThan(first.Progress);
});

test('a terminal job is answered at once with one CI call', async () => {
  const { res, ms, ciCalls } = await timed(`/jobs/media/${MEDIA_SUCCESS}`, '20');
  expect(res.status).toBe(200);
  expect(res.json.JobsDetail[0].State).toBe('Success');
  expect(ciCalls).toBe(1);
  expect(ms).toBeLessThan(5000); // the full wait is 20 s
});

test('a job that does not move is answered after wait seconds, unchanged, polling CI with backoff', async () => {
  const { res, ms, ciCalls } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '2');
  expect(res.status).toBe(200);
  expect(res.json.JobsDetail[0]).toMatchObject({ State: 'Running', Progress: 30 });
  expect(ms).toBeGreaterThanOrEqual(1400);
  expect(ms).toBeLessThan(5000);
  // 0.5 s, then 0.75 s pauses: three CI calls in two seconds, not one every few milliseconds.
  expect(ciCalls).toBeGreaterThanOrEqual(2);
  expect(ciCalls).toBeLessThanOrEqual(4);
});

test('wait=0 is a plain lookup', async () => {
  const { res, ciCalls } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '0');
  expect(res.status).toBe(200);
  expect(ciCalls).toBe(1);
});

test("never runs past the invocation's deadline (getRemainingTimeInMillis)", async () => {
  const { res, ms } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '20', { request_id: 'scf-lp', getRemainingTimeInMillis: () => 1500 });
  expect(res.status).toBe(200);
  expect(ms).toBeLessThan(1500);
  expect(ms).toBeGreaterThanOrEqual(500);
});

test('falls back to time_limit_in_ms when the runtime gives no remaining time', async () => {
  const { res, ms } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '20', { request_id: 'scf-lp', time_limit_in_ms: 1200 });
  expect(res.status).toBe(200);
  expect(ms).toBeLessThan(1200);
});

test('several ids: answers when any of them changes', async () => {
  const id = unique('move-success-3000ms');
  await h.call(functionUrlEvent({ method: 'GET', path: `/jobs/media/${id}` }));
  const { res, ms } = await timed(`/jobs/media/${MEDIA_SUCCESS},${id}`, '10');
  expect(res.json.JobsDetail.map((j: { State: string }) => j.State)).toEqual(['Success', 'Running']);
  expect(ms).toBeLessThan(8000); // the full wait is 10 s
});

test('an unknown single id is 404 NoSuchJob without waiting', async () => {
  const { res, ms } = await timed('/jobs/media/jnotthere', '20');
  expect(res.status).toBe(404);
  expect(res.json.Error.Code).toBe('NoSuchJob');
  expect(ms).toBeLessThan(5000); // the full wait is 20 s
});

test.each(['abc', '26', '-1', '', '1.5', '1e1'])('wait=%p is 400 InvalidWait', async (wait) => {
  const { res, ciCalls } = await timed(`/jobs/media/${MEDIA_RUNNING}`, wait);
  expect(res.status).toBe(400);
  expect(res.json.Error).toMatchObject({ Code: 'InvalidWait', Message: 'wait is a whole number of seconds from 0 to 25' });
  expect(ciCalls).toBe(0);
});

test('the usual input errors still apply', async () => {
  expect((await timed('/jobs/video/j1', '5')).res.json.Error.Code).toBe('InvalidJobType');
  expect((await timed('/jobs/media/bad%20id', '5')).res.json.Error.Code).toBe('InvalidJobId');
});

test('a slow CI call at the end of the wait gives the last good answer instead of an error', async () => {
  h.emulator.fault = () => (h.emulator.requests.length > 1 ? { delayMs: 4000 } : undefined);
  const { res, ms } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '1');
  expect(res.status).toBe(200);
  expect(res.json.JobsDetail[0].Progress).toBe(30);
  expect(ms).toBeLessThan(3000); // waiting for the slow call would take 4 s
});

test('CI failing during the wait is reported honestly', async () => {
  h.emulator.fault = () => (h.emulator.requests.length > 1 ? { status: 500, code: 'InternalError' } : undefined);
  const { res } = await timed(`/jobs/media/${MEDIA_RUNNING}`, '5');
  expect(res.status).toBe(502);
  expect(res.json.Error).toMatchObject({ Code: 'UpstreamError', Upstream: { Status: 500, Code: 'InternalError' } });
});
