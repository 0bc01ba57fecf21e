/**
 * Web mode: the same app (shared/app.ts) behind a plain node:http server, as an SCF Web function
 * runs it (scf_bootstrap starts it on port 9000). One process serves many requests at once, so the
 * instance's cache, in-flight coalescing and long-polls are shared by all of them, and a response
 * body may be streamed (Server-Sent Events).
 *
 * This file only translates: node request → HttpRequest, HttpResponse → node response. A Web
 * function has no SCF context, so the request's deadline comes from FUNCTION_TIMEOUT_S, counted
 * from the moment the request arrived.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handle } from '../../shared/app';
import { MAX_BODY_BYTES } from '../../shared/config/env';
import { readFunctionTimeoutMs } from '../../shared/config/web-env';
import { ApiError, isApiError, payloadTooLarge } from '../../shared/http/errors';
import { errorResponse } from '../../shared/http/response';
import type { HttpRequest, HttpResponse } from '../../shared/http/types';
import type { ScfContext } from '../../shared/scf/event';

/** Answers a request itself (npm start's demo page) and returns true; the rest go to the app. */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface WebServerOptions {
  port?: number;
  host?: string;
  intercept?: Intercept;
}

export interface WebServer {
  server: Server;
  /** http://host:port, with 0.0.0.0 shown as 127.0.0.1 so it can be called. */
  url: string;
  /** Stops accepting, ends open streams (their clients reconnect elsewhere) and closes. */
  close(): Promise<void>;
}

/** Longest a caller may take to send its request line, headers and body. */
const REQUEST_TIMEOUT_MS = 10_000;
// SCF puts its own request id on every request to a Web function; it goes into our log line.
const SCF_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const streams = new Set<AbortController>();
  const server = createServer((req, res) => {
    if (options.intercept?.(req, res)) return;
    const controller = new AbortController();
    streams.add(controller);
    // 'close' comes after a complete answer too; aborting then is harmless.
    res.on('close', () => {
      controller.abort();
      streams.delete(controller);
    });
    serve(req, res, controller.signal).catch(() => {
      // serve() answers every failure itself; this only guards against a write to a dead socket.
      res.destroy();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  // A malformed request never reaches a handler: answer it plainly and drop the connection.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const port = options.port ?? 9000;
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of streams) c.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const invokedAt = Date.now();
  let body: string | undefined;
  let timeLimitMs: number;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
    timeLimitMs = readFunctionTimeoutMs();
  } catch (err) {
    const apiError = isApiError(err) ? err : new ApiError(400, 'InvalidRequest', 'The request body could not be read');
    // The rest of an oversize body is not read: the connection cannot be reused.
    res.shouldKeepAlive = false;
    return writeResponse(res, errorResponse(apiError, randomUUID()), signal);
  }

  const scfRequestId = req.headers['x-scf-request-id'];
  const context: ScfContext = {
    ...(typeof scfRequestId === 'string' && SCF_REQUEST_ID.test(scfRequestId) ? { request_id: scfRequestId } : {}),
    time_limit_in_ms: timeLimitMs,
  };
  // handle() answers every failure with the error envelope; it does not throw.
  const response = await handle(toHttpRequest(req, body), { context, invokedAt, canStream: true, signal });
  await writeResponse(res, response, signal);
}

export function toHttpRequest(req: IncomingMessage, body: string | undefined): HttpRequest {
  // The raw path, as SCF's event would carry it: no URL normalisation, percent-encoding kept.
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(target.slice(q + 1))) if (!(k in query)) query[k] = v;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: (req.method ?? 'GET').toUpperCase(), path: q >= 0 ? target.slice(0, q) : target, query, headers, body };
}

/** The body as UTF-8, refused (413) past `limit` bytes without reading the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(payloadTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        return reject(payloadTooLarge(limit));
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function writeResponse(res: ServerResponse, response: HttpResponse, signal: AbortSignal): Promise<void> {
  if (typeof response.body === 'string') {
    res.writeHead(response.status, response.headers);
    res.end(response.body);
    return;
  }
  res.writeHead(response.status, response.headers);
  res.flushHeaders();
  const chunks = response.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done || signal.aborted) break;
      // Backpressure: a slow reader holds the stream, not our memory.
      if (!res.write(next.value)) await drained(res);
    }
  } finally {
    // Leaving early (caller gone, write failed) still runs the stream's own clean-up.
    await chunks.return?.(undefined);
    res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
