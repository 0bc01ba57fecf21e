/** Server-Sent Events framing: what the events route puts on the wire. */
import { sseComment, sseEvent, sseRetry } from '../../shared/http/sse';

test('an event: optional name and id, then one data line per line of the payload, then a blank line', () => {
  expect(sseEvent({ data: '{"a":1}' })).toBe('data: {"a":1}\n\n');
  expect(sseEvent({ id: 'abc', event: 'end', data: 'x' })).toBe('event: end\nid: abc\ndata: x\n\n');
  // A payload cannot end the frame early or smuggle in a field.
  expect(sseEvent({ data: 'one\n\nid: forged\r\ntwo' })).toBe('data: one\ndata: \ndata: id: forged\ndata: two\n\n');
});

test('ids and event names with line breaks are refused', () => {
  expect(() => sseEvent({ id: 'a\nb', data: '' })).toThrow('line breaks');
  expect(() => sseEvent({ event: 'x\r', data: '' })).toThrow('line breaks');
});

test('comments stay on one line; retry is whole milliseconds', () => {
  expect(sseComment('keep-alive')).toBe(': keep-alive\n\n');
  expect(sseComment('a\nb')).toBe(': a b\n\n');
  expect(sseRetry(1000.4)).toBe('retry: 1000\n\n');
});
