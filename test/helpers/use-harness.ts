/**
 * The harness most end-to-end files share: one emulator and bundle per file, started before its
 * tests, reset before each (environment, recorded CI requests, injected fault), closed after.
 * The returned object is filled in by `beforeAll`; its members are closures, so `h.call(…)` works
 * from any test.
 */
import { functionUrlEvent } from './events';
import { startHarness } from './harness';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export function useHarness(...args: Parameters<typeof startHarness>): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(...args));
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.setEnv();
    h.emulator.requests.length = 0;
    h.emulator.fault = undefined;
  });
  return h;
}

/** GET `path` through the bundle, as a Function URL event. */
export const getPath = (h: Harness, path: string) => h.call(functionUrlEvent({ method: 'GET', path }));

/** POST /jobs/query with `body` as JSON. */
export const postQuery = (h: Harness, body: unknown) =>
  h.call(
    functionUrlEvent({ method: 'POST', path: '/jobs/query', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
