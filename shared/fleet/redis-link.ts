/**
 * The instance's connections to Redis, made on first use and kept while the instance is warm (like
 * the keep-alive sockets to CI): one for commands, one subscribed to the notification channel.
 *
 * ioredis is loaded only here, and only when REDIS_URL is set, so an instance without Redis never
 * loads it: the build ships it as a separate file next to the function's bundle.
 *
 * Nothing waits on Redis for long. Commands fail at once while disconnected (no offline queue, no
 * retries), each has REDIS_COMMAND_TIMEOUT_MS, a failure opens the circuit (redis-health.ts), and
 * only the first request of an instance waits for the connection, at most REDIS_CONNECT_TIMEOUT_MS.
 * ioredis reconnects in the background and re-subscribes on its own after a restart.
 */
import { randomUUID } from 'node:crypto';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis-env';
import { emitRemoteStore } from './job-events';
import { RedisHealth, redisErrorReason } from './redis-health';

/** How long Redis is skipped after a failure before one request tries it again. */
const COOLDOWN_MS = 5000;

export class RedisLink {
  readonly health = new RedisHealth(COOLDOWN_MS);
  readonly channel: string;
  /** Tags this instance's announcements, so it does not wake its own waiters twice. */
  private readonly origin = randomUUID();
  private firstConnect: Promise<void> | undefined;

  private constructor(
    readonly config: RedisConfig,
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
  ) {
    this.channel = `${config.keyPrefix}stored`;
  }

  static async open(config: RedisConfig): Promise<RedisLink> {
    const mod = await import('ioredis');
    const Redis = (mod.default ?? mod.Redis) as unknown as new (url: string, options: RedisOptions) => RedisClient;
    const base: RedisOptions = {
      connectTimeout: config.connectTimeoutMs,
      // Reconnect quickly at first, then every 2 s: the circuit keeps requests off it meanwhile.
      retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
      connectionName: 'ci-job-status',
    };
    const client = new Redis(config.url, {
      ...base,
      commandTimeout: config.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // The subscriber only ever SUBSCRIBEs; its command waits for the connection, and ioredis
    // subscribes again by itself after a reconnect.
    const subscriber = new Redis(config.url, { ...base, maxRetriesPerRequest: null, autoResubscribe: true });
    const link = new RedisLink(config, client, subscriber);
    link.wire();
    return link;
  }

  private wire(): void {
    // Without an 'error' listener an unreachable Redis would crash the instance.
    this.client.on('error', (err: unknown) => this.health.failed(redisErrorReason(err)));
    this.client.on('ready', () => this.health.succeeded());
    this.client.on('close', () => {
      if (this.health.current === 'up') this.health.failed('CONNECTION_CLOSED');
    });
    this.subscriber.on('error', () => undefined); // the client's own events already report Redis' state
    // The instance that stored a job has already told its own waiters (cached-query.ts).
    this.subscriber.on('message', (channel: string, message: string) => {
      const space = message.indexOf(' ');
      if (channel === this.channel && space > 0 && message.slice(0, space) !== this.origin) emitRemoteStore(message.slice(space + 1));
    });
    this.subscriber.subscribe(this.channel).catch(() => undefined);
    this.firstConnect = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, this.config.connectTimeoutMs);
      this.client.on('ready', done);
      this.client.on('error', done);
    });
  }

  /** The message announcing that `jobKey` was stored (or its lock given back). */
  announce(jobKey: string): string {
    return `${this.origin} ${jobKey}`;
  }

  /** Whether a command would be sent now (connected and the circuit closed). */
  get usable(): boolean {
    return this.client.status === 'ready' && this.health.allows();
  }

  /**
   * Runs `op` on the command connection, or answers undefined without running it when Redis is
   * not usable now. A failure is recorded (and may open the circuit) but never thrown.
   */
  async run<T>(op: (client: RedisClient) => Promise<T>): Promise<T | undefined> {
    if (this.firstConnect) {
      await this.firstConnect;
      this.firstConnect = undefined;
    }
    if (!this.usable) return undefined;
    try {
      const result = await op(this.client);
      this.health.succeeded();
      return result;
    } catch (err) {
      this.health.failed(redisErrorReason(err));
      return undefined;
    }
  }

  /** Drops both connections at once: QUIT would wait forever on a Redis that is not there. */
  close(): Promise<void> {
    this.client.removeAllListeners('close');
    this.client.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}

// Module scope: one link per warm instance, replaced if the configuration names another Redis.
let current: { key: string; link: Promise<RedisLink> } | undefined;

/** The instance's link for this configuration, opened on first use. */
export function redisLink(config: RedisConfig): Promise<RedisLink> {
  const key = `${config.url}\n${config.keyPrefix}\n${config.connectTimeoutMs}\n${config.commandTimeoutMs}`;
  if (current?.key === key) return current.link;
  const previous = current;
  current = { key, link: RedisLink.open(config) };
  if (previous)
    void previous.link.then(
      (link) => link.close(),
      () => undefined,
    );
  return current.link;
}

/** Closes the instance's Redis connections (local tools and tests, so their process can exit). */
export async function closeRedisLink(): Promise<void> {
  const previous = current;
  current = undefined;
  if (previous)
    await previous.link.then(
      (link) => link.close(),
      () => undefined,
    );
}
