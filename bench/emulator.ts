/** The CI emulator in its own process, so it does not share the measured process's CPU. */
import { startEmulator } from '../dev/emulator/server';
import { BENCH_KEYS } from './keys';

// Counting only: the bench sends hundreds of thousands of requests; the request log is for tests.
startEmulator({ keys: BENCH_KEYS, fixturesDir: process.argv[2] as string, record: false }).then((emulator) => {
  process.send?.({ endpoint: emulator.endpoint, port: emulator.port });
});
