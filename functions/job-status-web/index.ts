/**
 * SCF Web function entry: scf_bootstrap runs this file, which listens on PORT (9000, the port SCF
 * forwards to) on HOST (0.0.0.0: SCF's proxy cannot reach 127.0.0.1). Loaded with require() instead
 * (npm start, tests), it only exports startWebServer.
 */
import { startWebServer } from './server';

export { startWebServer } from './server';
export type { WebServer, WebServerOptions } from './server';

/** How long open streams get to end cleanly after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 2000;

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 9000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('PORT must be a port number');
  const web = await startWebServer({ port, host: process.env.HOST ?? '0.0.0.0' });
  const { port: actual } = web.server.address() as { port: number };
  console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', port: actual }));
  process.once('SIGTERM', () => {
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    void web.close().then(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(JSON.stringify({ level: 'error', msg: 'start failed', error: err instanceof Error ? err.message : String(err) }));
    process.exit(1);
  });
}
