/**
 * Web mode in-process: the CI emulator, the built Web function bundle (dist/job-status-web/index.js)
 * listening on a loopback port, and the environment SCF would give it. Clients talk real HTTP to it.
 */
import { resolve } from 'node:path';
import type { WebServer, WebServerOptions } from '../../functions/job-status-web/server';
import { startHarness } from './harness';

type StartWebServer = (options: WebServerOptions) => Promise<WebServer>;

export function loadWebBundle(): StartWebServer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(resolve(__dirname, '../../dist/job-status-web/index.js')) as { startWebServer: StartWebServer }).startWebServer;
}

const WEB_ENV = ['FUNCTION_TIMEOUT_S', 'SSE_HEARTBEAT_MS'];

export async function startWebStack(env: Record<string, string | undefined> = {}, options: WebServerOptions = {}) {
  const harness = await startHarness();
  /** Replaces the whole environment (harness defaults plus these), as harness.setEnv does. */
  const setEnv = (overrides: Record<string, string | undefined> = {}) => {
    harness.setEnv(overrides);
    for (const name of WEB_ENV) delete process.env[name];
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) process.env[k] = v;
  };
  setEnv(env);
  const web = await loadWebBundle()({ port: 0, host: '127.0.0.1', ...options });
  return {
    url: web.url,
    emulator: harness.emulator,
    setEnv,
    close: async () => {
      await web.close();
      await harness.close();
      for (const name of WEB_ENV) delete process.env[name];
    },
  };
}

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Splits a raw event stream into frames, field by field, as the SSE spec reads them. */
export function parseFrames(raw: string): SseFrame[] {
  return raw
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else {
          const at = line.indexOf(':');
          const name = line.slice(0, at) as keyof SseFrame;
          const value = line.slice(at + 1).replace(/^ /, '');
          frame[name] = name === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value;
        }
      }
      return frame;
    });
}

/** Reads a stream to its end (or until `stopWhen` holds for the text so far, then aborts). */
export async function readStream(
  url: string,
  init: RequestInit = {},
  stopWhen?: (text: string) => boolean,
): Promise<{ status: number; headers: Headers; text: string; endedByServer: boolean; ms: number }> {
  const started = Date.now();
  const controller = new AbortController();
  const res = await fetch(url, { ...init, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { status: res.status, headers: res.headers, text, endedByServer: true, ms: Date.now() - started };
    text += decoder.decode(value, { stream: true });
    if (stopWhen?.(text)) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      return { status: res.status, headers: res.headers, text, endedByServer: false, ms: Date.now() - started };
    }
  }
}
