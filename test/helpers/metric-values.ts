import type { Counter } from 'prom-client';

/** A counter's value summed over the series whose `label` is `value` (every other label any value). */
export async function counterSum<T extends string>(counter: Counter<T>, label: T, value: string): Promise<number> {
  const metric = await counter.get();
  return metric.values.filter((each) => each.labels[label] === value).reduce((sum, each) => sum + each.value, 0);
}
