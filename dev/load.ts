/**
 * `npm run load`: autocannon drives the local server (the built bundle behind an SCF-event
 * adapter) on loopback against the CI emulator, then prints throughput, latency percentiles,
 * non-2xx count and RSS. Exits non-zero on any error or non-2xx answer.
 *   npm run load -- --requests 20000 --connections 100
 */
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { startEmulator } from './emulator/server';
import { type MainHandler, startLocalServer } from './local-server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main() {
  const requests = arg('requests', 20_000);
  const connections = arg('connections', 100);
  const keys = { secretId: 'AKIDloadtest0001', secretKey: 'load-test-secret', sessionToken: 'load-test-token' };
  const emulator = await startEmulator({ keys, record: false });
  Object.assign(process.env, {
    CI_ENDPOINT: emulator.endpoint,
    CI_BUCKET: 'examplebucket-1250000000',
    CI_REGION: 'ap-guangzhou',
    TENCENTCLOUD_SECRETID: keys.secretId,
    TENCENTCLOUD_SECRETKEY: keys.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: keys.sessionToken,
  });
  // The function logs one line per request; count them instead of flooding the terminal.
  let logLines = 0;
  console.log = () => void (logLines += 1);
  const report = (line: string) => process.stdout.write(`${line}\n`);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main_handler } = require(resolve('dist/job-status/index.js')) as { main_handler: MainHandler };
  const { server, url } = await startLocalServer(main_handler);

  const media = [...emulator.jobs.values()].filter((j) => j.family === 'media').map((j) => j.jobId);
  const ai = [...emulator.jobs.values()].filter((j) => j.family === 'ai').map((j) => j.jobId);
  const paths = [
    `/jobs/media/${media[0]}`,
    `/jobs/media/${media.slice(0, 5).join(',')}`,
    `/jobs/ai/${ai[0]}`,
    `/jobs/media/${media[1]},jmissing`,
  ];
  const post = JSON.stringify({ type: 'media', jobIds: media.slice(0, 12) });

  const rssBefore = process.memoryUsage().rss;
  const result = await autocannon({
    url,
    connections,
    amount: requests,
    requests: [
      ...paths.map((path) => ({ method: 'GET' as const, path })),
      { method: 'POST' as const, path: '/jobs/query', headers: { 'content-type': 'application/json' }, body: post },
    ],
  });
  const rssAfter = process.memoryUsage().rss;
  server.close();
  server.closeAllConnections();
  await emulator.close();

  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    `load: ${result.requests.total} requests, ${connections} connections, ${paths.length + 1} request shapes, ${result.duration.toFixed(1)} s`,
    `  requests/s   mean ${result.requests.average.toFixed(0)}  (p50 ${result.requests.p50}, min ${result.requests.min})`,
    `  latency ms   p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`,
    `  non-2xx      ${result.non2xx}   errors ${result.errors}   timeouts ${result.timeouts}`,
    `  upstream     ${emulator.requestCount} emulator requests, ${logLines} log lines`,
    `  RSS          ${mb(rssBefore)} before, ${mb(rssAfter)} after`,
  ];
  report(lines.join('\n'));
  const ok = result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.requests.total >= requests;
  report(ok ? 'load: OK' : 'load: FAILED (non-2xx, errors, timeouts or missing requests)');
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`load failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
