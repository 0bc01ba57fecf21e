/**
 * A local HTTP front for the SCF function: each request becomes a Function URL event and goes to
 * the same `main_handler` the cloud calls, loaded from the built bundle.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScfContext, ScfHttpEvent, ScfHttpResult } from '../shared/scf/event';
import { listen } from './listen';

export type MainHandler = (event: ScfHttpEvent, context: ScfContext) => Promise<ScfHttpResult>;

const MAX_LOCAL_BODY = 1024 * 1024;
/** The same timeout serverless.yml gives the deployed function, so long-poll is capped the same way. */
const TIME_LIMIT_MS = 10_000;

/** `intercept` may answer a request itself (the demo page) and return true; the rest go to the function. */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean;

export async function startLocalServer(
  handler: MainHandler,
  port = 0,
  host = '127.0.0.1',
  intercept?: Intercept,
): Promise<{ server: Server; url: string }> {
  let invocation = 0;
  const server = createServer((req, res) => {
    if (intercept?.(req, res)) return;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_LOCAL_BODY) chunks.push(c);
    });
    // The listener runs the async handler and answers from it; nothing waits on the returned promise.
    req.on(
      'end',
      () =>
        void (async () => {
          const url = new URL(req.url ?? '/', 'http://local');
          const query: Record<string, string> = {};
          for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          const event: ScfHttpEvent = {
            httpMethod: req.method ?? 'GET',
            path: url.pathname,
            headers: { ...headers, 'x-scf-remote-addr': req.socket.remoteAddress ?? '' },
            queryString: query,
            body: Buffer.concat(chunks).toString('utf8'),
            isBase64Encoded: false,
          };
          invocation += 1;
          const started = Date.now();
          const context: ScfContext = {
            request_id: `local-${process.pid}-${invocation}`,
            time_limit_in_ms: TIME_LIMIT_MS,
            memory_limit_in_mb: 128,
            getRemainingTimeInMillis: () => TIME_LIMIT_MS - (Date.now() - started),
          };
          try {
            const result = await handler(event, context);
            res.writeHead(result.statusCode, result.headers);
            res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
          } catch {
            // The handler is built never to throw; if it ever does, say so like SCF would.
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end('{"Error":{"Code":"FunctionError","Message":"the handler threw","RequestId":"local"}}');
          }
        })(),
    );
  });
  await listen(server, port, host);
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}` };
}
