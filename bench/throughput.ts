/**
 * Throughput over HTTP with autocannon (10 connections), every target run for a few seconds per
 * round, the targets in a new random order each round, so the machine's load is shared alike.
 * Each target's requests name paths from its own rotation; the emulator's request count says how
 * many CI calls they cost, which is what keeps the rows honest: an "uncached" row must show 1.00.
 * Each server is a process of its own; the CPU it used over a row (its process.cpuUsage() before
 * and after), divided by the requests sent, is the row's server CPU per request: on a shared
 * machine it is steadier than req/s, which also depends on what the other processes leave free.
 */
import autocannon from 'autocannon';
import { shuffled } from './children';
import { median } from './stats';

export interface LoadTarget {
  name: string;
  /** Origin of the server under load. */
  origin: string;
  /** The path of the next request (called once per request, across all connections). */
  next: () => string;
  /** Extra headers for a path (the signed ones, when going straight at the emulator). */
  headersFor?: (path: string) => Record<string, string>;
  /** The server process's CPU so far (user + system µs, its own process.cpuUsage()). */
  serverCpuUs: () => Promise<number>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ciCallsPerRequest: number;
  /** Server-process CPU µs per request sent, all rounds. */
  serverCpuUsPerRequest: number;
  /** Non-2xx answers and connection errors, all rounds. */
  failures: number;
}

async function once(target: LoadTarget, seconds: number) {
  const result = await autocannon({
    url: target.origin,
    connections: 10,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const path = target.next();
          return { ...req, path, headers: { ...req.headers, ...(target.headersFor?.(path) ?? {}) } };
        },
      },
    ],
  });
  // A few failures on a loaded machine are reported; more than 1 % means the row measures failures.
  if ((result.non2xx + result.errors) * 100 > result.requests.total)
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

export async function throughput(
  targets: LoadTarget[],
  rounds: number,
  seconds: number,
  warmUpSeconds: number,
  ciCalls: () => Promise<number>,
): Promise<Map<string, LoadResult>> {
  // Warm-up, discarded: each server is a fresh process whose first second runs unoptimised code.
  for (const t of targets) await once(t, warmUpSeconds);
  const runs = new Map(
    targets.map((t) => [
      t.name,
      { requests: 0, sent: 0, seconds: 0, calls: 0, cpuUs: 0, failures: 0, p50: [] as number[], p99: [] as number[] },
    ]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const t of shuffled(targets)) {
      const before = await ciCalls();
      const cpuBefore = await t.serverCpuUs();
      const r = await once(t, seconds);
      await new Promise((settle) => setTimeout(settle, 250)); // let the last in-flight requests reach CI
      const calls = (await ciCalls()) - before;
      const cpuUs = (await t.serverCpuUs()) - cpuBefore;
      const run = runs.get(t.name)!;
      run.requests += r.requests.total;
      // Requests still in flight when the run stops reach CI but are not completed: count them.
      run.sent += (r.requests as { sent?: number }).sent ?? r.requests.total;
      run.seconds += r.duration;
      run.calls += calls;
      run.cpuUs += cpuUs;
      run.failures += r.non2xx + r.errors;
      run.p50.push(r.latency.p50);
      run.p99.push(r.latency.p99);
    }
  }
  return new Map(
    targets.map((t) => {
      const run = runs.get(t.name)!;
      return [
        t.name,
        {
          rps: run.requests / run.seconds,
          p50: median(run.p50),
          p99: median(run.p99),
          ciCallsPerRequest: run.calls / run.sent,
          serverCpuUsPerRequest: run.cpuUs / run.sent,
          failures: run.failures,
        },
      ];
    }),
  );
}

/** A rotation over `items`, shared by all connections: concurrent requests name different items. */
export function rotation<T>(items: readonly T[], toPath: (item: T) => string): () => string {
  let i = 0;
  return () => toPath(items[i++ % items.length] as T);
}
