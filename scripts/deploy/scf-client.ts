/**
 * The official Tencent Cloud SCF API client, built from the deployer's key pair. The endpoint can
 * be pointed at a loopback stand-in (tests) but never at another plain-HTTP host.
 */
import { Agent } from 'node:http';
import { scf } from 'tencentcloud-sdk-nodejs-scf';

export type ScfClient = InstanceType<typeof scf.v20180416.Client>;

export interface DeployerCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

export class DeployError extends Error {
  override name = 'DeployError';
}

/**
 * The deployer's keys (a CAM user or role with the policy in docs/deploy.md), from the variables
 * the Tencent Cloud SDKs and CLI read. Never the function's runtime keys, never printed.
 */
export function readDeployerCredentials(env: Record<string, string | undefined>): DeployerCredentials {
  const secretId = env.TENCENTCLOUD_SECRET_ID?.trim();
  const secretKey = env.TENCENTCLOUD_SECRET_KEY?.trim();
  const missing = [!secretId && 'TENCENTCLOUD_SECRET_ID', !secretKey && 'TENCENTCLOUD_SECRET_KEY'].filter(Boolean);
  if (missing.length > 0) {
    throw new DeployError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: export the deployer's API key pair (CAM > API keys) before npm run deploy`,
    );
  }
  const token = env.TENCENTCLOUD_SESSION_TOKEN?.trim();
  return { secretId: secretId!, secretKey: secretKey!, ...(token ? { token } : {}) };
}

/** RFC 6761: *.localhost is this machine. Lets a test endpoint keep the `scf.` service label. */
const loopbackAgent = () =>
  new Agent({
    lookup: (_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) =>
      options?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4),
  } as ConstructorParameters<typeof Agent>[0]);

/**
 * `endpoint` (SCF_API_ENDPOINT) is for tests: `http://scf.localhost:PORT` reaches a stand-in on
 * loopback. The SDK signs for the service named by the host's first label, so keep `scf.`.
 */
export function createScfClient(region: string, credentials: DeployerCredentials, endpoint?: string): ScfClient {
  let httpProfile: Record<string, unknown> = { reqTimeout: 30 };
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new DeployError(`SCF_API_ENDPOINT ${JSON.stringify(endpoint)} is not a URL`);
    }
    const loopback = url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
    if (url.protocol === 'http:' && !loopback)
      throw new DeployError('SCF_API_ENDPOINT may use http only for *.localhost (a local stand-in)');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeployError('SCF_API_ENDPOINT must be an http(s) URL');
    httpProfile = { ...httpProfile, endpoint: url.host, protocol: `${url.protocol}//`, ...(loopback ? { agent: loopbackAgent() } : {}) };
  }
  return new scf.v20180416.Client({
    credential: {
      secretId: credentials.secretId,
      secretKey: credentials.secretKey,
      ...(credentials.token ? { token: credentials.token } : {}),
    },
    region,
    profile: { httpProfile },
  });
}
