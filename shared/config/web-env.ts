/**
 * Settings of web mode (the SCF Web function) and its Server-Sent Events, kept apart from env.ts like
 * the cache settings. Read per request like the rest of the configuration; an invalid value is a 500
 * ServerMisconfigured that names the variable.
 */
import { type Env, integerFrom } from './read-env';

/** serverless.yml gives the event function 10 s; the same when FUNCTION_TIMEOUT_S is unset. */
export const DEFAULT_FUNCTION_TIMEOUT_S = 10;
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The function's execution timeout, in ms. A Web function gets no SCF context (no
 * getRemainingTimeInMillis), and Tencent documents no environment variable carrying the timeout, so
 * the deployment states it: FUNCTION_TIMEOUT_S must equal the function's configured timeout.
 */
export function readFunctionTimeoutMs(env: Env = process.env): number {
  return integerFrom(env, 'FUNCTION_TIMEOUT_S', DEFAULT_FUNCTION_TIMEOUT_S, 1, 86_400) * 1000;
}

/** Longest silence on an event stream before a comment line goes out, in ms. */
export function readHeartbeatMs(env: Env = process.env): number {
  return integerFrom(env, 'SSE_HEARTBEAT_MS', DEFAULT_HEARTBEAT_MS, 100, 120_000);
}
