/**
 * httpGet and callCi over loopback against a real node:http server: every way a GET ends (an
 * answer, a 4xx, a body over budget, a reset, a cut body, the signal) takes its listener off the
 * signal, so a signal shared by many calls (a deadline, a coalesced call) does not collect them.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners, setMaxListeners } from 'node:events';
import { Cancellation } from '../../shared/cancel';
import { callCi } from '../../shared/ci/ci-call';
import { type GetTarget, HttpGetError, httpGet } from '../../shared/ci/http-get';
import { AttemptBudget, ByteBudget } from '../../shared/ci/upstream-budget';
import { createDeadline } from '../../shared/deadline';

const BODY = '<Response><JobsDetail><JobId>j1</JobId></JobsDetail></Response>';
let server: Server;
let port: number;
/** Requests seen per path, so /flaky can break every first attempt. */
const seen = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    if (path.startsWith('/ok')) res.end(BODY);
    else if (path.startsWith('/missing')) res.writeHead(404).end('<Error><Code>NoSuchJob</Code></Error>');
    else if (path.startsWith('/big')) res.end('x'.repeat(64 * 1024));
    else if (path.startsWith('/reset')) req.socket.destroy();
    else if (path.startsWith('/cut')) {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<Response>', () => req.socket.destroy());
    } else if (path.startsWith('/flaky')) {
      if (n % 2 === 1) req.socket.destroy();
      else res.end(BODY);
    } else if (path.startsWith('/stall')) {
      // Headers and half a body, then nothing: only the caller's deadline ends this one.
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<Response>');
    } else if (path.startsWith('/slow')) {
      // Never answers: only the caller's signal ends this one.
    } else res.writeHead(500).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const to = (path: string): GetTarget => ({ protocol: 'http:', hostname: '127.0.0.1', port: String(port), path });
const headers = { host: '127.0.0.1', accept: 'application/xml' };
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** What one GET ended with: its status, or the kind of its failure. */
async function outcome(path: string, signal: AbortSignal | Cancellation, limit = 16 * 1024): Promise<string | number> {
  try {
    return (await httpGet(to(path), headers, signal, limit)).status;
  } catch (err) {
    if (err instanceof HttpGetError) return err.kind;
    throw err;
  }
}

describe('httpGet on a shared signal', () => {
  it('ends each way it can with the right outcome and no listener left behind', async () => {
    const signal = new AbortController().signal;
    expect(await outcome('/ok', signal)).toBe(200);
    expect(listeners(signal)).toBe(0);
    expect(await outcome('/missing', signal)).toBe(404);
    expect(listeners(signal)).toBe(0);
    expect(await outcome('/big', signal)).toBe('too-large');
    expect(listeners(signal)).toBe(0);
    expect(await outcome('/reset', signal)).toBe('reset');
    expect(listeners(signal)).toBe(0);
    expect(await outcome('/cut', signal)).toBe('reset');
    expect(listeners(signal)).toBe(0);
  });

  it('holds one listener while it runs and drops it when the signal ends the call', async () => {
    const controller = new AbortController();
    const pending = outcome('/slow', controller.signal);
    expect(listeners(controller.signal)).toBe(1);
    controller.abort();
    expect(await pending).toBe('timeout');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('puts nothing on a signal that has already fired', async () => {
    const signal = AbortSignal.abort();
    expect(await outcome('/ok', signal)).toBe('timeout');
    expect(listeners(signal)).toBe(0);
  });

  it('leaves no listener on one signal after 2,000 calls of every kind', async () => {
    // A listener left behind by any kind of ending would show after its first batch; 2,000 calls
    // (each kind 500 times, 100 at once) also cover sockets being reused and replaced.
    const signal = new AbortController().signal;
    // Up to 100 calls at once share the signal; Node would warn above 10 listeners.
    setMaxListeners(110, signal);
    const paths = ['/ok', '/missing', '/big', '/reset'];
    const counts = new Map<string | number, number>();
    let peak = 0;
    for (let start = 0; start < 2_000; start += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => outcome(`${paths[(start + i) % paths.length]}`, signal));
      peak = Math.max(peak, listeners(signal));
      for (const result of await Promise.all(batch)) counts.set(result, (counts.get(result) ?? 0) + 1);
      expect(listeners(signal)).toBe(0);
    }
    expect(peak).toBe(100);
    expect(Object.fromEntries(counts)).toEqual({ 200: 500, 404: 500, 'too-large': 500, reset: 500 });
  }, 120_000);
});

describe('httpGet on a Cancellation', () => {
  it('ends each way it can with no listener left, and one held while it runs', async () => {
    const cancel = new Cancellation();
    for (const [path, expected] of [
      ['/ok', 200],
      ['/missing', 404],
      ['/big', 'too-large'],
      ['/reset', 'reset'],
      ['/cut', 'reset'],
    ] as const) {
      expect(await outcome(path, cancel)).toBe(expected);
      expect(cancel.listenerCount).toBe(0);
    }
    const pending = outcome('/slow', cancel);
    expect(cancel.listenerCount).toBe(1);
    cancel.abort();
    expect(await pending).toBe('timeout');
    expect(cancel.listenerCount).toBe(0);
  });
});

describe('callCi on the deadline signal', () => {
  const creds = { secretId: 'AKIDtest', secretKey: 'test-secret-key', sessionToken: 'test-session-token' };
  const target = () => ({ bucket: 'b-1250000000', region: 'ap-guangzhou', origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` });

  it('retries a reset and leaves no listener from its GETs or its backoff waits', async () => {
    const deadline = createDeadline(120_000);
    try {
      const attempts = new AttemptBudget(10_000);
      const calls = 500;
      for (let start = 0; start < calls; start += 100) {
        const batch = Array.from({ length: 100 }, (_, i) =>
          callCi(target(), `/flaky/${start + i}`, creds, deadline, { attempts, bytes: new ByteBudget() }),
        );
        const answers = await Promise.all(batch);
        expect(answers.map((res) => res.status)).toEqual(Array(100).fill(200));
        expect(answers[0]?.body).toBe(BODY);
        expect((deadline.cancel as Cancellation).listenerCount).toBe(0);
      }
      // Every call broke once and was retried once.
      expect(attempts.made).toBe(2 * calls);
    } finally {
      deadline.dispose();
    }
  }, 180_000);

  it('is cut by the deadline when the body stalls, and leaves no listener on it', async () => {
    const deadline = createDeadline(300);
    try {
      await expect(
        callCi(target(), '/stall', creds, deadline, { attempts: new AttemptBudget(), bytes: new ByteBudget() }),
      ).rejects.toMatchObject({
        kind: 'timeout',
      });
      expect(deadline.cancel.aborted).toBe(true);
      expect((deadline.cancel as Cancellation).listenerCount).toBe(0);
    } finally {
      deadline.dispose();
    }
  }, 60_000);
});
