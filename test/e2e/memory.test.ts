/**
 * Hostile bodies must not cost memory: an entity bomb is refused before any expansion, and a
 * body over the cap is cut off while it streams instead of being buffered whole.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator } from '../../dev/emulator/server';
import { createDeadline } from '../../shared/deadline';
import { HttpGetError, httpGet } from '../../shared/ci/http-get';
import { ByteBudget, MAX_ANSWER_BYTES } from '../../shared/ci/upstream-budget';
import { XmlRejected, parseXml } from '../../shared/xml/parse';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

// Ten levels of ten: 10^10 "lol"s (30 GB) if anything expanded it.
const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><Response>&lol9;</Response>`;

test('a billion-laughs body is refused fast with flat memory', () => {
  const before = heapMb();
  // CPU time, not wall time: other suites share the machine; expanding even one bomb would take minutes.
  const started = process.cpuUsage();
  for (let i = 0; i < 1000; i++) expect(() => parseXml(bomb)).toThrow(XmlRejected);
  const used = process.cpuUsage(started);
  expect((used.user + used.system) / 1000).toBeLessThan(2000);
  expect(heapMb() - before).toBeLessThan(5);
});

test('a 64 MiB body is cut at the 6 MiB answer budget while streaming; memory stays bounded', async () => {
  const emulator = await startEmulator({ keys: { secretId: 'AKIDmem', secretKey: 'k' } });
  emulator.fault = () => ({ oversizeBytes: 64 * 1024 * 1024 });
  try {
    const before = heapMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024)), 1);
    const deadline = createDeadline(10_000);
    const url = new URL(`http://examplebucket-1250000000.ci.ap-guangzhou.localhost:${emulator.port}/jobs/j1`);
    await expect(httpGet(url, {}, deadline.signal, new ByteBudget(MAX_ANSWER_BYTES))).rejects.toEqual(new HttpGetError('too-large'));
    clearInterval(sampler);
    deadline.dispose();
    // Holding 64 MiB (as UTF-16, 128 MiB) would show; a cap of 6 MiB plus buffers does not.
    expect(peak - before).toBeLessThan(32);
    expect(heapMb() - before).toBeLessThan(4);
  } finally {
    await emulator.close();
  }
});
