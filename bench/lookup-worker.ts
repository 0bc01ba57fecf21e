/**
 * One variant of the CPU-per-lookup rows in a process of its own, as SCF runs each function in its
 * own instance: it loads one function (argv[2]) with the environment the parent gave it (cache on
 * or off), then answers each block the parent asks for by IPC, `{ jobs, ms }`: sequential
 * calls for at least `ms` milliseconds, with what the block cost this process alone: CPU
 * (process.cpuUsage, user + system), the GC pauses V8 reported, and the wall time of each call.
 * Its log lines go to its stdout, which is /dev/null.
 */
import { createRequire } from 'node:module';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getEvent } from './keys';

export interface BlockRequest {
  /**
   * The jobs the calls ask for, in turn: one job for a body-size row; every fixture for the
   * rotating row, where each call names another family or Tag, as an instance serving a mixed
   * workload sees them. The turn carries on from block to block.
   */
  jobs: { family: string; id: string }[];
  /**
   * How long the block runs (whole calls, at least one). Blocks are as long for every variant, not
   * as many calls: a process woken from idle pays for cold CPU caches once per block, and in blocks
   * of equal time that costs every variant the same share of its CPU, whatever one call costs.
   */
  ms: number;
}

/** `wallMs`: one entry per call. */
export type BlockResult = { cpuUs: number; gcMs: number; wallMs: number[] } | { error: string };

type Handler = (event: unknown) => Promise<{ statusCode: number; body?: string }>;

const { main_handler } = createRequire(__filename)(process.argv[2] as string) as { main_handler: Handler };

let gcs: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

let turn = 0;

async function block({ jobs, ms }: BlockRequest): Promise<BlockResult> {
  // Events built before the measured span, so every variant times only its own handler.
  const events = jobs.map(({ family, id }) => getEvent(id, family));
  const wallMs: number[] = [];
  const began = performance.now();
  const cpu = process.cpuUsage();
  do {
    const event = events[turn++ % events.length];
    const t = performance.now();
    const res = await main_handler(event);
    wallMs.push(performance.now() - t);
    if (res.statusCode !== 200) return { error: `status ${res.statusCode}: ${res.body?.slice(0, 200) ?? ''}` };
  } while (performance.now() - began < ms);
  const used = process.cpuUsage(cpu);
  const ended = performance.now();
  // The observer's entries arrive asynchronously: wait for this block's, outside the measured span.
  await new Promise((settle) => setTimeout(settle, 5));
  const gcMs = gcs.filter((g) => g.startTime >= began && g.startTime < ended).reduce((sum, g) => sum + g.duration, 0);
  gcs = gcs.filter((g) => g.startTime >= ended);
  return { cpuUs: used.user + used.system, gcMs, wallMs };
}

process.on('message', (request: BlockRequest) => {
  void block(request).then(
    (result) => process.send?.(result),
    (err: unknown) => process.send?.({ error: err instanceof Error ? err.message : String(err) }),
  );
});
process.send?.({ ready: true });
