/**
 * The memory row, in its own fresh process (as an SCF instance is): load the function, answer the
 * worst legitimate request once, and report the process's peak resident set size.
 */
import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import { getEvent } from './keys';

const [path, ids] = process.argv.slice(2) as [string, string];
const kb = () => process.resourceUsage().maxRSS; // peak RSS so far, in kB
const { main_handler } = createRequire(__filename)(path) as {
  main_handler: (e: unknown, c?: unknown) => Promise<{ statusCode: number; body: string }>;
};
const loadedKb = kb();
console.log = () => undefined; // the function's log line is not what is measured
void main_handler(getEvent(ids), { request_id: 'memory' }).then((res) => {
  process.send?.(
    {
      status: res.statusCode,
      error: res.statusCode === 200 ? undefined : res.body.slice(0, 300),
      answerBytes: Buffer.byteLength(res.body),
      loadedKb,
      peakKb: kb(),
      // What Node saw of a cgroup limit (0 or undefined: none) and the heap it sized from it.
      constrainedBytes: process.constrainedMemory?.() ?? 0,
      heapLimitBytes: getHeapStatistics().heap_size_limit,
    },
    () => process.exit(0),
  );
});
