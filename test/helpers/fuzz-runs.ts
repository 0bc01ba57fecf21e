/**
 * How many runs a property-based suite makes. `npm test` runs every property at a quick count so
 * the suite stays fast; `npm run test:fuzz` (FUZZ=full, as .ci/run runs it) runs the full count. A
 * suite's own variable (FUZZ_RUNS, …) overrides both, e.g. to replay a failure with FUZZ_SEED.
 */
export function fuzzRuns(variable: string, counts: { full: number; quick: number }): number {
  const raw = process.env[variable];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${variable} must be a positive integer, got ${raw}`);
    return n;
  }
  return process.env.FUZZ === 'full' ? counts.full : counts.quick;
}
