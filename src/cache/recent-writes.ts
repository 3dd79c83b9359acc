import { databaseOfTable } from '../sql/resolve-table.js';

/**
 * The replica-lag window. After a write to T completes on the writer, a replica may not have it yet. A read of T
 * sent there would return pre-write rows, and, keyed under T's new version, store them for every later reader.
 * So for `windowMs` after a write, reads of T go to the writer: it has every acknowledged write, so its answer may
 * be cached, and clients read their own writes. (The alternative, still reading from a replica but not storing,
 * keeps load off the writer but serves the client pre-write rows and caches nothing for the window.)
 *
 * This assumes replicas lag less than the window; a longer lag (a replica with fetches stopped) can still refill
 * the cache with old rows after the window. Instance-local; with Redis, lookups also read every instance's write
 * times (redis-shared-state.ts).
 */
export interface RecentWrites {
  noteTables(tables: readonly string[], nowMs: number): void;
  noteDatabases(databases: readonly string[], nowMs: number): void;
  noteEverything(nowMs: number): void;
  /** True when any of the resolved tables, their databases, or everything was written within the window. */
  shouldReadFromWriter(tables: readonly string[], nowMs: number): boolean;
  /**
   * When the latest write through chgate to any of the tables (or their databases, or everything) was noted;
   * 0 when none was. Kept past the window, bounded: forgotten writes are remembered as one watermark time.
   */
  lastWriteAt(tables: readonly string[]): number;
}

export function createRecentWrites(options: { windowMs: number; maxRememberedWrites?: number }): RecentWrites {
  const { windowMs, maxRememberedWrites = 100_000 } = options;
  const tableUntil = new Map<string, number>();
  const databaseUntil = new Map<string, number>();
  let everythingUntil = 0;
  const lastWrites = createLastWrites(maxRememberedWrites);

  const note = (map: Map<string, number>, names: readonly string[], nowMs: number): void => {
    if (map.size > 10_000) {
      for (const [name, until] of map) if (until <= nowMs) map.delete(name);
    }
    for (const name of names) map.set(name, nowMs + windowMs);
  };

  const isRecent = (map: Map<string, number>, name: string, nowMs: number): boolean => {
    const until = map.get(name);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    map.delete(name);
    return false;
  };

  return {
    noteTables(tables, nowMs) {
      note(tableUntil, tables, nowMs);
      for (const table of tables) lastWrites.note(`t:${table}`, nowMs);
    },
    noteDatabases(databases, nowMs) {
      note(databaseUntil, databases, nowMs);
      for (const database of databases) lastWrites.note(`d:${database}`, nowMs);
    },
    noteEverything(nowMs) {
      everythingUntil = nowMs + windowMs;
      lastWrites.note('*', nowMs);
    },
    lastWriteAt(tables) {
      let latest = lastWrites.at('*');
      for (const table of tables) latest = Math.max(latest, lastWrites.at(`t:${table}`), lastWrites.at(`d:${databaseOfTable(table)}`));
      return latest;
    },
    shouldReadFromWriter(tables, nowMs) {
      if (everythingUntil > nowMs) return true;
      if (tableUntil.size === 0 && databaseUntil.size === 0) return false;
      return tables.some((table) => isRecent(tableUntil, table, nowMs) || isRecent(databaseUntil, databaseOfTable(table), nowMs));
    },
  };
}

/** Last write time per scope, bounded: the oldest are dropped into a watermark that every unknown scope reports. */
function createLastWrites(maxEntries: number) {
  const times = new Map<string, number>();
  let watermark = 0;
  return {
    note(scope: string, nowMs: number): void {
      times.delete(scope);
      times.set(scope, nowMs);
      // Insertion order is write order: the first entries are the oldest writes.
      for (const [oldest, time] of times) {
        if (times.size <= maxEntries) break;
        times.delete(oldest);
        watermark = Math.max(watermark, time);
      }
    },
    at: (scope: string): number => times.get(scope) ?? watermark,
  };
}
