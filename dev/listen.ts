/**
 * server.listen as a promise that also rejects. Plain `listen(port, host, cb)` reports a busy port
 * as an 'error' event, which nothing listens to: the process dies with a stack trace instead of
 * letting `npm start` say which variable to change.
 */
import type { Server } from 'node:http';

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/**
 * What to tell the user when a port cannot be had, naming the variable that sets it; undefined for
 * failures that are not about the port.
 */
export function portProblem(err: unknown, variable: string, port: number, host: string): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return `port ${port} on ${host} is already in use (another npm start?): set ${variable} to a free port, e.g. ${variable}=${port < 65535 ? port + 1 : 3000} npm start (${variable}=0 picks any free port)`;
  if (code === 'EACCES')
    return `port ${port} on ${host} needs privileges this user lacks: set ${variable} to a port above 1023, or 0 for any free port`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: set HOST to 127.0.0.1 or 0.0.0.0`;
  return undefined;
}

/** A port from the environment: 0–65535, or a clear error naming the variable. */
export function portFromEnv(env: Record<string, string | undefined>, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new StartError(`${variable}=${raw} is not a port: use 0–65535 (0 picks any free port)`);
  return Number(raw);
}

/** A failure whose message is the whole story for the user: printed without a stack. */
export class StartError extends Error {
  override name = 'StartError';
}
