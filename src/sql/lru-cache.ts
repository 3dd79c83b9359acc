/**
 * A bounded least-recently-used map. Map iteration order is insertion order, so re-inserting
 * on a hit keeps the oldest entry first, ready to evict. Bounded both by entry count and
 * by a total weight (the caller's measure of an entry's size) so long statements cannot make
 * the cache grow without bound.
 *
 * A hit on an entry already among the newest quarter does not move it (a delete and a set per
 * hit were a measurable share of a cache hit's CPU): it still has three quarters of the cache
 * to go before it could be evicted, and the next hit after that moves it.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number; placedAt: number }>();
  private weight = 0;
  /** Counts placements (sets and moves): an entry placed `n` placements ago has at most `n` entries after it. */
  private placements = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.placements - entry.placedAt > this.map.size >> 2) {
      this.map.delete(key);
      this.map.set(key, entry);
      entry.placedAt = ++this.placements;
    }
    return entry.value;
  }

  set(key: K, value: V, weight = 1): void {
    if (this.maxEntries <= 0 || weight > this.maxWeight) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.weight -= old.weight;
      this.map.delete(key);
    }
    this.map.set(key, { value, weight, placedAt: ++this.placements });
    this.weight += weight;
    while (this.map.size > this.maxEntries || this.weight > this.maxWeight) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      const entry = this.map.get(oldest.value);
      this.map.delete(oldest.value);
      this.weight -= entry?.weight ?? 0;
    }
  }
}
