/**
 * The physical floor: one signed GET to the emulator and the body read into a string, with
 * nothing else (no routing, parsing, validation or JSON). What the function adds is its cost
 * minus this. Same transport as the function and the same Node modules loaded (node:http and
 * node:https with keep-alive agents, node:dns behind the same *.localhost lookup, node:crypto for
 * the signature), to the same host name, so cold starts compare like with like.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { FAMILIES } from '../shared/ci/families';
import { cosAuthorization, keyTimeAround } from '../shared/signing/cos-signature';
import { BENCH_BUCKET, BENCH_KEYS, BENCH_REGION } from './keys';

// As shared/ci/http-get.ts resolves *.localhost (Node asks for `all` addresses when it races families).
const lookup: LookupFunction = (hostname, options, callback) => {
  if (hostname.endsWith('.localhost')) {
    if (options.all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dns.lookup(hostname, options, callback as never);
};
const agents = { http: new http.Agent({ keepAlive: true, lookup }), https: new https.Agent({ keepAlive: true, lookup }) };

/** The CI query path of each family, as the function maps them. */
export const CI_PATHS: Record<string, string> = Object.fromEntries(Object.entries(FAMILIES).map(([family, { path }]) => [family, path]));

export function ciHost(port: number): string {
  return `${BENCH_BUCKET}.ci.${BENCH_REGION}.localhost:${port}`;
}

export function signedHeaders(port: number, pathname: string, nowMs = Date.now()): Record<string, string> {
  const signed = { host: ciHost(port), 'x-ci-security-token': BENCH_KEYS.sessionToken };
  return { ...signed, authorization: cosAuthorization({ method: 'GET', pathname, headers: signed }, BENCH_KEYS, keyTimeAround(nowMs)) };
}

export function bareGet(port: number, pathname: string, retried = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: `${BENCH_BUCKET}.ci.${BENCH_REGION}.localhost`,
        port,
        path: pathname,
        headers: signedHeaders(port, pathname),
        agent: agents.http,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    // A kept-alive socket the server closed just as it was reused: retried once, as the function
    // (and Node's documentation) do, so the floor is not charged with errors the others recover from.
    req.on('error', (err) => {
      if (req.reusedSocket && !retried) bareGet(port, pathname, true).then(resolve, reject);
      else reject(err);
    });
    req.end();
  });
}
