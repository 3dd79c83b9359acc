import type { Counter, LabelValues } from 'prom-client';

/** An increment that costs one addition: the sum reaches the counter when it is next collected (a scrape). */
export interface DeferredCount {
  inc(): void;
}

/**
 * Deferred increments for the hottest path (cache hits answered by the fast path, tens of thousands a second),
 * where prom-client's own inc (hash the labels, validate them, look the series up) is a measurable share of the
 * request. Counters that take them flush in their `collect`, which prom-client runs before every read of the
 * registry, so a scrape never misses an increment made before it.
 */
export interface DeferredCounts {
  /** One tally per counter and label set, shared by every caller asking for the same one. */
  count<T extends string>(counter: Counter<T>, labels?: LabelValues<T>): DeferredCount;
  /** Adds what was counted since the last flush to `counter`. */
  flush(counter: Counter<string>): void;
}

interface Tally extends DeferredCount {
  labels: LabelValues<string> | undefined;
  pending: number;
}

export function createDeferredCounts(): DeferredCounts {
  const tallies = new Map<Counter<string>, Map<string, Tally>>();
  return {
    count(counter, labels) {
      let ofCounter = tallies.get(counter as Counter<string>);
      if (!ofCounter) {
        ofCounter = new Map();
        tallies.set(counter as Counter<string>, ofCounter);
      }
      const key = labels ? JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) : '';
      let tally = ofCounter.get(key);
      if (!tally) {
        const created: Tally = {
          labels: labels as LabelValues<string> | undefined,
          pending: 0,
          inc() {
            created.pending += 1;
          },
        };
        tally = created;
        ofCounter.set(key, tally);
      }
      return tally;
    },
    flush(counter) {
      const ofCounter = tallies.get(counter);
      if (!ofCounter) return;
      for (const tally of ofCounter.values()) {
        if (tally.pending === 0) continue;
        const { pending } = tally;
        tally.pending = 0;
        if (tally.labels) counter.inc(tally.labels, pending);
        else counter.inc(pending);
      }
    },
  };
}
