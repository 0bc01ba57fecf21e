/**
 * Settings of the optional shared cache on Redis. Without REDIS_URL there is none and nothing
 * about the function changes. Read per invocation like the rest; an invalid value is a 500
 * ServerMisconfigured that names the variable and never shows its value (the URL holds a password).
 */
import { serverMisconfigured } from '../http/errors';
import { type Env, integerFrom } from './read-env';

export interface RedisConfig {
  /** redis://[user:password@]host[:port][/db] or rediss:// for TLS. */
  url: string;
  /** Put before every key and the notification channel, so several deployments can share one Redis. */
  keyPrefix: string;
  /** Longest wait for a connection; a request never waits for Redis longer than this once. */
  connectTimeoutMs: number;
  /** Longest wait for one Redis command before the request goes on without Redis. */
  commandTimeoutMs: number;
  /** How long a fetch lock lives: the most a crashed fetcher can hold other instances up. */
  lockTtlMs: number;
}

const PREFIX_RE = /^[A-Za-z0-9:_.-]{0,64}$/;

export function readRedisConfig(env: Env = process.env): RedisConfig | undefined {
  const url = env.REDIS_URL?.trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw serverMisconfigured('REDIS_URL is not a URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw serverMisconfigured('REDIS_URL must start with redis:// or rediss://');
  if (!parsed.hostname) throw serverMisconfigured('REDIS_URL names no host');
  const keyPrefix = env.REDIS_KEY_PREFIX?.trim() ?? 'ci-job-status:';
  if (!PREFIX_RE.test(keyPrefix)) throw serverMisconfigured('REDIS_KEY_PREFIX must be at most 64 of A-Z a-z 0-9 : _ . -');
  return {
    url,
    keyPrefix: keyPrefix || 'ci-job-status:',
    connectTimeoutMs: integerFrom(env, 'REDIS_CONNECT_TIMEOUT_MS', 500, 50, 10_000),
    commandTimeoutMs: integerFrom(env, 'REDIS_COMMAND_TIMEOUT_MS', 250, 20, 5_000),
    lockTtlMs: integerFrom(env, 'REDIS_LOCK_TTL_MS', 3000, 100, 60_000),
  };
}
