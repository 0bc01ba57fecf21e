/**
 * `npm start`: the function locally, in web mode (the SCF Web function's server, so Server-Sent
 * Events work), with the demo page at /. By default it starts the CI emulator with throwaway keys and
 * points the function at it. With real role keys, CI_BUCKET and no CI_ENDPOINT in the environment,
 * it talks to real CI instead.
 */
import { resolve } from 'node:path';
import { startEmulator } from './emulator/server';
import { serveDemo } from './demo/serve-demo';
import { StartError, portFromEnv, portProblem } from './listen';
import type { WebServerOptions } from '../functions/job-status-web/server';

const DEMO_KEYS = {
  secretId: 'AKIDLOCALEMULATOR0000',
  secretKey: 'local-emulator-secret-key',
  sessionToken: 'local-emulator-session-token',
};
const DEMO_BUCKET = 'examplebucket-1250000000';
const DEMO_REGION = 'ap-guangzhou';

async function main() {
  const env = process.env;
  const port = portFromEnv(env, 'PORT', 3000);
  const emulatorPort = portFromEnv(env, 'EMULATOR_PORT', 0);
  const host = env.HOST?.trim() || '127.0.0.1';
  const realCi = Boolean(env.TENCENTCLOUD_SECRETID && env.TENCENTCLOUD_SECRETKEY && env.CI_BUCKET && !env.CI_ENDPOINT);
  let exampleIds: Record<string, string> = {};
  if (!realCi) {
    const emulator = await startEmulator({ keys: DEMO_KEYS, port: emulatorPort }).catch((err: unknown) => {
      throw new StartError(`CI emulator: ${portProblem(err, 'EMULATOR_PORT', emulatorPort, '127.0.0.1') ?? String(err)}`, { cause: err });
    });
    Object.assign(env, {
      CI_ENDPOINT: emulator.endpoint,
      CI_BUCKET: env.CI_BUCKET ?? DEMO_BUCKET,
      CI_REGION: env.CI_REGION ?? DEMO_REGION,
      TENCENTCLOUD_SECRETID: DEMO_KEYS.secretId,
      TENCENTCLOUD_SECRETKEY: DEMO_KEYS.secretKey,
      TENCENTCLOUD_SESSIONTOKEN: DEMO_KEYS.sessionToken,
    });
    for (const job of emulator.jobs.values()) if (!exampleIds[job.family] && job.state === 'Success') exampleIds[job.family] = job.jobId;
    for (const job of emulator.jobs.values()) exampleIds[job.family] ??= job.jobId;
    console.log(`CI emulator: ${emulator.jobs.size} fixture jobs on 127.0.0.1:${emulator.port}`);
  } else {
    exampleIds = { media: '<your-job-id>' };
    console.log(`Real CI: bucket ${env.CI_BUCKET}, region ${env.CI_REGION ?? env.TENCENTCLOUD_REGION ?? '(unset)'}`);
  }

  // The same bundle an SCF Web function runs: dist/job-status-web/index.js (scf_bootstrap starts it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startWebServer } = require(resolve('dist/job-status-web/index.js')) as {
    startWebServer: (o: WebServerOptions) => Promise<{ url: string }>;
  };
  const { url } = await startWebServer({ port, host, intercept: (req, res) => serveDemo(req, res) }).catch((err: unknown) => {
    const problem = portProblem(err, 'PORT', port, host);
    throw problem ? new StartError(problem, { cause: err }) : err;
  });

  const lines = [
    `ci-job-status listening on ${url}`,
    '',
    `Demo page: ${url}/`,
    ...(realCi ? [] : ['  follow a job id like move-success-8000ms-mine: the emulator runs it from Submitted to Success']),
    '',
    'Try:',
    `  curl -s ${url}/health`,
    `  curl -s ${url}/openapi.json -o openapi.json`,
    ...Object.entries(exampleIds).map(([type, id]) => `  curl -s ${url}/jobs/${type}/${id}`),
    ...(realCi ? [] : [`  curl -s '${url}/jobs/media/move-success-6000ms-curl?wait=20'`]),
    ...(realCi ? [] : [`  curl -sN ${url}/jobs/media/move-success-3000ms-sse/events`]),
    `  curl -s -X POST ${url}/jobs/query -H 'content-type: application/json' -d '{"type":"media","jobIds":["${exampleIds.media ?? 'j1'}","jnotthere"]}'`,
    '',
    'Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  // One line that says what to do; the stack only for failures nobody foresaw.
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  if (!(err instanceof StartError) && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
});
