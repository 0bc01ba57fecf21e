/**
 * One harness per test file, with the function's per-request log lines captured (and scanned for
 * secrets after the file), reset before each test (environment, recorded CI requests, injected
 * fault) and closed after the file.
 */
import { startHarness } from './harness';
import { scanForSecrets } from './secret-scan';

type Harness = Awaited<ReturnType<typeof startHarness>>;

export function useQuietHarness(): Harness {
  let current: Harness | undefined;
  scanForSecrets({ answers: () => current?.answers ?? [] });
  beforeAll(async () => {
    current = await startHarness();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    const h = started();
    h.setEnv();
    h.emulator.requests.length = 0;
    h.emulator.requestCount = 0;
    h.emulator.fault = undefined;
  });
  const started = () => {
    if (!current) throw new Error('the harness starts in beforeAll; use it inside tests');
    return current;
  };
  // The harness only exists once beforeAll ran, so callers get a stand-in that looks it up on use.
  return new Proxy({} as Harness, { get: (_target, name) => Reflect.get(started(), name) });
}
