/**
 * The comparison point: the same lookup (GET /jobs/{type}/{id}) written the way the official
 * cos-nodejs-sdk-v5 shows it, `cos.request` on the CI URL, in an SCF handler. It answers with
 * CI's XML as the SDK parses it (JobsDetail made a list): no schema, no error envelope, no cache.
 * The bench preloads localhost-dns.ts so the CI-shaped `*.localhost` host name reaches the emulator.
 */
import COS from 'cos-nodejs-sdk-v5';
import { FAMILIES } from '../shared/ci/families';

interface Event {
  path: string;
}

const env = process.env;
const endpoint = env.CI_ENDPOINT ?? 'https://{bucket}.ci.{region}.myqcloud.com';

// Module scope, as SDK-based functions usually create their client.
const cos = new COS({
  SecretId: env.TENCENTCLOUD_SECRETID ?? '',
  SecretKey: env.TENCENTCLOUD_SECRETKEY ?? '',
  SecurityToken: env.TENCENTCLOUD_SESSIONTOKEN ?? '',
});

// Every family's CI path, from the same table the function and the floor use, so that with ids
// rotating over every family's fixtures each variant asks CI for the same job and reads the same body.
const PATHS: Record<string, string> = Object.fromEntries(Object.entries(FAMILIES).map(([family, { path }]) => [family, path.slice(1)]));

export async function main_handler(event: Event): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const [type = '', id = ''] = event.path.split('/').slice(-2);
  const bucket = env.CI_BUCKET ?? '';
  const region = env.CI_REGION ?? '';
  const key = `${PATHS[type] ?? 'jobs'}/${id}`;
  const url = `${endpoint.replace('{bucket}', bucket).replace('{region}', region)}/${key}`;
  try {
    const data = await cos.request({
      Bucket: bucket,
      Region: region,
      Method: 'GET',
      Key: key,
      Url: url,
      // CI wants the token signed; the SDK signs the headers it is given.
      Headers: { 'x-ci-security-token': env.TENCENTCLOUD_SESSIONTOKEN ?? '' },
    });
    const response = (data.Response ?? {}) as { JobsDetail?: unknown };
    const jobs = response.JobsDetail === undefined ? [] : ([] as unknown[]).concat(response.JobsDetail);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...response, JobsDetail: jobs }) };
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode ?? 502;
    return {
      statusCode: 502,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Error: { Code: 'UpstreamError', Status: status } }),
    };
  }
}
