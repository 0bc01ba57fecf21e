/**
 * CPU per lookup, in this process: each variant answers the same body in sequential blocks, the
 * blocks of every variant interleaved in a new random order each round, so load from other
 * processes, GC and CPU frequency changes hit all of them alike. Per call: CPU (user + system,
 * this process only: the emulator runs in its own), the part of it V8 spent in GC, and wall time.
 */
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { shuffled } from './children';

export interface LookupVariant {
  name: string;
  call: () => Promise<unknown>;
}

export interface LookupCost {
  cpuUs: number;
  gcUs: number;
  /** Wall ms of each call. */
  wallMs: number[];
}

export async function cpuPerLookup(variants: LookupVariant[], rounds: number, block: number): Promise<Map<string, LookupCost>> {
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const spans = new Map(variants.map((v) => [v.name, [] as [number, number][]]));
  const cpu = new Map(variants.map((v) => [v.name, 0]));
  const wall = new Map(variants.map((v) => [v.name, [] as number[]]));
  let calls = 0;
  for (let round = -1; round < rounds; round++) {
    for (const v of shuffled(variants)) {
      const began = performance.now();
      const used = process.cpuUsage();
      for (let i = 0; i < block; i++) {
        const t = performance.now();
        await v.call();
        if (round >= 0) wall.get(v.name)!.push(performance.now() - t);
      }
      if (round < 0) continue; // the first round warms the JIT and the sockets
      const spent = process.cpuUsage(used);
      cpu.set(v.name, cpu.get(v.name)! + spent.user + spent.system);
      spans.get(v.name)!.push([began, performance.now()]);
    }
    calls += round >= 0 ? block : 0;
  }
  await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last GC entries
  observer.disconnect();
  const results = new Map<string, LookupCost>();
  for (const v of variants) {
    const mine = spans.get(v.name)!;
    const gcMs = gcs.filter((g) => mine.some(([a, b]) => g.startTime >= a && g.startTime < b)).reduce((sum, g) => sum + g.duration, 0);
    results.set(v.name, { cpuUs: cpu.get(v.name)! / calls, gcUs: (gcMs * 1000) / calls, wallMs: wall.get(v.name)! });
  }
  return results;
}
