/**
 * readConfig parses the environment again only when one of CONFIG_VARIABLES changed
 * (shared/config/env.ts). That is only correct if the list names every variable the parse reads,
 * and if a change, or a setting made invalid, is seen on the very next read.
 */
import { CONFIG_VARIABLES, readConfig } from '../../shared/config/env';
import type { Env } from '../../shared/config/read-env';

const BASE: Env = { CI_BUCKET: 'examplebucket-1250000000', CI_REGION: 'ap-guangzhou' };
const JWT: Env = { AUTH_MODE: 'jwt', JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'https://issuer', JWT_AUDIENCE: 'app' };

/** Every name readConfig reads from `env`, on a call that parses (the call before saw other values). */
function namesRead(env: Env): Set<string> {
  const read = new Set<string>();
  const spy = new Proxy(
    { ...env },
    {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    },
  );
  readConfig({ ...BASE, ...env, CACHE_MAX_ENTRIES: String(1000 + Math.floor(Math.random() * 1000)) });
  readConfig(spy);
  return read;
}

describe('readConfig parses again when, and only when, a setting changed', () => {
  it('lists every variable the parse reads, whatever the auth mode', () => {
    for (const extra of [
      {},
      { AUTH_MODE: 'apikey', API_KEY_SHA256: 'a'.repeat(64) },
      JWT,
      { ...JWT, JWT_SECRET: undefined, JWT_JWKS_URL: 'https://idp/keys' },
    ]) {
      const read = namesRead({ ...BASE, ...extra, JWT_CLOCK_TOLERANCE_S: '45', ALLOWED_ORIGINS: 'https://a.example' });
      const unlisted = [...read].filter((name) => !(CONFIG_VARIABLES as readonly string[]).includes(name));
      expect(unlisted).toEqual([]);
      expect(read.size).toBeGreaterThan(10); // the spy saw the parse, not only the list
    }
  });

  it('returns the same parsed config while nothing changed, and a new one after a change', () => {
    const env: Env = { ...BASE, SCHEMA_MODE: 'report' };
    const first = readConfig(env);
    expect(readConfig({ ...env })).toBe(first);
    env.SCHEMA_MODE = 'strict';
    const second = readConfig(env);
    expect(second).not.toBe(first);
    expect(second.schemaMode).toBe('strict');
    env.UPSTREAM_TIMEOUT_MS = '1234';
    expect(readConfig(env).upstreamTimeoutMs).toBe(1234);
  });

  it('fails every read while a setting is invalid, and recovers once it is fixed', () => {
    const env: Env = { ...BASE, CACHE_MAX_ENTRIES: '7' };
    expect(readConfig(env).cache.maxEntries).toBe(7);
    env.SCHEMA_MODE = 'sometimes';
    expect(() => readConfig(env)).toThrow(/SCHEMA_MODE/);
    expect(() => readConfig(env)).toThrow(/SCHEMA_MODE/);
    env.SCHEMA_MODE = undefined;
    expect(readConfig(env).cache.maxEntries).toBe(7);
  });
});
