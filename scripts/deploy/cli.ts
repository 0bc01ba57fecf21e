/**
 * `npm run deploy [-- --config serverless.web.yml]` and `npm run deploy:check [-- --config FILE]`.
 * Check mode never touches the network; without --config it checks every shipped config.
 */
import { resolve } from 'node:path';
import { deploy } from './deploy';
import { DeployError, createScfClient, readDeployerCredentials } from './scf-client';
import { type LoadResult, loadSettings } from './settings';
import { zipDirectory } from './zip';

export const SHIPPED_CONFIGS = ['serverless.yml', 'serverless.web.yml', 'serverless.apigw.yml'];

interface Args {
  check: boolean;
  configs: string[];
}

export function parseArgs(argv: string[]): Args {
  const configs: string[] = [];
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--check') check = true;
    else if (arg === '--config') {
      const file = argv[++i];
      if (!file) throw new DeployError('--config needs a file name');
      configs.push(file);
    } else if (arg.startsWith('--config=')) configs.push(arg.slice('--config='.length));
    else throw new DeployError(`unknown argument ${arg} (use --config FILE, --check)`);
  }
  if (!check && configs.length > 1) throw new DeployError('deploy one config at a time');
  return { check, configs };
}

function report(file: string, r: LoadResult, out: (line: string) => void): boolean {
  for (const w of r.warnings) out(`${file}: warning: ${w}`);
  for (const e of r.errors) out(`${file}: error: ${e}`);
  return r.errors.length === 0;
}

/** Returns the exit code. `env` and `cwd` are parameters so tests run it in-process. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.check) {
      let ok = true;
      for (const file of args.configs.length ? args.configs : SHIPPED_CONFIGS) {
        const r = loadSettings(resolve(cwd, file), env, 'check');
        const fine = report(file, r, out);
        if (fine)
          out(
            `${file}: ok (${r.settings!.type} function ${r.settings!.functionName}, ${r.settings!.runtime}, ${r.settings!.apigw ? 'API Gateway' : 'Function URL'})`,
          );
        ok &&= fine;
      }
      return ok ? 0 : 1;
    }
    const file = args.configs[0] ?? 'serverless.yml';
    const credentials = readDeployerCredentials(env);
    const r = loadSettings(resolve(cwd, file), env, 'deploy');
    if (!report(file, r, out)) return 1;
    const s = r.settings!;
    const zip = zipDirectory(s.srcDir);
    out(`${file}: ${s.srcDir} zipped, ${(zip.byteLength / 1024).toFixed(1)} kB`);
    const api = createScfClient(s.region, credentials, env.SCF_API_ENDPOINT || undefined);
    const result = await deploy(s, { api, zip, log: out });
    out(`${s.functionName}: ${result.created ? 'created' : 'updated'}; Function URL ${result.trigger}`);
    for (const url of result.urls) out(`  ${url}`);
    if (s.functionUrl && result.urls.length === 0)
      out("  find the URL under the function's Function URL tab in the SCF console, then: curl <url>/health");
    return 0;
  } catch (e) {
    out(`deploy failed: ${describe(e)}`);
    return 1;
  }
}

/** One line, no stack: SDK errors carry a code and request id worth quoting; secrets are never in them. */
function describe(e: unknown): string {
  if (e instanceof DeployError) return e.message;
  const err = e as { code?: string; message?: string; requestId?: string };
  const parts = [err.code, err.message].filter(Boolean).join(': ');
  return `${parts || String(e)}${err.requestId ? ` (RequestId ${err.requestId})` : ''}`;
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env, (line) => console.log(line)).then((code) => {
    process.exitCode = code;
  });
}
