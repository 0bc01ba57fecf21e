/**
 * What `npm start` runs, in-process: the CI emulator, the built bundle, and the local HTTP server
 * that turns requests into SCF events. Clients under test talk to it over real loopback HTTP.
 */
import type { Server } from 'node:http';
import { startLocalServer } from '../../dev/local-server';
import { loadBundle, startHarness } from './harness';

export async function startLocalStack(env: Record<string, string | undefined> = {}) {
  const harness = await startHarness();
  harness.setEnv(env);
  const { server, url } = await startLocalServer(loadBundle(), 0);
  return {
    url,
    emulator: harness.emulator,
    setEnv: harness.setEnv,
    close: async () => {
      await closeServer(server);
      await harness.close();
    },
  };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
