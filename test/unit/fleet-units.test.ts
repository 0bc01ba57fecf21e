/**
 * The small parts of the fleet support on their own: REDIS_* settings, the circuit breaker's
 * one-line-per-change log, and pollUntilChange ending a pause when a looked-up job is stored.
 */
import { readRedisConfig } from '../../shared/config/redis-env';
import { collectLookups, emitJobStored, recordLookups, watchedKeyCount } from '../../shared/fleet/job-events';
import { RedisHealth, redisErrorReason } from '../../shared/fleet/redis-health';
import { pollUntilChange } from '../../shared/long-poll/poll-until-change';

describe('REDIS_* settings', () => {
  test('no REDIS_URL means no Redis', () => {
    expect(readRedisConfig({})).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: '  ' })).toBeUndefined();
  });

  test('defaults, and redis:// or rediss:// with a password', () => {
    expect(readRedisConfig({ REDIS_URL: 'rediss://:s3cret@10.0.0.12:6379' })).toEqual({
      url: 'rediss://:s3cret@10.0.0.12:6379',
      keyPrefix: 'ci-job-status:',
      connectTimeoutMs: 500,
      commandTimeoutMs: 250,
      lockTtlMs: 3000,
    });
    expect(readRedisConfig({ REDIS_URL: 'redis://10.0.0.12', REDIS_KEY_PREFIX: 'prod:', REDIS_LOCK_TTL_MS: '1000' })).toMatchObject({
      keyPrefix: 'prod:',
      lockTtlMs: 1000,
    });
  });

  test('a bad value is ServerMisconfigured naming the variable, never showing the password', () => {
    for (const [env, name] of [
      [{ REDIS_URL: 'http://:pw-visible@host' }, 'REDIS_URL'],
      [{ REDIS_URL: 'not a url pw-visible' }, 'REDIS_URL'],
      [{ REDIS_URL: 'redis://h', REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
      [{ REDIS_URL: 'redis://h', REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS'],
      [{ REDIS_URL: 'redis://h', REDIS_LOCK_TTL_MS: 'soon' }, 'REDIS_LOCK_TTL_MS'],
    ] as const) {
      let caught: unknown;
      try {
        readRedisConfig(env);
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ status: 500, code: 'ServerMisconfigured' });
      expect((caught as Error).message).toContain(name);
      expect((caught as Error).message).not.toContain('pw-visible');
    }
  });
});

describe('RedisHealth', () => {
  test('opens for the cooldown after a failure, and logs once per change', () => {
    let t = 0;
    const lines: string[] = [];
    const health = new RedisHealth(
      5000,
      () => t,
      (l) => lines.push(l),
    );
    expect(health.allows()).toBe(true);
    health.succeeded();
    health.failed('ECONNREFUSED');
    health.failed('ECONNREFUSED');
    health.failed('TIMEOUT');
    expect(health.allows()).toBe(false);
    t = 4999;
    expect(health.allows()).toBe(false);
    t = 5000;
    expect(health.allows()).toBe(true);
    health.succeeded();
    health.succeeded();
    expect(lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).map((l) => [l.msg, l.reason])).toEqual([
      ['redis up', undefined],
      ['redis down', 'ECONNREFUSED'],
      ['redis up', undefined],
    ]);
  });

  test('an error is named by its code or Redis error class, never its text', () => {
    expect(redisErrorReason(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(redisErrorReason(new Error('WRONGPASS invalid username-password pair'))).toBe('WRONGPASS');
    expect(redisErrorReason(new Error('Command timed out'))).toBe('TIMEOUT');
    expect(redisErrorReason(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe('NOT_CONNECTED');
    expect(redisErrorReason('weird')).toBe('ERROR');
  });
});

describe('pollUntilChange wake-ups', () => {
  test('a store of a looked-up key ends the pause at once; other keys do not', async () => {
    let progress = 10;
    const sleeps: number[] = [];
    let fetches = 0;
    const poll = pollUntilChange({
      fetch: async () => {
        fetches += 1;
        recordLookups(['media/b/r/job1']);
        return progress;
      },
      fingerprint: (v) => String(v),
      isSettled: () => false,
      stopAt: Date.now() + 60_000,
      fetchTimeoutMs: 5000,
      backoff: { firstMs: 30_000, factor: 1, maxMs: 30_000 },
      minFetchBudgetMs: 0,
      // A pause that never ends by itself: only a wake-up can end it.
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise<void>(() => undefined);
      },
    });
    while (sleeps.length === 0) await new Promise((r) => setImmediate(r));
    emitJobStored('media/b/r/other');
    await new Promise((r) => setImmediate(r));
    expect(fetches).toBe(1);
    progress = 20;
    emitJobStored('media/b/r/job1');
    await expect(poll).resolves.toEqual({ value: 20, outcome: 'changed', fetches: 2 });
    expect(watchedKeyCount()).toBe(0);
  });

  test('wakeOnStore: false keeps the old behaviour', async () => {
    const sleeps: number[] = [];
    let t = 0;
    const result = await pollUntilChange({
      fetch: async () => {
        recordLookups(['media/b/r/job2']);
        emitJobStored('media/b/r/job2');
        return 1;
      },
      fingerprint: String,
      isSettled: () => false,
      stopAt: 2000,
      fetchTimeoutMs: 5000,
      backoff: { firstMs: 500, factor: 2, maxMs: 3000 },
      minFetchBudgetMs: 0,
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      wakeOnStore: false,
    });
    expect(result.outcome).toBe('timeout');
    expect(sleeps).toEqual([500, 1000, 500]);
  });

  test('lookups outside collectLookups are not recorded anywhere', async () => {
    const into = new Set<string>();
    recordLookups(['x']);
    await collectLookups(into, async () => recordLookups(['y']));
    expect([...into]).toEqual(['y']);
  });
});
