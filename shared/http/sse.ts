/**
 * Server-Sent Events framing (WHATWG HTML §9.2): what goes on the wire, and nothing else. A frame
 * ends with a blank line; a data value with line breaks is split over several `data:` lines so no
 * payload can end a frame early or inject a field.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  // Proxies that buffer (nginx and friends) would hold events back until the stream ends.
  'x-accel-buffering': 'no',
};

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;
// id and event are ours, but a stray line break there would still split the frame: refuse it.
const FIELD_VALUE = /^[^\r\n\0]*$/;

export function sseEvent({ id, event, data }: SseEvent): string {
  let frame = '';
  if (event !== undefined) frame += `event: ${checked(event)}\n`;
  if (id !== undefined) frame += `id: ${checked(id)}\n`;
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line: ignored by clients, but it keeps proxies and load balancers from timing the stream out. */
export function sseComment(text: string): string {
  return `: ${text.split(LINE_BREAK).join(' ')}\n\n`;
}

/** How long (ms) an EventSource waits before it reconnects once the stream ends. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

function checked(value: string): string {
  if (!FIELD_VALUE.test(value)) throw new Error('SSE field values cannot hold line breaks');
  return value;
}
