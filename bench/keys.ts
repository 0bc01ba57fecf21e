/** Throwaway keys shared by the bench's emulator and every client it measures. */
export const BENCH_KEYS = {
  secretId: 'AKIDBENCH000000000001',
  secretKey: 'bench-secret-key-not-real',
  sessionToken: 'bench-session-token',
};
export const BENCH_BUCKET = 'examplebucket-1250000000';
export const BENCH_REGION = 'ap-guangzhou';

/**
 * The environment SCF would give either function, pointed at the emulator. `off` measures the full
 * path on every request; `on` shows what a warm poll costs; `default` leaves the cache settings
 * as deployed (the memory row).
 */
export function functionEnv(endpoint: string, cache: 'on' | 'off' | 'default'): Record<string, string> {
  return {
    CI_ENDPOINT: endpoint,
    CI_BUCKET: BENCH_BUCKET,
    CI_REGION: BENCH_REGION,
    TENCENTCLOUD_SECRETID: BENCH_KEYS.secretId,
    TENCENTCLOUD_SECRETKEY: BENCH_KEYS.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: BENCH_KEYS.sessionToken,
    ...(cache === 'default'
      ? {}
      : { CACHE_TERMINAL_TTL_S: cache === 'on' ? '300' : '0', CACHE_ACTIVE_TTL_MS: cache === 'on' ? '1000' : '0' }),
  };
}

/** A Function URL event for GET /jobs/{family}/{ids}, as the local server would build it. */
export function getEvent(jobIds: string, family = 'media') {
  return {
    httpMethod: 'GET',
    path: `/jobs/${family}/${jobIds}`,
    headers: { host: 'bench.local' },
    queryString: {},
    body: '',
    isBase64Encoded: false,
  };
}
