/**
 * Serves the demo page (dist/demo/, written by the build): from `npm start`'s local server at `/`,
 * or from a server of its own, so a test can load the page from one origin and call the function
 * on another.
 */
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
};

/** Answers the demo's own paths and returns true; anything else is left to the caller. */
export function serveDemo(req: IncomingMessage, res: ServerResponse, dir = resolve('dist/demo')): boolean {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const entry = FILES[path];
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  let body: Buffer;
  try {
    body = readFileSync(join(dir, entry.file));
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('demo page not built: run npm run build');
    return true;
  }
  // Read per request so a rebuild shows up on reload; no-store for the same reason.
  res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

export async function startDemoServer(port = 0, host = '127.0.0.1', dir?: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (!serveDemo(req, res, dir)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((r) => server.listen(port, host, () => r()));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
