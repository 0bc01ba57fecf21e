/**
 * SHA-1 of a string, for the request signature and the ETag. Node's one-shot `crypto.hash`
 * (20.12+) skips the Hash object `createHash` builds per call; older 20.x runtimes get that instead.
 */
// Named imports: a namespace import makes the bundle copy every export of node:crypto at load.
import { createHash, hash } from 'node:crypto';

type Encoding = 'hex' | 'base64url';
type OneShot = (algorithm: string, data: string, encoding: Encoding) => string;

const oneShot = hash as OneShot | undefined;

export function sha1(data: string, encoding: Encoding): string {
  return oneShot ? oneShot('sha1', data, encoding) : createHash('sha1').update(data).digest(encoding);
}
