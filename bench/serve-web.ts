/** A Web-function instance for bench:fleet: the built web bundle on a loopback port, its URL sent to the parent. */
import { createRequire } from 'node:module';
import type { WebServer, WebServerOptions } from '../functions/job-status-web/server';

type StartWebServer = (options: WebServerOptions) => Promise<WebServer>;
const { startWebServer } = createRequire(__filename)(process.argv[2] as string) as { startWebServer: StartWebServer };
void startWebServer({ port: 0, host: '127.0.0.1' }).then(({ url }) => process.send?.({ url }));
