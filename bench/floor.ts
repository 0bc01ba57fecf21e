/**
 * The physical floor: one signed GET to the emulator and the body read into a string, with
 * nothing else (no routing, parsing, validation or JSON). What the function adds is its latency
 * minus this. Same transport as the function (node:http, keep-alive), to the same host name.
 */
import http from 'node:http';
import { cosAuthorization, keyTimeAround } from '../shared/signing/cos-signature';
import { BENCH_BUCKET, BENCH_KEYS, BENCH_REGION } from './keys';

const agent = new http.Agent({ keepAlive: true });

export function ciHost(port: number): string {
  return `${BENCH_BUCKET}.ci.${BENCH_REGION}.localhost:${port}`;
}

export function signedHeaders(port: number, pathname: string, nowMs = Date.now()): Record<string, string> {
  const signed = { host: ciHost(port), 'x-ci-security-token': BENCH_KEYS.sessionToken };
  return { ...signed, authorization: cosAuthorization({ method: 'GET', pathname, headers: signed }, BENCH_KEYS, keyTimeAround(nowMs)) };
}

export function bareGet(port: number, pathname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: `${BENCH_BUCKET}.ci.${BENCH_REGION}.localhost`, port, path: pathname, headers: signedHeaders(port, pathname), agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
