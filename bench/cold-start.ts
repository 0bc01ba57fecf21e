/**
 * One cold start: this fresh process loads a function and serves its first request, then reports
 * how long its own code took (load, first request) to the parent. Node's start-up before this line
 * is the same for every function; the parent times the whole process (spawn → exit) as well.
 */
import { createRequire } from 'node:module';
import { getEvent } from './keys';

const started = performance.now();
const [path, family, jobId] = process.argv.slice(2) as [string, string, string];
const { main_handler } = createRequire(__filename)(path) as { main_handler: (e: unknown, c?: unknown) => Promise<{ statusCode: number }> };
const loaded = performance.now();
console.log = () => undefined; // every function's log line goes nowhere, alike
void main_handler(getEvent(jobId, family), { request_id: 'cold' }).then((res) => {
  const done = performance.now();
  process.send?.({ status: res.statusCode, loadMs: loaded - started, firstRequestMs: done - loaded }, () => process.exit(0));
});
