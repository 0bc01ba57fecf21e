/**
 * The CI emulator in its own process, so it does not share the measured process's CPU. Answers
 * `'count'` with how many requests it has served, so each bench row can say how many CI calls its
 * requests cost (the fairness check: an uncached row must make one CI call per request), and
 * `'cpu'` with its own process.cpuUsage() (the server CPU of the row that loads it directly).
 */
import { startEmulator } from '../dev/emulator/server';
import { BENCH_KEYS } from './keys';

// Counting only: the bench sends hundreds of thousands of requests; the request log is for tests.
void startEmulator({ keys: BENCH_KEYS, fixturesDir: process.argv[2], record: false }).then((emulator) => {
  process.on('message', (message) => {
    if (message === 'count') process.send?.({ count: emulator.requestCount });
    if (message === 'cpu') process.send?.(process.cpuUsage());
  });
  process.send?.({ endpoint: emulator.endpoint, port: emulator.port });
});
