/**
 * Which Chromium the browser test drives. CHROMIUM_PATH wins; otherwise the usual install paths of
 * Debian/Ubuntu, Fedora, snap and Google's builds are tried, then macOS's. playwright's own browser
 * download cannot work here (only the npm registry and Debian packages are reachable), so a system
 * browser it is.
 */
import { accessSync, constants } from 'node:fs';

export const COMMON_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

const HOW_TO_GET_ONE =
  'install one (Debian/Ubuntu: apt-get install chromium; .ci/run does this) or set CHROMIUM_PATH to a Chromium or Chrome executable';

export type ChromiumLookup = { path: string } | { missing: string };

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: Record<string, string | undefined> = process.env, executable = isExecutable): ChromiumLookup {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    return executable(configured)
      ? { path: configured }
      : {
          missing: `CHROMIUM_PATH=${configured} is not an executable file: fix it, or unset it to use one of ${COMMON_CHROMIUM_PATHS.join(', ')}`,
        };
  }
  const found = COMMON_CHROMIUM_PATHS.find((p) => executable(p));
  return found ? { path: found } : { missing: `no Chromium found at ${COMMON_CHROMIUM_PATHS.join(', ')}: ${HOW_TO_GET_ONE}` };
}
