/**
 * API keys for webhook-style callers. Only SHA-256 hashes of the keys live in the environment
 * (API_KEY_SHA256), so a leaked configuration does not leak a usable key; the presented key is
 * hashed and compared with every configured hash in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function parseKeyHashes(raw: string | undefined): Buffer[] | undefined {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.some((h) => !HEX_SHA256.test(h))) return undefined;
  return items.map((h) => Buffer.from(h, 'hex'));
}

export function apiKeyMatches(presented: string, hashes: readonly Buffer[]): boolean {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let match = false;
  // No early exit: the time taken must not tell which (or whether an earlier) hash matched.
  for (const hash of hashes) match = timingSafeEqual(digest, hash) || match;
  return match;
}
