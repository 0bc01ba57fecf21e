/**
 * SHA-1 of a string, for the request signature and the ETag. Node's one-shot `crypto.hash`
 * (20.12+) skips the Hash object `createHash` builds per call; older 20.x runtimes get that instead.
 */
import * as crypto from 'node:crypto';

type Encoding = 'hex' | 'base64url';
type OneShot = (algorithm: string, data: string, encoding: Encoding) => string;

const oneShot = (crypto as { hash?: OneShot }).hash;

export function sha1(data: string, encoding: Encoding): string {
  return oneShot ? oneShot('sha1', data, encoding) : crypto.createHash('sha1').update(data).digest(encoding);
}
