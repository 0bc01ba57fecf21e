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
  durationMs: number;
}

export function logRequest(entry: RequestLog): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: 'request', ...entry }));
}

/**
 * One structured line for something an operator should know about beyond the request line (a
 * hostile or odd CI answer). Fields are counts and fixed words chosen by the caller, never
 * upstream text: whatever CI sent may be hostile.
 */
export function logEvent(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, string | number | boolean> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}
