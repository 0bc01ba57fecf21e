/** The bench's child processes: each helper is forked with the *.localhost preload and reports by IPC. */
import { type ChildProcess, type Serializable, fork } from 'node:child_process';
import { resolve } from 'node:path';

export const here = (name: string) => resolve(__dirname, `${name}.js`);

const children: ChildProcess[] = [];

/** Forks a bench helper and waits for its first message (its address, or its measurement). */
export function forkFor<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: ['--require', here('localhost-dns')],
  });
  children.push(child);
  return new Promise((resolveMessage, reject) => {
    child.once('message', (message) => resolveMessage({ child, message: message as T }));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before reporting`)));
  });
}

/**
 * forkFor, but the child enters the cgroup whose `cgroup.procs` is `procsFile` before Node starts
 * (a shell writes its own pid there, then execs Node), so Node sizes its heap from that limit.
 */
export function forkInCgroup<T>(script: string, args: string[], env: Record<string, string>, procsFile: string) {
  const child = fork(script, args, {
    env: { ...process.env, ...env, BENCH_CGROUP_PROCS: procsFile },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execPath: '/bin/sh',
    execArgv: ['-c', 'echo $$ > "$BENCH_CGROUP_PROCS" && exec "$0" "$@"', process.execPath, '--require', here('localhost-dns')],
  });
  children.push(child);
  return new Promise<{ message: T } | { killedBy: string }>((settle) => {
    child.once('message', (message) => settle({ message: message as T }));
    child.once('exit', (code, signal) => settle({ killedBy: signal ?? `exit ${code}` }));
  });
}

/** Sends `request` to a running helper and waits for its answer. */
export function ask<T>(child: ChildProcess, request: Serializable): Promise<T> {
  return new Promise((resolveAnswer, reject) => {
    // A child that dies mid-question fails the bench instead of hanging it.
    const died = (code: number | null, signal: string | null) =>
      reject(new Error(`a bench child exited (${signal ?? code}) before answering`));
    child.once('exit', died);
    child.once('message', (message) => {
      child.off('exit', died);
      resolveAnswer(message as T);
    });
    child.send(request);
  });
}

export const stop = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill();
  });

/** Waits for a helper that exits by itself (killed after 60 s, so a hung child cannot hang the bench). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill(), 60_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
  });

export async function stopAll(): Promise<void> {
  for (const child of children) await stop(child);
}

/** Fisher–Yates, so no variant always runs first (after a fork, on a cold cache) or last. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
