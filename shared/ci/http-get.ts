/**
 * A bounded HTTP GET on node:http(s). Chosen over fetch because it needs no bundled HTTP library,
 * reuses keep-alive sockets across warm invocations, and lets us send exactly the Host we signed.
 * Every phase (connect, headers, body) ends at the signal; bodies are charged against a byte
 * budget while they stream, so one request's fan-out calls share one cap.
 */
// Named imports: default imports make the bundle copy every export of these modules at load.
import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type Cancelable, listen, unlisten } from '../cancel';

/**
 * timeout: the signal fired; reset: the connection broke (worth a retry); too-large: the byte
 * budget ran out while reading; budget: the request may make no more attempts; network: anything else.
 */
export type HttpGetFailure = 'timeout' | 'reset' | 'network' | 'too-large' | 'budget';

export class HttpGetError extends Error {
  override readonly name = 'HttpGetError';
  constructor(readonly kind: HttpGetFailure) {
    super(`upstream ${kind}`);
  }
}

// RFC 6761: *.localhost always means this machine. Lets the emulator be addressed as
// `<bucket>.ci.<region>.localhost`, so local runs send the same Host shape as production.
const lookup: LookupFunction = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
};

const agents = {
  'http:': new HttpAgent({ keepAlive: true, lookup }),
  'https:': new HttpsAgent({ keepAlive: true, lookup }),
};

/** Where streamed bytes are charged; false means "over budget, stop reading". */
export interface BodyBudget {
  take(bytes: number): boolean;
}

export interface GetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Where a GET goes, already split into what node:http needs. Callers that send many requests to
 * one origin build it once (see `getTarget`), instead of a `new URL` plus Node's own conversion
 * of it on every attempt.
 */
export interface GetTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  path: string;
}

/** `pathname` (with any query) on an origin split by `originParts`. */
export function getTarget(origin: OriginParts, pathname: string): GetTarget {
  return { protocol: origin.protocol, hostname: origin.hostname, port: origin.port, path: pathname };
}

export type OriginParts = Omit<GetTarget, 'path'>;

/** An origin (`scheme://host[:port]`) split once; http(s) only. */
export function originParts(origin: string): OriginParts {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('origin must be http(s)');
  // URL keeps IPv6 hosts bracketed; node:http wants them bare.
  return { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port };
}

export function httpGet(
  to: URL | GetTarget,
  headers: Record<string, string>,
  signal: Cancelable,
  limit: BodyBudget | number,
): Promise<GetResult> {
  // Checked before anything is built: a request whose time is up costs no socket and no listener.
  if (signal.aborted) return Promise.reject(new HttpGetError('timeout'));
  // A plain number is a cap for this one call.
  const budget = typeof limit === 'number' ? capOf(limit) : limit;
  const target = to instanceof URL ? getTarget(originParts(to.origin), `${to.pathname}${to.search}`) : to;
  return new Promise((resolve, reject) => {
    let settled = false;
    // The one listener this GET puts on the signal; removed on every way out (see finish).
    const onAbort = () => finish(new HttpGetError('timeout'));
    const finish = (err: HttpGetError | undefined, result?: GetResult) => {
      if (settled) return;
      settled = true;
      unlisten(signal, onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(result as GetResult);
    };
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        // Stop reading as soon as the budget is spent instead of buffering a hostile body.
        if (!budget.take(chunk.length)) return finish(new HttpGetError('too-large'));
        chunks.push(chunk);
      });
      res.on('end', () => {
        // Most CI answers arrive in one chunk: decoded as it is, without concat's copy.
        const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
        finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', (err) => finish(classify(err, signal)));
      // A body cut short (server closed mid-stream) ends in 'close' without 'end'. Checked first
      // because every response closes, and building an error (its stack) costs more than the check.
      res.on('close', () => {
        if (!settled) finish(new HttpGetError(signal.aborted ? 'timeout' : 'reset'));
      });
    };
    // No redirect is ever followed: node:http does not, and a 3xx is just a status to report.
    // One object literal of one shape for every call (an absent port is `undefined`, which
    // node:http reads as the protocol's default, as it does a missing one).
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port || undefined,
        path: target.path,
        method: 'GET',
        headers,
        agent: agents[target.protocol],
      },
      onResponse,
    );
    listen(signal, onAbort);
    req.on('error', (err) => finish(classify(err, signal)));
    req.end();
  });
}

function capOf(maxBytes: number): BodyBudget {
  let size = 0;
  return { take: (bytes) => (size += bytes) <= maxBytes };
}

function classify(err: unknown, signal: Cancelable): HttpGetError {
  if (signal.aborted) return new HttpGetError('timeout');
  const code = (err as NodeJS.ErrnoException)?.code;
  if ((code && RESET_CODES.has(code)) || /socket hang up/i.test(String((err as Error)?.message))) return new HttpGetError('reset');
  return new HttpGetError('network');
}
