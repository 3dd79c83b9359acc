/** Shared by the benchmark scripts: samples, latency percentiles and a plain aligned table. */

/** What one load run measured; `cpuMs` only where the target process is known. */
export interface Sample {
  ok: number;
  errors: number;
  elapsedMs: number;
  cpuMs?: number;
  latenciesMs: number[];
  firstError?: string;
}

/** Adds `from` into `into` (slices of one cell run interleaved with the other targets). */
export function mergeSample(into: Sample, from: Sample): void {
  into.ok += from.ok;
  into.errors += from.errors;
  into.elapsedMs += from.elapsedMs;
  if (from.cpuMs !== undefined) into.cpuMs = (into.cpuMs ?? 0) + from.cpuMs;
  for (const latency of from.latenciesMs) into.latenciesMs.push(latency);
  into.firstError ??= from.firstError;
}

/** `sorted` ascending; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The middle value (of a copy, sorted); NaN when empty. */
export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** The first `leftColumns` columns are left-aligned (names), the rest right-aligned (numbers); `write` gets each line. */
export function printTable(header: string[], lines: string[][], leftColumns = 2, write: (line: string) => void = console.log): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  write(format(header));
  write(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) write(format(line));
}

export const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
