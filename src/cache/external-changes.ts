import { sqlStringLiteral } from '../sql/names.js';
import { databaseOfTable } from '../sql/resolve-table.js';
import { parseTableRows } from './tsv-table-rows.js';

/**
 * External change detection: changes chgate did not make (another client writing to ClickHouse directly, a
 * background merge of a Replacing/Collapsing/Aggregating MergeTree, a mutation or DDL run elsewhere) are found by
 * polling each writer's system tables every `intervalMs` and invalidating the tables that changed, through the same
 * path as a mutation finishing (lag window first, then the version bump).
 *
 * Per writer and interval, one query per system table, aggregated per table so the answer is one row a table:
 * - `system.parts` (active parts): count and a hash of the part names. Any insert, merge or mutation of a MergeTree
 *   table changes its set of active parts, and so the hash.
 * - `system.mutations`: count, hash of mutation ids, how many are unfinished; a table with one running is marked
 *   as mutating (its reads are not cached until the mutation tracker sees it done).
 * - `system.tables`: metadata modification time; a change, a new or a dropped table means DDL: the dependency graph
 *   is read again before the tables are invalidated.
 * The first successful poll of a writer invalidates every watched table it lists: nothing is known of what changed
 * before it (while chgate was down, or since its start).
 *
 * Not seen: engines without parts (Log family, Memory, Buffer contents before they are flushed to their MergeTree
 * destination, dictionaries), and every change while polls fail (counted; the next successful poll compares with
 * the last state it had, so changes made meanwhile are found then). chgate's own writes are seen too: a second
 * bump, an extra miss, never a stale hit.
 */
export interface WatchRules {
  /** Watched databases; with `tables`, empty both means every database but the system ones. */
  databases: readonly string[];
  /** Watched tables (`db.t`) in addition to the databases. */
  tables: readonly string[];
  /** Never watched: a database (`db`) or a table (`db.t`). Wins over the lists above. */
  exclude: readonly string[];
}

export type ExternalChangeSource = 'parts' | 'mutations' | 'tables';

export interface ExternalChange {
  writer: string;
  /** Resolved tables to invalidate, sorted. */
  changed: string[];
  /** Tables with an unfinished mutation, sorted. */
  mutating: string[];
  /** A table appeared, disappeared or had its metadata changed: the dependency graph must be read again. */
  schemaChanged: boolean;
  /** The tables found changed, per source (a table may be in several). */
  bySource: Record<ExternalChangeSource, number>;
  /** Server time (ms) of the newest active part of the tables whose parts changed; undefined when none did. */
  newestPartAtMs: number | undefined;
  /** True for a writer's first successful poll: everything it lists is invalidated. */
  first: boolean;
}

/** One writer node to poll, running read-only SQL as chgate's read user. */
export interface WriterTarget {
  name: string;
  query(sql: string): Promise<string>;
}

const systemDatabases = ['system', 'INFORMATION_SCHEMA', 'information_schema'];


/** True when `table` (`db.t`) is watched under `rules`. */
export function isWatched(table: string, rules: WatchRules): boolean {
  const database = databaseOfTable(table);
  if (systemDatabases.includes(database)) return false;
  if (rules.exclude.includes(table) || rules.exclude.includes(database)) return false;
  if (rules.databases.length === 0 && rules.tables.length === 0) return true;
  return rules.databases.includes(database) || rules.tables.includes(table);
}

/** The three poll queries; the databases are filtered on the server, the tables here (isWatched). */
export function externalChangeQueries(rules: WatchRules): Record<ExternalChangeSource, string> {
  const listed = [...new Set([...rules.databases, ...rules.tables.map(databaseOfTable)])].sort();
  const filter =
    `database NOT IN (${systemDatabases.map(sqlStringLiteral).join(', ')})` + (listed.length > 0 ? ` AND database IN (${listed.map(sqlStringLiteral).join(', ')})` : '');
  return {
    parts:
      'SELECT database, table, count(), sum(cityHash64(name)), toUInt32(max(modification_time)) FROM system.parts ' +
      `WHERE active AND ${filter} GROUP BY database, table FORMAT TabSeparated`,
    mutations:
      'SELECT database, table, count(), sum(cityHash64(mutation_id)), sum(is_done = 0) FROM system.mutations ' +
      `WHERE ${filter} GROUP BY database, table FORMAT TabSeparated`,
    tables: `SELECT database, name, toUInt32(metadata_modification_time) FROM system.tables WHERE ${filter} FORMAT TabSeparated`,
  };
}

/** Tables that appeared, disappeared, or whose signature (the first `width` values) changed. */
export function changedTables(before: ReadonlyMap<string, string[]>, after: ReadonlyMap<string, string[]>, width = Infinity): string[] {
  const signature = (values: string[] | undefined): string | undefined => values?.slice(0, width).join('\t');
  const changed: string[] = [];
  for (const [table, values] of after) if (signature(before.get(table)) !== signature(values)) changed.push(table);
  for (const table of before.keys()) if (!after.has(table)) changed.push(table);
  return changed;
}

interface WriterState {
  parts: Map<string, string[]>;
  mutations: Map<string, string[]>;
  tables: Map<string, string[]>;
}

export interface ExternalChangeWatcherOptions {
  /** The writers to poll now (a reload may change them). */
  writers: () => readonly WriterTarget[];
  intervalMs: number;
  rules: WatchRules;
  /** Must invalidate `changed` (after re-reading the schema when `schemaChanged`); awaited before the next poll. */
  onChange: (change: ExternalChange) => Promise<void>;
  onPoll?: (writer: string, result: 'ok' | 'error', error?: unknown) => void;
  now?: () => number;
}

export interface ExternalChangeWatcher {
  /** Polls every writer once (the timer calls this; tests and the start-up call it directly). */
  pollOnce(): Promise<void>;
  /** Starts the timer: a poll starts every intervalMs (at once when the last one took longer). */
  start(): void;
  /** Stops the timer; resolves once a poll in progress (and its invalidation) has ended. */
  stop(): Promise<void>;
}

export function createExternalChangeWatcher(options: ExternalChangeWatcherOptions): ExternalChangeWatcher {
  const { writers, intervalMs, rules, onChange, onPoll = () => {}, now = Date.now } = options;
  const queries = externalChangeQueries(rules);
  const states = new Map<string, WriterState>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = true;

  const watchedOnly = (rows: Map<string, string[]>): Map<string, string[]> => new Map([...rows].filter(([table]) => isWatched(table, rules)));

  const pollWriter = async (writer: WriterTarget): Promise<void> => {
    let next: WriterState;
    try {
      const [parts, mutations, tables] = await Promise.all([writer.query(queries.parts), writer.query(queries.mutations), writer.query(queries.tables)]);
      next = { parts: watchedOnly(parseTableRows(parts)), mutations: watchedOnly(parseTableRows(mutations)), tables: watchedOnly(parseTableRows(tables)) };
    } catch (error) {
      onPoll(writer.name, 'error', error);
      return;
    }
    onPoll(writer.name, 'ok');
    const before = states.get(writer.name);
    const mutating = [...next.mutations].filter(([, values]) => Number(values[2] ?? 0) > 0).map(([table]) => table).sort();
    // parts: count and name hash only; the newest part's time is not part of the signature.
    const byParts = before ? changedTables(before.parts, next.parts, 2) : [...next.parts.keys()];
    const byMutations = before ? changedTables(before.mutations, next.mutations) : [];
    const byTables = before ? changedTables(before.tables, next.tables) : [...next.tables.keys()];
    const newest = Math.max(0, ...byParts.map((table) => Number(next.parts.get(table)?.[2] ?? 0)));
    const changed = [...new Set([...byParts, ...byMutations, ...byTables])].sort();
    if (changed.length > 0 || mutating.length > 0) {
      // The state moves on only once the change is invalidated: a failed invalidation is tried again next time.
      await onChange({
        writer: writer.name,
        changed,
        mutating,
        schemaChanged: before !== undefined && byTables.length > 0,
        bySource: { parts: byParts.length, mutations: byMutations.length, tables: byTables.length },
        newestPartAtMs: before && newest > 0 ? newest * 1000 : undefined,
        first: before === undefined,
      });
    }
    states.set(writer.name, next);
  };

  const pollAll = async (): Promise<void> => {
    const current = writers();
    const names = new Set(current.map((writer) => writer.name));
    for (const name of states.keys()) if (!names.has(name)) states.delete(name);
    await Promise.all(current.map((writer) => pollWriter(writer).catch((error: unknown) => onPoll(writer.name, 'error', error))));
  };

  const pollOnce = (): Promise<void> => {
    polling ??= pollAll().finally(() => (polling = undefined));
    return polling;
  };

  const tick = (): void => {
    const startedAt = now();
    void pollOnce().finally(() => {
      if (stopped) return;
      timer = setTimeout(tick, Math.max(0, intervalMs - (now() - startedAt)));
      timer.unref();
    });
  };

  return {
    pollOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await polling;
    },
  };
}
