/**
 * What a request's abort plumbing leaves behind once it is done: the deadline's listener on its
 * parent, the coalescing caller's listener on its own signal. A warm instance serves many requests
 * on long-lived signals (a stream's, a long-poll's), so anything left there would pile up.
 */
import { getEventListeners } from 'node:events';
import { InFlight } from '../../shared/cache/in-flight';
import { Cancellation } from '../../shared/cancel';
import { createDeadline, sleep } from '../../shared/deadline';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('Cancellation', () => {
  it('runs each listener once, in the order added, and keeps none once it has fired', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    cancel.addListener(() => calls.push('first'));
    cancel.addListener(removed);
    cancel.addListener(() => calls.push('second'));
    cancel.removeListener(removed);
    expect(cancel.listenerCount).toBe(2);
    cancel.abort();
    cancel.abort();
    expect(calls).toEqual(['first', 'second']);
    expect(cancel.aborted).toBe(true);
    cancel.addListener(() => calls.push('late'));
    expect(cancel.listenerCount).toBe(0);
    expect(calls).toEqual(['first', 'second']);
  });

  it('runs the other listeners when one throws, and surfaces the throw later, not from abort()', () => {
    const cancel = new Cancellation();
    const deferred: (() => void)[] = [];
    const defer = (fn: () => void) => void deferred.push(fn);
    const nextTick = jest.spyOn(process, 'nextTick').mockImplementation(defer as typeof process.nextTick);
    const calls: string[] = [];
    try {
      cancel.addListener(() => {
        throw new Error('listener failed');
      });
      cancel.addListener(() => calls.push('after'));
      expect(() => cancel.abort()).not.toThrow();
    } finally {
      nextTick.mockRestore();
    }
    expect(calls).toEqual(['after']);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]?.()).toThrow('listener failed');
  });

  it('ends a sleep when it fires, and a finished sleep leaves no listener', async () => {
    const cancel = new Cancellation();
    await sleep(1, cancel);
    expect(cancel.listenerCount).toBe(0);
    const waiting = sleep(600_000, cancel);
    expect(cancel.listenerCount).toBe(1);
    cancel.abort();
    await expect(waiting).rejects.toThrow('cancelled');
    await expect(sleep(1, cancel)).rejects.toThrow('cancelled');
  });
});

describe('createDeadline', () => {
  it('makes its AbortSignal only when read, fired with the deadline whenever it is read', async () => {
    const made = countAbortControllers();
    try {
      const early = createDeadline(20);
      const late = createDeadline(20);
      expect(made.count).toBe(0);
      const signal = early.signal;
      expect(early.signal).toBe(signal);
      expect(made.count).toBe(1);
      await aborted(signal);
      expect(early.cancel.aborted).toBe(true);
      await new Promise((resolve) => late.cancel.addListener(() => resolve(undefined)));
      // Read after the deadline passed: already fired.
      expect(late.signal.aborted).toBe(true);
      early.dispose();
      late.dispose();
    } finally {
      made.restore();
    }
  }, 30_000);

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

  it('on Cancellations: no listener left on the caller or the shared call after 10,000 calls, and no AbortSignal made', async () => {
    const inflight = new InFlight<number>();
    const caller = new Cancellation();
    const shared: Cancellation[] = [];
    const made = countAbortControllers();
    let failures = 0;
    try {
      for (let i = 0; i < 10_000; i++) {
        const run = inflight.run(
          `k${i % 7}`,
          caller,
          Date.now() + 60_000,
          (call) => {
            shared.push(call.cancel as Cancellation);
            return i % 3 === 0 ? Promise.reject(new Error('upstream')) : Promise.resolve(i);
          },
          timeout,
        );
        expect(caller.listenerCount).toBe(1);
        await run.catch(() => (failures += 1));
        expect(caller.listenerCount).toBe(0);
      }
    } finally {
      made.restore();
    }
    expect(made.count).toBe(0);
    expect(failures).toBe(3334);
    expect(inflight.size).toBe(0);
    expect(shared.every((cancel) => cancel.listenerCount === 0 && !cancel.aborted)).toBe(true);
  });

  it('on Cancellations: a waiter that leaves does not cancel the call; the last one to leave does', async () => {
    const inflight = new InFlight<string>();
    let finish: (value: string) => void = () => undefined;
    const started: Cancellation[] = [];
    const start = (call: { cancel: unknown }) => {
      started.push(call.cancel as Cancellation);
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const [hurried, patient] = [new Cancellation(), new Cancellation()];
    const first = inflight.run('k', hurried, Date.now() + 1_000, start, timeout);
    const second = inflight.run('k', patient, Date.now() + 60_000, start, timeout);
    hurried.abort();
    await expect(first).rejects.toThrow('caller gave up');
    expect(started).toHaveLength(1);
    expect(started[0]?.aborted).toBe(false);
    finish('answer');
    await expect(second).resolves.toBe('answer');
    expect(patient.listenerCount).toBe(0);

    const only = new Cancellation();
    const third = inflight.run('k', only, Date.now() + 60_000, start, timeout);
    only.abort();
    await expect(third).rejects.toThrow('caller gave up');
    expect(started).toHaveLength(2);
    expect(started[1]?.aborted).toBe(true);
    expect(inflight.size).toBe(0);
  });

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

/** Counts AbortControllers made (every AbortSignal the code under test makes comes from one) until restored. */
function countAbortControllers(): { readonly count: number; restore(): void } {
  const Original = globalThis.AbortController;
  let count = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      count += 1;
    }
  };
  return {
    get count() {
      return count;
    },
    restore: () => {
      globalThis.AbortController = Original;
    },
  };
}
