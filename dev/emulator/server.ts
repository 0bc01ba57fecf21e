/**
 * A CI emulator: a real HTTP server answering CI's by-id job-query endpoints (one entry each in
 * families.ts) the way CI does (XML bodies, CI headers, CI error XML), verifying every request's
 * COS signature and token with the keys it was started with. Tests and `npm start` talk to it over loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type EmulatorKeys, verifyCosRequest } from './verify-signature';
import { type StoredJob, key, loadFixtures } from './fixtures';
import { emulatedFamily, familyOfPath } from './families';
import { movingJob } from './moving-jobs';
import { listen } from '../listen';

export interface RecordedRequest {
  method: string;
  host: string;
  bucket: string | undefined;
  region: string | undefined;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A test may make any request misbehave; undefined means "behave like CI". `index` counts the
 * requests this emulator has seen (0-based), so a fault can hit only the first attempts.
 */
export interface Fault {
  status?: number; // answer with CI error XML and this status…
  code?: string; // …and this CI code
  retryAfter?: string; // Retry-After header on that error
  body?: string; // or answer with this raw body (status defaults to 200)
  contentType?: string;
  delayMs?: number; // wait before sending headers
  reset?: boolean; // destroy the connection without answering
  stallBodyMs?: number; // send headers and half a valid body, then stall this long
  truncateConnection?: boolean; // send headers and half a valid body, then drop the connection
  oversizeBytes?: number; // stream a 200 body this large
  clockSkewMs?: number; // the emulator's clock runs this far ahead (verification and Date header)
  headers?: Record<string, string>; // extra or replaced headers on a body or code/status answer
}

export interface EmulatorOptions {
  keys: EmulatorKeys;
  fixturesDir?: string;
  port?: number;
  now?: () => number;
  /** Keep every request in `requests` (tests) or only count them (load runs). Default true. */
  record?: boolean;
}

export interface Emulator {
  port: number;
  /** CI_ENDPOINT template pointing at this emulator. */
  endpoint: string;
  requests: RecordedRequest[];
  requestCount: number;
  jobs: Map<string, StoredJob>;
  fault: ((req: RecordedRequest, index: number) => Fault | undefined) | undefined;
  close(): Promise<void>;
}

const HOST_RE = /^([a-z0-9-]+-[0-9]+)\.ci\.([a-z0-9-]+)\.localhost(?::\d+)?$/;

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const now = options.now ?? (() => Date.now());
  const emulator: Emulator = {
    port: 0,
    endpoint: '',
    requests: [],
    requestCount: 0,
    jobs: loadFixtures(options.fixturesDir),
    fault: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = createServer((req, res) => {
    serve(emulator, options.keys, now, options.record ?? true, req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', 'emulator failure');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await listen(server, options.port ?? 0, '127.0.0.1');
  emulator.port = (server.address() as AddressInfo).port;
  emulator.endpoint = `http://{bucket}.ci.{region}.localhost:${emulator.port}`;
  const close = emulator.close.bind(emulator);
  emulator.close = () => {
    server.closeAllConnections();
    return close();
  };
  return emulator;
}

async function serve(em: Emulator, keys: EmulatorKeys, now: () => number, record: boolean, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const host = String(req.headers.host ?? '');
  const hostMatch = HOST_RE.exec(host);
  const recorded: RecordedRequest = {
    method: req.method ?? 'GET',
    host,
    bucket: hostMatch?.[1],
    region: hostMatch?.[2],
    path: decodeURIComponent(url.pathname),
    headers: req.headers,
  };
  if (record) em.requests.push(recorded);
  const index = em.requestCount++;

  const fault = em.fault?.(recorded, index);
  if (fault && (await misbehave(fault, res))) return;
  const clock = () => now() + (fault?.clockSkewMs ?? 0);

  const verdict = verifyCosRequest(
    { method: recorded.method, pathname: recorded.path, query: Object.fromEntries(url.searchParams), headers: req.headers },
    keys,
    Math.floor(clock() / 1000),
  );
  if (!verdict.ok) return sendError(res, verdict.status, verdict.code, verdict.message, clock());
  if (req.method !== 'GET') return sendError(res, 405, 'MethodNotAllowed', 'only GET is emulated');

  const routed = familyOfPath(recorded.path);
  if (!routed || !routed.idList) return sendError(res, 404, 'InvalidUrl', 'unknown path');
  const { family, idList } = routed;
  const route = emulatedFamily(family);
  const ids = idList.split(',');
  if (ids.length > route.maxIds || ids.some((id) => !id))
    return sendError(res, 400, 'InvalidArgument', `at most ${route.maxIds} job id(s) per request`);

  const found: string[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const job = em.jobs.get(key(family, id)) ?? movingJob(em, family, id, now());
    if (job) found.push(job.fragment);
    else missing.push(id);
  }
  // Families that answer an unknown id with an error do so only for a one-id call (maxIds 1).
  const { unknownId } = route;
  if (missing.length > 0 && unknownId !== 'listed') return sendError(res, unknownId.status, unknownId.code, 'no such id', clock());
  const requestId = newRequestId();
  const requestIdNode = `<RequestId>${requestId}</RequestId>`;
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Response>',
    ...(route.requestIdInBody === 'first' ? [requestIdNode] : []),
    ...found,
    ...missing.map((id) => `<NonExistJobIds>${id}</NonExistJobIds>`),
    ...(route.requestIdInBody === 'last' ? [requestIdNode] : []),
    '</Response>',
  ].join('\n');
  if (fault?.stallBodyMs || fault?.truncateConnection) {
    // Promise the whole body, deliver half, then stall or drop: a server dying mid-response.
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), ...ciHeaders(requestId) });
    res.write(body.slice(0, Math.floor(body.length / 2)));
    if (fault.truncateConnection) return void res.socket?.destroy();
    await new Promise((r) => setTimeout(r, fault.stallBodyMs));
    return void res.socket?.destroy();
  }
  res.writeHead(200, { 'content-type': 'application/xml', ...ciHeaders(requestId, clock()) });
  res.end(body);
}

/** Waits for 'drain' or 'close', and drops both listeners either way: once('close') per pause would pile up. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}

/** Applies the faults that replace the answer; returns true when the request is dealt with. */
async function misbehave(fault: Fault, res: ServerResponse): Promise<boolean> {
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (res.destroyed) return true;
  if (fault.reset) {
    res.socket?.destroy();
    return true;
  }
  if (fault.oversizeBytes) {
    res.writeHead(200, { 'content-type': 'application/xml', ...ciHeaders() });
    const chunk = `<Padding>${'x'.repeat(64 * 1024)}</Padding>`;
    res.write('<Response>');
    for (let sent = 0; sent < fault.oversizeBytes && !res.destroyed; sent += chunk.length) {
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end('</Response>');
    return true;
  }
  if (fault.body !== undefined) {
    res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/xml', ...ciHeaders(), ...fault.headers });
    res.end(fault.body);
    return true;
  }
  if (fault.code || fault.status) {
    sendError(res, fault.status ?? 500, fault.code ?? 'InternalError', 'injected fault', Date.now(), fault.retryAfter, fault.headers);
    return true;
  }
  return false;
}

function newRequestId(): string {
  return randomBytes(18).toString('base64');
}

function ciHeaders(requestId = newRequestId(), nowMs = Date.now()): Record<string, string> {
  return { server: 'tencent-ci', 'x-ci-request-id': requestId, date: new Date(nowMs).toUTCString() };
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  nowMs = Date.now(),
  retryAfter?: string,
  extra?: Record<string, string>,
) {
  const requestId = newRequestId();
  const traceId = randomBytes(24).toString('base64');
  res.writeHead(status, {
    'content-type': 'application/xml',
    ...ciHeaders(requestId, nowMs),
    'x-ci-trace-id': traceId,
    ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    ...extra,
  });
  res.end(
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message}</Message>\n  <RequestId>${requestId}</RequestId>\n  <TraceId>${traceId}</TraceId>\n</Error>`,
  );
}
