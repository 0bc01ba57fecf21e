/**
 * Whether Redis is worth asking right now: a circuit breaker plus the one log line per change.
 *
 * A command that fails or times out opens the circuit for a cooldown, during which every request
 * skips Redis at no cost (first-level cache and direct CI calls, as without Redis). After the
 * cooldown one request tries again; success closes the circuit. The log says "redis down" and
 * "redis up" once each time the state flips, never once per request, and names only an error code.
 */
export type RedisState = 'unknown' | 'up' | 'down';

export class RedisHealth {
  private state: RedisState = 'unknown';
  private openUntil = 0;

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
    private readonly log: (line: string) => void = (line) => console.log(line),
  ) {}

  get current(): RedisState {
    return this.state;
  }

  /** False while the circuit is open; true again once the cooldown is over. */
  allows(): boolean {
    return this.now() >= this.openUntil;
  }

  succeeded(): void {
    this.openUntil = 0;
    this.change('up', undefined);
  }

  failed(reason: string): void {
    this.openUntil = this.now() + this.cooldownMs;
    this.change('down', reason);
  }

  private change(next: RedisState, reason: string | undefined): void {
    if (next === this.state) return;
    this.state = next;
    const level = next === 'down' ? 'warn' : 'info';
    this.log(JSON.stringify({ time: new Date(this.now()).toISOString(), level, msg: `redis ${next}`, ...(reason ? { reason } : {}) }));
  }
}

/** A short, safe name for a Redis error: its code or class, never its text (which may echo input). */
export function redisErrorReason(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)) return code;
    const message = (err as { message?: unknown }).message;
    // ioredis reports its own timeouts and closed connections with fixed texts.
    if (typeof message === 'string') {
      if (/timed? ?out/i.test(message)) return 'TIMEOUT';
      if (/writeable|closed|connection/i.test(message)) return 'NOT_CONNECTED';
      const word = /^([A-Z]{3,20})\b/.exec(message);
      if (word) return word[1] as string; // Redis' own error class: NOAUTH, WRONGPASS, OOM, READONLY…
    }
    if (err instanceof Error && /^[A-Za-z]{1,40}$/.test(err.name)) return err.name;
  }
  return 'ERROR';
}
