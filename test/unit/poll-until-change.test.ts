/**
 * The long-poll loop on a virtual clock: when it answers, how its pauses grow, and what happens
 * when a re-fetch fails or runs into the deadline.
 */
import { type PollUntilChangeOptions, pollUntilChange } from '../../shared/long-poll/poll-until-change';

interface Snapshot {
  state: string;
  progress: number;
}

function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

function options(values: Array<Snapshot | Error>, overrides: Partial<PollUntilChangeOptions<Snapshot>> = {}) {
  const clock = virtualClock();
  let i = 0;
  const fetch = jest.fn(async () => {
    const v = values[Math.min(i++, values.length - 1)]!;
    if (v instanceof Error) throw v;
    return v;
  });
  const opts: PollUntilChangeOptions<Snapshot> = {
    fetch,
    fingerprint: (s) => `${s.state}/${s.progress}`,
    isSettled: (s) => s.state === 'Success',
    stopAt: 20_000,
    fetchTimeoutMs: 5000,
    backoff: { firstMs: 500, factor: 1.5, maxMs: 3000 },
    minFetchBudgetMs: 300,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  };
  return { opts, fetch, clock };
}

const running = (progress: number): Snapshot => ({ state: 'Running', progress });

test('a settled first answer is returned at once, with one fetch', async () => {
  const { opts, clock } = options([{ state: 'Success', progress: 100 }]);
  expect(await pollUntilChange(opts)).toEqual({ value: { state: 'Success', progress: 100 }, outcome: 'settled', fetches: 1 });
  expect(clock.sleeps).toEqual([]);
});

test('answers on the first change, pausing longer each time nothing moved', async () => {
  const { opts, clock } = options([running(10), running(10), running(10), running(10), running(11)]);
  const result = await pollUntilChange(opts);
  expect(result).toEqual({ value: running(11), outcome: 'changed', fetches: 5 });
  expect(clock.sleeps).toEqual([500, 750, 1125, 1688]);
});

test('pauses stop growing at the maximum', async () => {
  const { opts, clock } = options([running(1)], { stopAt: 20_000 });
  await pollUntilChange(opts);
  expect(Math.max(...clock.sleeps)).toBe(3000);
});

test('a value that never changes is answered when time is up, leaving room for the last fetch', async () => {
  const { opts, clock, fetch } = options([running(30)], { stopAt: 4000 });
  const result = await pollUntilChange(opts);
  expect(result.outcome).toBe('timeout');
  expect(result.value).toEqual(running(30));
  expect(result.fetches).toBe(fetch.mock.calls.length);
  expect(clock.now()).toBeLessThanOrEqual(4000 - 300);
  expect(clock.now()).toBeGreaterThan(4000 - 300 - 3000);
});

test('reaching a terminal state counts even without a fingerprint change', async () => {
  const { opts } = options([running(100), { state: 'Success', progress: 100 }], { fingerprint: () => 'same' });
  expect((await pollUntilChange(opts)).outcome).toBe('settled');
});

test('a stop time already past answers with the first value', async () => {
  const { opts, fetch } = options([running(5), running(6)], { stopAt: 0 });
  expect(await pollUntilChange(opts)).toEqual({ value: running(5), outcome: 'timeout', fetches: 1 });
  expect(fetch).toHaveBeenCalledTimes(1);
});

test('a failing first fetch is the answer', async () => {
  const { opts } = options([new Error('CI down')]);
  await expect(pollUntilChange(opts)).rejects.toThrow('CI down');
});

test('a failing re-fetch is reported, not hidden behind the older value', async () => {
  const { opts } = options([running(5), new Error('CI answered 500')]);
  await expect(pollUntilChange(opts)).rejects.toThrow('CI answered 500');
});

test('a re-fetch cut short by the deadline answers with the previous value', async () => {
  let calls = 0;
  const started = Date.now();
  const result = await pollUntilChange<Snapshot>({
    fetch: (signal) => {
      calls += 1;
      if (calls === 1) return Promise.resolve(running(40));
      // Like a slow CI: only the abort ends this fetch.
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    },
    fingerprint: (s) => String(s.progress),
    isSettled: () => false,
    stopAt: started + 400,
    fetchTimeoutMs: 5000,
    backoff: { firstMs: 20, factor: 1, maxMs: 20 },
    minFetchBudgetMs: 50,
  });
  expect(result).toEqual({ value: running(40), outcome: 'timeout', fetches: 1 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  expect(Date.now() - started).toBeLessThan(1500);
});

describe('seeded with a known value (how an event stream waits between events)', () => {
  test('starts with a pause, not a fetch, and answers the first value that differs from the known one', async () => {
    const { opts, fetch, clock } = options([running(10), running(12)], { known: { value: running(10), fingerprint: 'Running/10' } });
    expect(await pollUntilChange(opts)).toEqual({ value: running(12), outcome: 'changed', fetches: 2 });
    expect(clock.sleeps).toEqual([500, 750]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('a known fingerprint the first fetch does not match is a change at once', async () => {
    const { opts } = options([running(40)], { known: { value: running(10), fingerprint: 'something older' } });
    expect(await pollUntilChange(opts)).toEqual({ value: running(40), outcome: 'changed', fetches: 1 });
  });

  test('nothing new until stopAt: the known value comes back as a timeout', async () => {
    const { opts } = options([running(10)], { known: { value: running(10), fingerprint: 'Running/10' }, stopAt: 2000 });
    expect(await pollUntilChange(opts)).toMatchObject({ value: running(10), outcome: 'timeout' });
  });
});

test('an aborted signal ends the wait with the latest value, without another fetch', async () => {
  const controller = new AbortController();
  const { opts, fetch } = options([running(10)], {
    signal: controller.signal,
    sleep: async () => controller.abort(),
  });
  expect(await pollUntilChange(opts)).toEqual({ value: running(10), outcome: 'timeout', fetches: 1 });
  expect(fetch).toHaveBeenCalledTimes(1);
});

test('the default sleep wakes up as soon as the signal fires', async () => {
  const controller = new AbortController();
  const { opts } = options([running(10)], {
    signal: controller.signal,
    sleep: undefined,
    now: Date.now,
    stopAt: Date.now() + 60_000,
    backoff: { firstMs: 30_000, factor: 1, maxMs: 30_000 },
  });
  const done = pollUntilChange(opts);
  setTimeout(() => controller.abort(), 50);
  // Without the wake-up this would sleep 30 s and fail on jest's timeout.
  expect(await done).toMatchObject({ outcome: 'timeout', fetches: 1 });
});
