/**
 * One structured JSON line per request. Callers pass only fields chosen for logging; nothing
 * here ever receives a credential, a signed header or a request body.
 */
export interface RequestLog {
  level: 'info' | 'warn' | 'error';
  requestId: string;
  scfRequestId?: string;
  route: string;
  method: string;
  status: number;
  outcome: string; // 'ok', or the error code answered
  type?: string;
  ids?: number;
  upstreamStatus?: number;
  attempts?: number;
  ciRequestIds?: string[];
  /** Schema drift in a 200 answer (the line is then a warn): the count, Tags and paths, no values. */
  schemaErrors?: number;
  driftTags?: string[];
  driftPaths?: string[];
  durationMs: number;
}

export function logRequest(entry: RequestLog): void {
  // One flat literal in the line's field order, no spread copy of the entry: absent fields are
  // undefined, which JSON.stringify leaves out, so the line is the same as the entry's own keys.
  const line: Record<keyof RequestLog | 'time' | 'msg', unknown> = {
    time: new Date().toISOString(),
    msg: 'request',
    level: entry.level,
    requestId: entry.requestId,
    scfRequestId: entry.scfRequestId,
    route: entry.route,
    method: entry.method,
    status: entry.status,
    outcome: entry.outcome,
    type: entry.type,
    ids: entry.ids,
    upstreamStatus: entry.upstreamStatus,
    attempts: entry.attempts,
    ciRequestIds: entry.ciRequestIds,
    schemaErrors: entry.schemaErrors,
    driftTags: entry.driftTags,
    driftPaths: entry.driftPaths,
    durationMs: entry.durationMs,
  };
  console.log(JSON.stringify(line));
}

/** The close of a Server-Sent Events stream; the request line was logged when its headers went out. */
export interface StreamEndLog {
  requestId: string;
  outcome: 'terminal' | 'timeout' | 'gone' | 'failure';
  events: number;
  heartbeats: number;
  durationMs: number;
}

export function logStreamEnd(entry: StreamEndLog): void {
  console.log(
    JSON.stringify({ time: new Date().toISOString(), level: entry.outcome === 'failure' ? 'warn' : 'info', msg: 'stream-end', ...entry }),
  );
}

/**
 * One structured line for something an operator should know about beyond the request line (a
 * hostile or odd CI answer). Fields are counts and fixed words chosen by the caller, never
 * upstream text: whatever CI sent may be hostile.
 */
export function logEvent(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, string | number | boolean> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}
