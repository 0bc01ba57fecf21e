/**
 * What a request's abort plumbing leaves behind once it is done: the deadline's listener on its
 * parent, the coalescing caller's listener on its own signal. A warm instance serves many requests
 * on long-lived signals (a stream's, a long-poll's), so anything left there would pile up.
 */
import { getEventListeners } from 'node:events';
import { InFlight } from '../../shared/cache/in-flight';
import { createDeadline } from '../../shared/deadline';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('createDeadline', () => {
  it('fires a short deadline made after a long one at its own time, and in order', async () => {
    const long = createDeadline(600_000);
    const middle = createDeadline(400);
    const short = createDeadline(20);
    const fired: string[] = [];
    await Promise.all([aborted(short.signal).then(() => fired.push('short')), aborted(middle.signal).then(() => fired.push('middle'))]);
    expect(fired).toEqual(['short', 'middle']);
    expect(long.signal.aborted).toBe(false);
    long.dispose();
    middle.dispose();
    short.dispose();
  }, 30_000);

  it('listens on its parent while it lives and not after dispose, over 10,000 deadlines', () => {
    const parent = new AbortController().signal;
    for (let i = 0; i < 10_000; i++) {
      const deadline = createDeadline(60_000, Date.now(), parent);
      expect(listeners(parent)).toBe(1);
      deadline.dispose();
    }
    expect(listeners(parent)).toBe(0);
  });

  it('fires when its parent fires, and puts nothing on a parent that already has', () => {
    const parent = new AbortController();
    const deadline = createDeadline(60_000, Date.now(), parent.signal);
    parent.abort();
    expect(deadline.signal.aborted).toBe(true);
    deadline.dispose();
    const late = createDeadline(60_000, Date.now(), parent.signal);
    expect(late.signal.aborted).toBe(true);
    expect(listeners(parent.signal)).toBe(0);
    late.dispose();
  });
});

describe('InFlight', () => {
  const timeout = () => new Error('caller gave up');

  it('leaves no listener on the caller signal or the shared one after 10,000 calls that settle either way', async () => {
    const inflight = new InFlight<number>();
    const caller = new AbortController().signal;
    const shared: AbortSignal[] = [];
    let failures = 0;
    for (let i = 0; i < 10_000; i++) {
      const run = inflight.run(
        `k${i % 7}`,
        caller,
        Date.now() + 60_000,
        (call) => {
          shared.push(call.signal);
          return i % 3 === 0 ? Promise.reject(new Error('upstream')) : Promise.resolve(i);
        },
        timeout,
      );
      expect(listeners(caller)).toBe(1);
      await run.catch(() => (failures += 1));
      expect(listeners(caller)).toBe(0);
    }
    expect(failures).toBe(3334);
    expect(inflight.size).toBe(0);
    expect(shared.every((signal) => listeners(signal) === 0 && !signal.aborted)).toBe(true);
  });

  it('takes a caller that gives up off the call, which goes on for the one still waiting', async () => {
    const inflight = new InFlight<string>();
    let finish: (value: string) => void = () => undefined;
    let sharedSignal: AbortSignal | undefined;
    const hurried = new AbortController();
    const patient = new AbortController();
    const first = inflight.run(
      'k',
      hurried.signal,
      Date.now() + 1_000,
      (call) => {
        sharedSignal = call.signal;
        return new Promise<string>((resolve) => (finish = resolve));
      },
      timeout,
    );
    const second = inflight.run('k', patient.signal, Date.now() + 60_000, () => Promise.reject(new Error('not started twice')), timeout);
    hurried.abort();
    await expect(first).rejects.toThrow('caller gave up');
    expect(sharedSignal?.aborted).toBe(false);
    finish('answer');
    await expect(second).resolves.toBe('answer');
    expect(listeners(hurried.signal) + listeners(patient.signal)).toBe(0);
    expect(inflight.size).toBe(0);
  });
});
