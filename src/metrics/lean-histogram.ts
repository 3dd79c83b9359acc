import type { LabelValues, Registry } from 'prom-client';

/** What a prom-client Registry reads from a metric (get / getForPromString). */
export interface HistogramExposition {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: { metricName: string; value: number; labels: Record<string, string | number>; sharedLabels?: Record<string, string> }[];
}

/** One label set's series: `observe` is a bucket search and three additions. */
export interface HistogramSeries {
  observe(value: number): void;
}

/**
 * A Prometheus histogram for the request path's durations, observed on every request (tens of thousands a second on
 * cache hits). prom-client's Histogram validates and hashes the labels on each observation, even through a child
 * from labels(), which cost about a microsecond per call; here a child keeps its own bucket counts. It registers
 * with a prom-client Registry like any metric and writes the same exposition lines (`_bucket` with `le`, `_sum`,
 * `_count`), so scrapes and the dashboard see no difference.
 */
export interface LeanHistogram<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly labelNames: readonly T[];
  /** The series of these label values, created at first use; a caller may keep it (reset zeroes, never drops it). */
  labels(values: LabelValues<T>): HistogramSeries;
  observe(labels: LabelValues<T>, value: number): void;
  get(): Promise<HistogramExposition>;
  /** What the registry writes: each bucket's own `le`, the series' labels beside it. */
  getForPromString(): Promise<HistogramExposition>;
  reset(): void;
}

interface Series extends HistogramSeries {
  readonly labels: Record<string, string>;
  /** Per bucket (not cumulative); values above the last bound only reach `count`. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export interface LeanHistogramOptions<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

export function createLeanHistogram<T extends string>(options: LeanHistogramOptions<T>): LeanHistogram<T> {
  const { name, labelNames } = options;
  const bounds = Float64Array.from(options.buckets);
  const series = new Map<string, Series>();

  const seriesOf = (values: LabelValues<T>): Series => {
    let key = '';
    for (const labelName of labelNames) key += `${String(values[labelName] ?? '')}\u0000`;
    let found = series.get(key);
    if (!found) {
      const labels: Record<string, string> = {};
      for (const labelName of labelNames) {
        const value = values[labelName];
        if (value !== undefined) labels[labelName] = String(value);
      }
      for (const labelName of Object.keys(values)) {
        if (!labelNames.includes(labelName as T)) throw new Error(`Added label "${labelName}" is not included in initial labelset: ${JSON.stringify(labelNames)}`);
      }
      const created: Series = {
        labels,
        counts: new Float64Array(bounds.length),
        sum: 0,
        count: 0,
        observe(value) {
          if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
          created.sum += value;
          created.count += 1;
          for (let i = 0; i < bounds.length; i++) {
            if (value <= (bounds[i] as number)) {
              (created.counts as Float64Array)[i] = (created.counts[i] as number) + 1;
              return;
            }
          }
        },
      };
      found = created;
      series.set(key, found);
    }
    return found;
  };

  const exposition = (splay: boolean): HistogramExposition => {
    const values: HistogramExposition['values'] = [];
    const entry = (metricName: string, value: number, own: Record<string, string | number>, labels: Record<string, string>): HistogramExposition['values'][number] =>
      splay ? { metricName, value, labels: { ...own, ...labels } } : { metricName, value, labels: own, sharedLabels: labels };
    for (const each of series.values()) {
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += each.counts[i] as number;
        values.push(entry(`${name}_bucket`, cumulative, { le: bounds[i] as number }, each.labels));
      }
      values.push(entry(`${name}_bucket`, each.count, { le: '+Inf' }, each.labels));
      values.push(entry(`${name}_sum`, each.sum, {}, each.labels));
      values.push(entry(`${name}_count`, each.count, {}, each.labels));
    }
    return { name, help: options.help, type: 'histogram', values, aggregator: 'sum' };
  };

  const histogram: LeanHistogram<T> = {
    name,
    help: options.help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames,
    labels: seriesOf,
    observe: (labels, value) => seriesOf(labels).observe(value),
    get: () => Promise.resolve(exposition(true)),
    getForPromString: () => Promise.resolve(exposition(false)),
    reset() {
      for (const each of series.values()) {
        each.counts.fill(0);
        each.sum = 0;
        each.count = 0;
      }
    },
  };
  for (const registry of options.registers) registry.registerMetric(histogram as unknown as Parameters<Registry['registerMetric']>[0]);
  return histogram;
}
