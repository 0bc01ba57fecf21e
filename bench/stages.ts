/**
 * The stage table's process (bench/cpu-breakdown.ts): our modules built from source into this
 * file, alone in a process as the function is on SCF, with the environment of an uncached
 * lookup. Answers each `{ id, iterations, rounds }` the parent sends with that body's StageCosts.
 */
import { stageCosts } from './cpu-breakdown';

const port = Number(process.argv[2]);

process.on('message', (m: { id: string; iterations: number; rounds: number }) => {
  void stageCosts(port, m.id, m.iterations, m.rounds).then(
    (costs) => process.send?.(costs),
    (err: unknown) => process.send?.({ error: err instanceof Error ? err.message : String(err) }),
  );
});
process.send?.({ ready: true });
