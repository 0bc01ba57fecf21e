/**
 * Zips a directory in memory for CreateFunction/UpdateFunctionCode `ZipFile` (base64). fflate
 * writes the archive; we only decide names, modes and a fixed timestamp, so the same build gives
 * the same bytes.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { type Zippable, zipSync } from 'fflate';

const UNIX = 3;
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export function zipDirectory(dir: string): Uint8Array {
  const files: Zippable = {};
  for (const path of walk(dir)) {
    // Keep the executable bit, and always set it on scf_bootstrap: SCF starts a Web function by
    // executing that file, and a build that forgot chmod +x would only fail once deployed.
    const executable = (statSync(path).mode & 0o111) !== 0 || basename(path) === 'scf_bootstrap';
    const attrs = ((executable ? 0o755 : 0o644) | 0o100000) << 16;
    files[relative(dir, path).split(sep).join('/')] = [readFileSync(path), { os: UNIX, attrs, mtime: FIXED_MTIME }];
  }
  if (Object.keys(files).length === 0) throw new Error(`${dir} is empty: nothing to upload`);
  return zipSync(files, { level: 9 });
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
    // Symlinks, sockets and the like are skipped: the upload holds regular files only.
  }
}
