import { databaseOfTable } from '../sql/resolve-table.js';

/**
 * The replica-lag window. After a write to T completes on the writer, a replica may not have it yet. A read of T
 * sent there would return pre-write rows, and, keyed under T's new version, store them for every later reader.
 * So for `windowMs` after a write, reads of T go to the writer: it has every acknowledged write, so its answer may
 * be cached, and clients read their own writes. (The alternative, still reading from a replica but not storing,
 * keeps load off the writer but serves the client pre-write rows and caches nothing for the window.)
 *
 * This assumes replicas lag less than the window; a longer lag (a replica with fetches stopped) can still refill
 * the cache with old rows after the window. Instance-local: several chgate instances need shared state (Redis).
 */
export interface RecentWrites {
  noteTables(tables: readonly string[], nowMs: number): void;
  noteDatabases(databases: readonly string[], nowMs: number): void;
  noteEverything(nowMs: number): void;
  /** True when any of the resolved tables, their databases, or everything was written within the window. */
  shouldReadFromWriter(tables: readonly string[], nowMs: number): boolean;
}

export function createRecentWrites(options: { windowMs: number }): RecentWrites {
  const { windowMs } = options;
  const tableUntil = new Map<string, number>();
  const databaseUntil = new Map<string, number>();
  let everythingUntil = 0;

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
    noteTables: (tables, nowMs) => note(tableUntil, tables, nowMs),
    noteDatabases: (databases, nowMs) => note(databaseUntil, databases, nowMs),
    noteEverything(nowMs) {
      everythingUntil = nowMs + windowMs;
    },
    shouldReadFromWriter(tables, nowMs) {
      if (everythingUntil > nowMs) return true;
      if (tableUntil.size === 0 && databaseUntil.size === 0) return false;
      return tables.some((table) => isRecent(tableUntil, table, nowMs) || isRecent(databaseUntil, databaseOfTable(table), nowMs));
    },
  };
}
