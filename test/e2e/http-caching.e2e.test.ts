/**
 * The built bundle's caching behaviour seen from outside: ETag and 304, Cache-Control by job
 * state, instance cache hits (the emulator counts the CI calls), coalesced concurrent polls, and
 * keep-alive sockets to CI reused across invocations.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpGet } from '../../shared/ci/http-get';
import { functionUrlEvent } from '../helpers/events';
import { BUCKET, startHarness } from '../helpers/harness';

let h: Awaited<ReturnType<typeof startHarness>>;
const byState: Record<string, string> = {};
let logSpy: jest.SpyInstance;

beforeAll(async () => {
  h = await startHarness();
  logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  for (const j of h.emulator.jobs.values()) if (j.family === 'media' && j.state) byState[j.state] ??= j.jobId;
});
afterAll(async () => {
  logSpy.mockRestore();
  await h.close();
});
beforeEach(() => {
  h.emulator.requests.length = 0;
  h.emulator.fault = undefined;
});

const get = (path: string, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  h.call(functionUrlEvent({ method: 'GET', path, headers, ...(query ? { query } : {}) }));

describe('with the instance cache off', () => {
  beforeEach(() => h.setEnv());

  test('every 200 carries a weak ETag that ignores CI’s RequestId; If-None-Match gets a 304', async () => {
    const path = `/jobs/media/${byState.Running}`;
    const first = await get(path);
    const second = await get(path);
    expect(h.emulator.requests).toHaveLength(2);
    expect(first.json.RequestId).not.toBe(second.json.RequestId);
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);

    const revalidated = await get(path, { 'if-none-match': `"other", ${first.headers.etag}` });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toBe('');
    expect(revalidated.headers).toMatchObject({ etag: first.headers.etag, 'cache-control': 'no-cache' });
    expect(revalidated.headers['content-type']).toBeUndefined();
    expect((await get(path, { 'if-none-match': 'W/"stale"' })).status).toBe(200);
  });

  test('a changed job gets a new ETag', async () => {
    const path = `/jobs/media/${byState.Running}`;
    const before = await get(path);
    const key = `media/${byState.Running}`;
    const stored = h.emulator.jobs.get(key)!;
    h.emulator.jobs.set(key, { ...stored, fragment: stored.fragment.replace(/<Progress>\d+<\/Progress>/, '<Progress>99</Progress>') });
    try {
      const after = await get(path, { 'if-none-match': before.headers.etag! });
      expect(after.status).toBe(200);
      expect(after.json.JobsDetail[0].Progress).toBe(99);
      expect(after.headers.etag).not.toBe(before.headers.etag);
    } finally {
      h.emulator.jobs.set(key, stored);
    }
  });

  test('POST answers carry an ETag but are never turned into a 304', async () => {
    const body = JSON.stringify({ type: 'media', jobIds: [byState.Success] });
    const post = (headers: Record<string, string>) =>
      h.call(functionUrlEvent({ method: 'POST', path: '/jobs/query', headers: { 'content-type': 'application/json', ...headers }, body }));
    const first = await post({});
    expect(first.headers.etag).toBeTruthy();
    expect((await post({ 'if-none-match': first.headers.etag! })).status).toBe(200);
  });

  test('Cache-Control follows the job states; errors stay no-store', async () => {
    const cc = async (ids: string, headers: Record<string, string> = {}) =>
      (await get(`/jobs/media/${ids}`, headers)).headers['cache-control'];
    h.setEnv({ CACHE_TERMINAL_TTL_S: '120' });
    expect(await cc(`${byState.Success},${byState.Failed},${byState.Cancel}`)).toBe('public, max-age=120');
    expect(await cc(`${byState.Success}`, { authorization: 'Bearer x' })).toBe('private, max-age=120');
    expect(await cc(`${byState.Success},${byState.Running}`)).toBe('no-cache');
    expect(await cc(`${byState.Success},jnotyet`)).toBe('no-cache');
    expect(await cc('jnotthere')).toBe('no-store');
    h.setEnv();
    expect(await cc(`${byState.Success}`)).toBe('no-cache'); // terminal TTL 0: nothing is final for long
  });

  test('100 concurrent identical polls make one CI call and all get the job', async () => {
    h.emulator.fault = () => ({ delayMs: 50 }); // keep the first call in flight while the rest arrive
    const answers = await Promise.all(Array.from({ length: 100 }, () => get(`/jobs/media/${byState.Running}`)));
    expect(h.emulator.requests).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 && a.json.JobsDetail[0].JobId === byState.Running)).toBe(true);
  });
});

describe('with the instance cache on (defaults)', () => {
  beforeEach(() => {
    h.newInstance();
    h.setEnv({ CACHE_TERMINAL_TTL_S: undefined, CACHE_ACTIVE_TTL_MS: undefined });
  });

  test('a final job is answered from the cache, the same job, marked as a hit', async () => {
    const path = `/jobs/media/${byState.Success}`;
    const miss = await get(path);
    const hit = await get(path);
    expect(h.emulator.requests).toHaveLength(1);
    expect(miss.headers['x-cache']).toBe('miss');
    expect(hit.headers['x-cache']).toBe('hit');
    expect(hit.headers['x-ci-request-id']).toBeUndefined();
    expect(hit.json).toEqual({ ...miss.json, RequestId: null });
    expect(hit.headers.etag).toBe(miss.headers.etag);
    expect(hit.headers['cache-control']).toBe('public, max-age=300');
  });

  test('a multi-id GET asks CI only for the ids it lacks', async () => {
    await get(`/jobs/media/${byState.Failed}`);
    const res = await get(`/jobs/media/${byState.Cancel},${byState.Failed},jnope`);
    expect(h.emulator.requests.map((r) => r.path)).toEqual([`/jobs/${byState.Failed}`, `/jobs/${byState.Cancel},jnope`]);
    expect(res.json.JobsDetail.map((j: { JobId: string }) => j.JobId)).toEqual([byState.Cancel, byState.Failed]);
    expect(res.json.NonExistJobIds).toEqual(['jnope']);
    expect(res.headers['x-cache']).toBe('partial');
  });

  test('another bucket’s request for a cached job goes to CI for that bucket', async () => {
    h.setEnv({ CACHE_TERMINAL_TTL_S: undefined, CACHE_ACTIVE_TTL_MS: undefined, ALLOWED_BUCKETS: 'otherbucket-1250000001' });
    await get(`/jobs/media/${byState.Success}`);
    const other = await get(`/jobs/media/${byState.Success}`, {}, { bucket: 'otherbucket-1250000001' });
    expect(other.headers['x-cache']).toBe('miss');
    expect(h.emulator.requests.at(-1)!.bucket).toBe('otherbucket-1250000001');
    expect(h.emulator.requests.every((r) => r.bucket !== BUCKET || r.path.endsWith(byState.Success!))).toBe(true);
  });

  test('CACHE_MAX_ENTRIES bounds the cache', async () => {
    h.setEnv({ CACHE_TERMINAL_TTL_S: undefined, CACHE_ACTIVE_TTL_MS: undefined, CACHE_MAX_ENTRIES: '1' });
    await get(`/jobs/media/${byState.Success}`);
    await get(`/jobs/media/${byState.Failed}`); // evicts the first
    expect((await get(`/jobs/media/${byState.Success}`)).headers['x-cache']).toBe('miss');
    expect((await get(`/jobs/media/${byState.Success}`)).headers['x-cache']).toBe('hit');
  });
});

test('consecutive CI calls reuse one keep-alive connection', async () => {
  let connections = 0;
  const server = createServer((_req, res) => res.end('<Response/>'));
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://${BUCKET}.ci.ap-guangzhou.localhost:${(server.address() as AddressInfo).port}/jobs/j1`);
  try {
    for (let i = 0; i < 3; i++) expect((await httpGet(url, {}, AbortSignal.timeout(2000), 1024)).status).toBe(200);
    expect(connections).toBe(1);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
