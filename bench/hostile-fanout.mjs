// Measures what one request costs when CI's answers are as large as the size cap lets them be
// (issue 12 §2): event-loop block, time to answer against the deadline, and peak RSS.
// Runs the built bundle (npm run build) against a hostile upstream on 127.0.0.1; run it in a fresh
// process so RSS is this request's and nothing else's:
//
//   node bench/hostile-fanout.mjs                       # 50 ai ids, each answered with ~2 MiB
//   node bench/hostile-fanout.mjs --family media --ids 10 --job-bytes 250000   # a legitimate big answer
//
// Prints one JSON line. Options: --family ai|media|pic|batch, --ids N, --job-bytes B (per job),
// --value-chars C (text per padding element), --timeout-ms (UPSTREAM_TIMEOUT_MS, default 5000).
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { resolve } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const family = arg('family', 'ai');
const idCount = Number(arg('ids', 50));
const jobBytes = Number(arg('job-bytes', 2 * 1024 * 1024 - 512));
// Characters of text per padding element: 2 (the default) is the costliest shape per byte for a
// parser; ~200 is closer to a real large job (long lists of outputs, recognition results).
const valueChars = Number(arg('value-chars', 2));

const timeoutMs = arg('timeout-ms', '5000');

// Padding of unknown elements, valid under the schema (unknown elements pass through), so nothing
// short-circuits before the parse.
function jobXml(id) {
  const head = `<JobsDetail><Code>Success</Code><Message></Message><JobId>${id}</JobId><State>Running</State><Tag>Translation</Tag><Operation><UserData>x</UserData>`;
  const tail = '</Operation></JobsDetail>';
  const item = (i) => `<Extra><Key>k${i}</Key><Value>${String(i).padStart(valueChars, 'v')}</Value></Extra>`;
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size + item(i).length < jobBytes; i++) {
    parts.push(item(i));
    size += item(i).length;
  }
  parts.push(tail);
  return parts.join('');
}

const benchId = (i) => `a${String(i).padStart(4, '0')}bench`;

// The upstream runs in its own process: its bodies must not count in the function's RSS.
if (process.argv[2] === '--upstream') {
  const bodies = new Map();
  const server = createServer((req, res) => {
    const ids = decodeURIComponent(new URL(req.url, 'http://x').pathname.split('/')[2] ?? '').split(',');
    for (const id of ids) if (!bodies.has(id)) bodies.set(id, jobXml(id));
    res.writeHead(200, { 'content-type': 'application/xml', 'x-ci-request-id': 'bench' });
    res.end(`<Response>${ids.map((id) => bodies.get(id)).join('')}</Response>`);
  });
  // Built before the measurement starts: the upstream's own CPU must not delay its answers.
  for (let i = 0; i < idCount; i++) bodies.set(benchId(i), jobXml(benchId(i)));
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  await new Promise(() => undefined);
}
// Its own heap settings: flags given to measure the function (a small heap) must not starve it.
const upstream = fork(import.meta.filename, ['--upstream', ...process.argv.slice(2)], { execArgv: [] });
process.on('exit', () => upstream.kill()); // also when the function under test runs out of memory
const port = await new Promise((r) => upstream.once('message', r));
Object.assign(process.env, {
  CI_ENDPOINT: `http://{bucket}.ci.{region}.localhost:${port}`,
  CI_BUCKET: 'examplebucket-1250000000',
  CI_REGION: 'ap-guangzhou',
  TENCENTCLOUD_SECRETID: 'AKIDbench',
  TENCENTCLOUD_SECRETKEY: 'bench-secret',
  UPSTREAM_TIMEOUT_MS: timeoutMs,
  CACHE_TERMINAL_TTL_S: '0',
  CACHE_ACTIVE_TTL_MS: '0',
});
const ids = Array.from({ length: idCount }, (_, i) => benchId(i));

const { main_handler } = await import(resolve(import.meta.dirname, '../dist/job-status/index.js'));
const log = console.log;
console.log = () => undefined; // the function's request log line
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const started = performance.now();
const cpuBefore = process.cpuUsage();
const res = await main_handler(
  { httpMethod: 'GET', path: `/jobs/${family}/${ids.join(',')}`, headers: {}, queryString: {} },
  { request_id: 'bench' },
);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
loop.disable();
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
console.log = log;
let code = 'ok';
try {
  code = JSON.parse(res.body).Error?.Code ?? 'ok';
} catch {}
log(
  JSON.stringify({
    family,
    ids: idCount,
    jobBytes,
    valueChars,
    upstreamMiB: +((idCount * jobBytes) / 1048576).toFixed(1),
    status: res.statusCode,
    code,
    answerMs: Math.round(elapsedMs),
    deadlineMs: Number(timeoutMs),
    // CPU time is steadier than wall time on a loaded machine: it is what the parse really costs.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxEventLoopBlockMs: Math.round(loop.max / 1e6),
    rssBeforeMB: Math.round(rssBefore / 1048576),
    rssPeakMB: Math.round(Math.max(rssPeak, process.resourceUsage().maxRSS * 1024) / 1048576),
    responseMB: +(Buffer.byteLength(res.body) / 1048576).toFixed(2),
  }),
);
upstream.kill();
