/**
 * A memory cgroup of a given size for one child process, as SCF runs an instance: the kernel holds
 * the process to the limit (reclaiming, then killing it), and Node sizes its heap from it
 * (`process.constrainedMemory()`). The plain memory row measures how much a fresh process takes;
 * this one measures whether the worst request survives the limit it would really run under.
 *
 * Linux only, and only where this process may create a cgroup (root, or a delegated subtree): the
 * bench says so and skips the row otherwise. cgroup v2 (`memory.max`) and v1 (`memory.limit_in_bytes`).
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  /** Where the child writes its own pid before it starts Node (so Node starts inside the limit). */
  procsFile: string;
  /** The most memory the cgroup's processes used at once, in bytes. */
  peakBytes(): number | undefined;
  remove(): void;
}

/** A fresh cgroup limited to `limitBytes`, or the reason none can be made here. */
export function memoryCgroup(name: string, limitBytes: number): MemoryCgroup | string {
  if (process.platform !== 'linux') return 'not Linux';
  let own: string | undefined;
  try {
    own = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find(([, controllers]) => controllers === 'memory' || controllers === '')?.[2];
  } catch {
    return 'no /proc/self/cgroup';
  }
  const v1 = join('/sys/fs/cgroup/memory', own ?? '');
  const v2 = join('/sys/fs/cgroup', own ?? '');
  for (const [parent, limitFile, swapFile, peakFile] of [
    [v1, 'memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.max_usage_in_bytes'],
    [v2, 'memory.max', 'memory.swap.max', 'memory.peak'],
  ] as const) {
    const dir = join(parent, name);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, limitFile), String(limitBytes));
    } catch {
      tryRemove(dir);
      continue;
    }
    // No swap beyond the limit either, where swap is accounted at all (v1 needs swapaccount=1).
    try {
      writeFileSync(join(dir, swapFile), limitFile === 'memory.max' ? '0' : String(limitBytes));
    } catch {
      // not accounted here: the memory limit alone holds the process
    }
    return {
      procsFile: join(dir, 'cgroup.procs'),
      peakBytes: () => {
        const text = readable(join(dir, peakFile));
        return text === undefined ? undefined : Number(text);
      },
      remove: () => tryRemove(dir),
    };
  }
  return 'no writable memory cgroup (needs root or a delegated cgroup)';
}

function readable(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function tryRemove(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still has a process, or was never made: nothing to clean
  }
}
