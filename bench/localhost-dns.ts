/**
 * Preloaded into every bench process (`--require`): `*.localhost` resolves to 127.0.0.1 (RFC
 * 6761), which not every resolver does. So the SDK reference and the floor reach the emulator by
 * the same CI-shaped host name as the function does (its own lookup does the same), and all of
 * them pay what connecting by name costs, as they would in production.
 */
import dns from 'node:dns';

type Lookup = typeof dns.lookup;
const original: Lookup = dns.lookup;

const patched = ((hostname: string, options: unknown, callback?: unknown) => {
  const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  if (hostname !== 'localhost' && !hostname.endsWith('.localhost'))
    return (original as (...a: unknown[]) => void)(hostname, options, callback);
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
}) as unknown as Lookup;

dns.lookup = patched;
