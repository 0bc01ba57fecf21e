/**
 * Workflow runs (type `workflow` → CI GET /workflowexecution/<runId>) end to end: the built bundle
 * against the emulator over loopback (signatures verified), and the Web function for the event
 * stream. Proves: every fixture is answered with every value CI sent kept (dynamic node names
 * included) and arrays, numbers and booleans where the schema says; several run ids fan out one
 * call each and come back in request order; unknown ids land in NonExistJobIds (404 for one id),
 * CI's "no such run" error included but not a wrong path; drift is reported, not dropped; and
 * long-poll and SSE follow a run that moves to its end.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ITEM_LIST, type JobOf, type JobsEnvelopeByFamily, type WorkflowJob, type WorkflowJobsEnvelope } from '../../client/types';
import { functionUrlEvent } from '../helpers/events';
import { countLeaves, lostLeaves, rawParse } from '../helpers/lossless';
import { useQuietHarness } from '../helpers/quiet-harness';
import { movingJobId } from '../helpers/seed-jobs';
import { parseFrames, readStream, startWebStack } from '../helpers/web-stack';

const h = useQuietHarness();
const FIXTURES = join(__dirname, '..', '..', 'dev', 'fixtures', 'workflow');
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.xml'))
  .map((file) => {
    const xml = readFileSync(join(FIXTURES, file), 'utf8');
    return { file, xml, runId: /<RunId>([^<]+)<\/RunId>/.exec(xml)![1]! };
  });
const byFile = (name: string) => fixtures.find((f) => f.file === name)!;
const get = (path: string, query: Record<string, string> = {}) => h.call(functionUrlEvent({ method: 'GET', path, query }));
const ciPaths = () => h.emulator.requests.map((r) => r.path);

test('the fixtures cover every run state and the doc samples', () => {
  const states = new Set(fixtures.map((f) => /<State>([^<]+)<\/State>/.exec(f.xml)![1]));
  expect(states).toEqual(new Set(['Running', 'Success', 'Failed', 'Cancel']));
  expect(fixtures.map((f) => f.file)).toEqual(expect.arrayContaining(['success-intl-docs.xml', 'success-cn-docs-2019.xml']));
});

test.each(fixtures.map((f) => [f.file, f] as const))('%s: answered whole, every value kept, no drift', async (_file, f) => {
  const res = await get(`/jobs/workflow/${f.runId}`);
  expect(res.status).toBe(200);
  expect(res.headers['x-schema-errors']).toBeUndefined();
  expect(res.json.SchemaErrors).toBeUndefined();
  expect(Object.keys(res.json)).toEqual(['RequestId', 'WorkflowExecution', 'NonExistJobIds']);
  expect(res.json.NonExistJobIds).toEqual([]);
  expect(res.json.WorkflowExecution).toHaveLength(1);
  const run = res.json.WorkflowExecution[0];
  expect(run.RunId).toBe(f.runId);
  const raw = rawParse(f.xml).Response as { WorkflowExecution: unknown };
  expect(countLeaves(raw.WorkflowExecution)).toBeGreaterThan(20);
  expect(lostLeaves(raw.WorkflowExecution, run)).toEqual([]);
  // Repeated elements are arrays even with one element; every node of the Topology is there.
  expect(Array.isArray(run.Tasks)).toBe(true);
  const nodesXml = /<Nodes>([\s\S]*)<\/Nodes>/.exec(f.xml)![1]!;
  const nodeNames = [...nodesXml.matchAll(/^ {8}<([A-Za-z0-9_]+)>$/gm)].map((m) => m[1]);
  expect(Object.keys(run.Topology.Nodes)).toEqual(nodeNames);
  expect(Object.keys(run.Topology.Dependencies)).toEqual(
    expect.arrayContaining(Object.keys(run.Topology.Nodes).filter((n) => n !== 'End')),
  );
  expect(ciPaths()).toEqual([`/workflowexecution/${f.runId}`]);
});

test('dynamic node names keep their children typed: booleans, numbers, lists, null times', async () => {
  const running = (await get(`/jobs/workflow/${byFile('running.xml').runId}`)).json.WorkflowExecution[0];
  expect(running.Topology.Nodes.Start.Input.ExtFilter).toMatchObject({ State: 'On', Video: true, Audio: false, CustomExts: '' });
  expect(running.Topology.Nodes.Transcode_1722218400001.Operation.WatermarkTemplateId).toHaveLength(2);
  expect(running.Topology.Dependencies.Start).toBe('Transcode_1722218400001,SmartCover_1722218400002');
  expect(running.CosHeaders).toEqual([
    { Key: 'x-cos-meta-course', Value: 'physics-101' },
    { Key: 'Content-Type', Value: 'video/quicktime' },
  ]);
  const [cover, transcode] = running.Tasks;
  expect(cover.ResultInfo.ObjectCount).toBe(3);
  expect(cover.ResultInfo.ObjectInfo).toHaveLength(3);
  expect(transcode).toMatchObject({ State: 'Running', EndTime: null, Code: '' });

  const failed = (await get(`/jobs/workflow/${byFile('failed.xml').runId}`)).json.WorkflowExecution[0];
  expect(failed.Topology.Nodes.Start.Input.ExtFilter.AllFile).toBe(false); // `FALSE`
  expect(failed.Tasks[0].ResultInfo).toMatchObject({ ObjectCount: 0, ObjectInfo: [{ Code: 'InvalidInput' }] });
  const cancel = (await get(`/jobs/workflow/${byFile('cancel.xml').runId}`)).json.WorkflowExecution[0];
  expect(cancel.Tasks[0].ResultInfo.SpriteObjectInfo).toHaveLength(1);
  const old = (await get(`/jobs/workflow/${byFile('success-cn-docs-2019.xml').runId}`)).json.WorkflowExecution[0];
  expect(old).toMatchObject({ WorkflowName: '', CreateTime: '2019-07-07T12:12:12+0800' });
  expect(old.Tasks.map((t: { EndTime: unknown }) => t.EndTime)).toEqual([null, null, null]);
});

test('several run ids: one CI call each, answered in request order with the unknown ones listed', async () => {
  const [a, b, c] = [byFile('failed.xml'), byFile('success-intl-docs.xml'), byFile('running.xml')].map((f) => f.runId);
  const res = await get(`/jobs/workflow/${c},inotthere,${a},${b}`);
  expect(res.status).toBe(200);
  expect(res.json.WorkflowExecution.map((r: { RunId: string }) => r.RunId)).toEqual([c, a, b]);
  expect(res.json.NonExistJobIds).toEqual(['inotthere']);
  expect(res.json.RequestId).toBeNull(); // several CI calls: no single request id
  expect(ciPaths().sort()).toEqual([a, b, c, 'inotthere'].map((id) => `/workflowexecution/${id}`).sort());

  const query = await h.call(
    functionUrlEvent({
      method: 'POST',
      path: '/jobs/query',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'workflow', jobIds: [b, 'inope'] }),
    }),
  );
  expect(query.status).toBe(200);
  expect(query.json.WorkflowExecution.map((r: { RunId: string }) => r.RunId)).toEqual([b]);
  expect(query.json.NonExistJobIds).toEqual(['inope']);
});

test('one unknown run id is a 404, whether CI says so with an error or with an empty answer; a wrong path is not', async () => {
  const missing = await get('/jobs/workflow/inotthere');
  expect(missing.status).toBe(404);
  expect(missing.json.Error.Code).toBe('NoSuchJob');

  h.emulator.fault = () => ({ status: 200, body: '<Response><RequestId>abc</RequestId></Response>' });
  expect((await get('/jobs/workflow/iempty')).status).toBe(404);

  // 404 InvalidUrl says the path is wrong, not that the run is unknown: CI's fault, never "missing".
  h.emulator.fault = () => ({ status: 404, code: 'InvalidUrl' });
  const wrongPath = await get('/jobs/workflow/iwhatever');
  expect(wrongPath.status).toBeGreaterThanOrEqual(500);
  expect(wrongPath.json.Error.Upstream).toMatchObject({ Status: 404, Code: 'InvalidUrl' });
});

test('drift: a value that does not fit is kept and listed; strict mode refuses it; a run without RunId is refused', async () => {
  const f = byFile('running.xml');
  const drifted = f.xml
    .replace('<Video>true</Video>', '<Video>sometimes</Video>')
    .replace('<ObjectCount>3</ObjectCount>', '<ObjectCount>N/A</ObjectCount>');
  h.emulator.fault = () => ({ status: 200, body: drifted });
  const res = await get(`/jobs/workflow/${f.runId}`);
  expect(res.status).toBe(200);
  const run = res.json.WorkflowExecution[0];
  expect(run.Topology.Nodes.Start.Input.ExtFilter.Video).toBe('sometimes');
  expect(run.Tasks[0].ResultInfo.ObjectCount).toBe('N/A');
  expect(res.json.SchemaErrors).toEqual([
    { path: '/WorkflowExecution/0/Topology/Nodes/Start/Input/ExtFilter/Video', expected: 'boolean', received: 'string' },
    { path: '/WorkflowExecution/0/Tasks/0/ResultInfo/ObjectCount', expected: 'number', received: 'string' },
  ]);
  expect(res.headers['x-schema-errors']).toBe('2');

  h.setEnv({ SCHEMA_MODE: 'strict' });
  const strict = await get(`/jobs/workflow/${f.runId}`);
  expect(strict.status).toBe(502);
  expect(strict.json.Error.Code).toBe('UpstreamInvalidResponse');

  h.setEnv();
  h.emulator.fault = () => ({ status: 200, body: f.xml.replace(/<RunId>[^<]+<\/RunId>/, '') });
  const noId = await get(`/jobs/workflow/${f.runId}`);
  expect(noId.status).toBe(502);
  expect(noId.json.Error.Details).toEqual([{ path: '/WorkflowExecution/0/RunId', message: 'must be non-empty text' }]);
});

test('long-poll answers when a run changes, and at once when it is final', async () => {
  const id = movingJobId('move-success-3000ms-wf');
  const first = await get(`/jobs/workflow/${id}`);
  expect(first.json.WorkflowExecution[0]).toMatchObject({ RunId: id, State: 'Running' });
  expect(first.json.WorkflowExecution[0].Tasks).toBeUndefined();
  let last = first.json.WorkflowExecution[0];
  for (let i = 0; i < 10 && last.State === 'Running'; i++) {
    const next = await get(`/jobs/workflow/${id}`, { wait: '10' });
    expect(next.status).toBe(200);
    // Each answer differs from the one before: a task appeared, changed, or the run ended.
    expect(JSON.stringify(next.json.WorkflowExecution[0])).not.toBe(JSON.stringify(last));
    last = next.json.WorkflowExecution[0];
  }
  expect(last.State).toBe('Success');
  expect(last.Tasks[0]).toMatchObject({ State: 'Success', ResultInfo: { ObjectCount: 1 } });
  h.emulator.requests.length = 0;
  const done = await get(`/jobs/workflow/${id}`, { wait: '10' });
  expect(done.json.WorkflowExecution[0].State).toBe('Success');
  expect(h.emulator.requests).toHaveLength(1);
});

describe('Server-Sent Events (Web function)', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  beforeAll(async () => {
    stack = await startWebStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  test('a moving run: one event per change, the last Failed, then end', async () => {
    const id = movingJobId('move-failed-2500ms-wf');
    const res = await readStream(`${stack.url}/jobs/workflow/${id}/events`);
    expect(res.status).toBe(200);
    const frames = parseFrames(res.text);
    const runs = frames.filter((f) => f.data !== undefined && f.event === undefined).map((f) => JSON.parse(f.data!).WorkflowExecution[0]);
    expect(runs[0]).toMatchObject({ RunId: id, State: 'Running' });
    expect(runs.at(-1)).toMatchObject({ RunId: id, State: 'Failed', Tasks: [{ State: 'Failed', Code: 'InvalidInput' }] });
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toEqual({ event: 'end', data: '{"reason":"terminal"}' });
  });
});

test('the client types say what a workflow answer holds (checked by tsc over this file)', async () => {
  const res = await get(`/jobs/workflow/${byFile('running.xml').runId}`);
  const envelope: JobsEnvelopeByFamily['workflow'] = res.json as WorkflowJobsEnvelope;
  const runs: WorkflowJob[] = envelope.WorkflowExecution;
  const run: JobOf<'workflow'> | undefined = runs[0];
  // @ts-expect-error RunId is text, as CI sends it
  const wrong: number | undefined = run?.RunId;
  expect(wrong).toBe(byFile('running.xml').runId);
  type WorkflowNode = NonNullable<NonNullable<WorkflowJob['Topology']>['Nodes']>[string];
  const nodes: Record<string, WorkflowNode> = run?.Topology?.Nodes ?? {};
  expect(nodes.Start?.Input?.ExtFilter?.Video).toBe(true);
  expect(run?.Tasks?.map((t) => t.Name)).toEqual(['SmartCover_1722218400002', 'Transcode_1722218400001']);
  expect(ITEM_LIST.workflow).toBe('WorkflowExecution');
});
