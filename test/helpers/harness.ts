/**
 * End-to-end harness: the built bundle's main_handler, a real CI emulator on loopback, and the
 * environment SCF would give the function. Each test file gets its own emulator.
 */
import { resolve } from 'node:path';
import { type Emulator, startEmulator } from '../../dev/emulator/server';
import type { ScfHttpResult } from '../../shared/scf/event';

export const TEST_KEYS = { secretId: 'AKIDtestonly0001', secretKey: 'test-secret-key-do-not-use', sessionToken: 'test-session-token-0001' };
export const BUCKET = 'examplebucket-1250000000';
export const REGION = 'ap-guangzhou';

type Handler = (event: unknown, context?: unknown) => Promise<ScfHttpResult>;

export function loadBundle(): Handler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(resolve(__dirname, '../../dist/job-status/index.js')) as { main_handler: Handler }).main_handler;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

/** The settings SCF would give the function to reach the test emulator at `endpoint`. */
export function ciEnv(endpoint: string) {
  return {
    CI_ENDPOINT: endpoint,
    CI_BUCKET: BUCKET,
    CI_REGION: REGION,
    TENCENTCLOUD_SECRETID: TEST_KEYS.secretId,
    TENCENTCLOUD_SECRETKEY: TEST_KEYS.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: TEST_KEYS.sessionToken,
  };
}

export async function startHarness(emulatorKeys: { secretId: string; secretKey: string; sessionToken?: string } = TEST_KEYS) {
  const emulator = await startEmulator({ keys: emulatorKeys });
  let handler = loadBundle();
  const baseEnv = {
    ...ciEnv(emulator.endpoint),
    ALLOWED_ORIGINS: 'https://app.example.com',
    // The suites that test the upstream path need every request to reach CI; the cache suite
    // turns these back on (undefined = the defaults).
    CACHE_TERMINAL_TTL_S: '0',
    CACHE_ACTIVE_TTL_MS: '0',
    CACHE_MISSING_TTL_MS: '0',
  };
  const managed = [
    ...Object.keys(baseEnv),
    ...['ALLOWED_BUCKETS', 'ALLOWED_REGIONS', 'SCHEMA_MODE', 'UPSTREAM_TIMEOUT_MS', 'TENCENTCLOUD_REGION', 'AUTH_MODE', 'API_KEY_SHA256'],
    ...['JWT_SECRET', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_CLOCK_TOLERANCE_S'],
    'CACHE_MAX_ENTRIES',
    ...['CALLBACK_TOKEN', 'WEBHOOK_URLS', 'WEBHOOK_SECRET'],
    ...['REDIS_URL', 'REDIS_KEY_PREFIX', 'REDIS_CONNECT_TIMEOUT_MS', 'REDIS_COMMAND_TIMEOUT_MS', 'REDIS_LOCK_TTL_MS'],
  ];
  const setEnv = (overrides: Record<string, string | undefined> = {}) => {
    for (const name of managed) delete process.env[name];
    for (const [k, v] of Object.entries({ ...baseEnv, ...overrides })) if (v !== undefined) process.env[k] = v;
  };
  setEnv();

  // Every answer, kept for the secret scan (test/helpers/secret-scan.ts).
  const answers: string[] = [];
  const call = async (event: unknown, context: unknown = { request_id: 'scf-req-1' }): Promise<Answer> => {
    const res = await handler(event, context);
    answers.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
    let json: unknown;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: res.body, json };
  };

  /** A new SCF instance: the bundle loaded afresh, so module state (cache, sockets) starts empty. */
  const newInstance = () =>
    jest.isolateModules(() => {
      handler = loadBundle();
    });

  return {
    emulator,
    call,
    answers,
    setEnv,
    newInstance,
    close: () => emulator.close(),
  } satisfies { emulator: Emulator; [k: string]: unknown };
}
