/**
 * A Server-Sent Events parser for text fed in arbitrary chunks, following the WHATWG HTML
 * "event stream interpretation" rules: lines end in CRLF, LF or CR; `:` starts a comment; a blank
 * line dispatches; `data` lines join with LF; `id` persists until changed; `retry` takes digits only.
 * Written here rather than imported so the client keeps no runtime dependency; EventSource itself
 * cannot send an Authorization header, which is why the client reads the stream with fetch.
 */
export interface ServerSentEvent {
  /** `message` unless the frame named another type. */
  event: string;
  data: string;
  /** The last event id seen so far in the stream (what EventSource sends back as Last-Event-ID). */
  id: string | undefined;
}

export interface SseParser {
  /** Feed decoded text; complete events are passed to onEvent as they finish. */
  feed(text: string): void;
}

export function createSseParser(onEvent: (event: ServerSentEvent) => void, onRetry?: (ms: number) => void): SseParser {
  let pending = '';
  let first = true;
  let data: string[] = [];
  let type = '';
  let lastId: string | undefined;

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: type || 'message', data: data.join('\n'), id: lastId });
      data = [];
      type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value));
  };

  return {
    feed(text: string) {
      pending += text;
      if (first && pending.length > 0) {
        if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
        first = false;
      }
      let start = 0;
      for (let i = 0; i < pending.length; i++) {
        const c = pending[i];
        if (c !== '\n' && c !== '\r') continue;
        // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
        if (c === '\r' && i === pending.length - 1) break;
        line(pending.slice(start, i));
        if (c === '\r' && pending[i + 1] === '\n') i++;
        start = i + 1;
      }
      pending = pending.slice(start);
    },
  };
}
