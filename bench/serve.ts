/**
 * A function behind the local HTTP server (dev/local-server.ts), for the throughput runs: one
 * process per function, as an SCF instance. Answers `'cpu'` with its own process.cpuUsage(), so
 * each row can say how much server CPU a request cost.
 */
import { createRequire } from 'node:module';
import { type MainHandler, startLocalServer } from '../dev/local-server';

const { main_handler } = createRequire(__filename)(process.argv[2] as string) as { main_handler: MainHandler };
process.on('message', (message) => {
  if (message === 'cpu') process.send?.(process.cpuUsage());
});
void startLocalServer(main_handler).then(({ url }) => process.send?.({ url }));
