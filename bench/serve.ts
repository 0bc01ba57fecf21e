/** A function behind the local HTTP server (dev/local-server.ts), for the throughput runs. */
import { createRequire } from 'node:module';
import { type MainHandler, startLocalServer } from '../dev/local-server';

const { main_handler } = createRequire(__filename)(process.argv[2] as string) as { main_handler: MainHandler };
void startLocalServer(main_handler).then(({ url }) => process.send?.({ url }));
