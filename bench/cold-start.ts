/**
 * One cold start: this fresh process loads a function and serves its first request, then reports
 * how long its own code took (load, first request) to the parent. Node's bootstrap before this
 * line is the same for every function measured and is reported separately by the parent.
 */
import { createRequire } from 'node:module';
import { getEvent } from './keys';

const started = performance.now();
const [path, jobId] = process.argv.slice(2) as [string, string];
const { main_handler } = createRequire(__filename)(path) as { main_handler: (e: unknown, c?: unknown) => Promise<{ statusCode: number }> };
const loaded = performance.now();
main_handler(getEvent(jobId), { request_id: 'cold' }).then((res) => {
  const done = performance.now();
  process.send?.({ status: res.statusCode, loadMs: loaded - started, firstRequestMs: done - loaded, bootMs: started }, () => process.exit(0));
});
