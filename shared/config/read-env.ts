/** How every setting is read from the environment: one rule for integers, one message when it is wrong. */
import { serverMisconfigured } from '../http/errors';

export type Env = Record<string, string | undefined>;

/** `name` as a whole number from `min` to `max`; `fallback` when unset or blank; else a 500 naming it. */
export function integerFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw serverMisconfigured(`${name} must be an integer from ${min} to ${max}`);
  return value;
}
