/** How the browser test finds its Chromium: CHROMIUM_PATH first, then the common install paths. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMON_CHROMIUM_PATHS, findChromium, isExecutable } from '../helpers/chromium';

const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

test('CHROMIUM_PATH wins over the common paths', () => {
  expect(findChromium({ CHROMIUM_PATH: '/opt/my/chrome' }, only('/opt/my/chrome', '/usr/bin/chromium'))).toEqual({
    path: '/opt/my/chrome',
  });
});

test('a CHROMIUM_PATH that is not executable is reported by name, not silently replaced', () => {
  const found = findChromium({ CHROMIUM_PATH: '/nope/chrome' }, only('/usr/bin/chromium'));
  expect(found).toEqual({ missing: expect.stringContaining('CHROMIUM_PATH=/nope/chrome is not an executable file') });
});

test.each([['/usr/bin/chromium-browser'], ['/usr/bin/google-chrome'], ['/snap/bin/chromium']])(
  'without CHROMIUM_PATH, %s is found',
  (path) => {
    expect(findChromium({}, only(path))).toEqual({ path });
  },
);

test('Debian’s /usr/bin/chromium comes first when several are installed', () => {
  expect(findChromium({ CHROMIUM_PATH: ' ' }, only('/usr/bin/google-chrome', '/usr/bin/chromium'))).toEqual({ path: '/usr/bin/chromium' });
});

test('none installed: the message lists where it looked and says how to fix it', () => {
  const found = findChromium({}, () => false);
  expect('missing' in found && found.missing).toContain('apt-get install chromium');
  expect('missing' in found && found.missing).toContain('CHROMIUM_PATH');
  for (const p of COMMON_CHROMIUM_PATHS) expect('missing' in found && found.missing).toContain(p);
});

test('isExecutable checks the execute bit of a real file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-path-'));
  try {
    const file = join(dir, 'chrome');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    expect(isExecutable(file)).toBe(false);
    chmodSync(file, 0o755);
    expect(isExecutable(file)).toBe(true);
    expect(findChromium({ CHROMIUM_PATH: file })).toEqual({ path: file });
    expect(isExecutable(join(dir, 'absent'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
