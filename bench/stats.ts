/** Small helpers for the bench: percentiles, formatting, and a plain-text table. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const median = (values: number[]) => percentile(values, 50);

export const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const us = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
export const ratio = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`;

/** Markdown table, so the output can be pasted into the README as is. */
export function table(title: string, head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [`### ${title}`, '', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ''].join('\n');
}
