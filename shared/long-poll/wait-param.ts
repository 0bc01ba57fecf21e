import { badRequest } from '../http/errors';

/** Longest `?wait=` accepted: a few calls a minute per waiting client, and under the 30 s idle timeout common proxies use. */
export const MAX_WAIT_SECONDS = 25;

export function parseWaitSeconds(raw: string): number {
  const seconds = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds <= MAX_WAIT_SECONDS)) throw badRequest('InvalidWait', `wait is a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
  return seconds;
}
