import { sqlStringLiteral } from '../sql/names.js';
import { readBounded } from '../response/read-bounded.js';
import { backendUserHeaders } from '../upstream/backend-user-headers.js';
import type { NodeChoice } from '../upstream/upstream-cluster.js';
import type { UpstreamNode } from '../upstream/upstream-node.js';
import { callsNonDeterministicFunction, type InsertTarget } from './insert-dedup.js';

/** Whether ClickHouse drops a block of this table that it has already written, and where it remembers blocks. */
export type TableDedup =
  | { deduplicates: true; zookeeperPath: string }
  | { deduplicates: false; reason: 'unknown' | 'not-replicated' | 'materialized-views' | 'deduplication-off' | 'non-deterministic-default' };

/** One row of the lookup below, as ClickHouse's JSONEachRow gives it (64-bit integers quoted). */
export interface TableDescription {
  engine: string;
  engine_full: string;
  views: string | number;
  zookeeper_paths: string[];
  defaults: string[];
  server_window: string | null;
  insert_deduplicate: string | null;
}

/**
 * Judges a table from ClickHouse's own description of it. Deduplicated: a Replicated*MergeTree (ClickHouse keeps the
 * hashes of its last blocks in ZooKeeper, under the table's path), with a deduplication window above 0 and
 * insert_deduplicate on for the user. Not trusted: tables that feed materialized views (whether a view skips a
 * deduplicated block depends on the server version) and tables with a DEFAULT or MATERIALIZED column computed by a
 * non-deterministic function (`ts DateTime DEFAULT now()` makes the second attempt a different block).
 */
export function judgeTable(row: TableDescription | undefined): TableDedup {
  if (!row) return { deduplicates: false, reason: 'unknown' };
  const [zookeeperPath, ...others] = row.zookeeper_paths;
  if (!/^Replicated\w*MergeTree$/.test(row.engine) || zookeeperPath === undefined || others.length > 0) {
    return { deduplicates: false, reason: 'not-replicated' };
  }
  if (Number(row.views) > 0) return { deduplicates: false, reason: 'materialized-views' };
  const tableWindow = /\breplicated_deduplication_window\s*=\s*(\d+)/.exec(row.engine_full)?.[1];
  const window = Number(tableWindow ?? row.server_window ?? '1');
  if (window === 0 || row.insert_deduplicate === '0') return { deduplicates: false, reason: 'deduplication-off' };
  if (row.defaults.some(callsNonDeterministicFunction)) return { deduplicates: false, reason: 'non-deterministic-default' };
  return { deduplicates: true, zookeeperPath };
}


/**
 * One statement for everything judgeTable needs, on every server version since 18.16. An unqualified table is
 * looked up in currentDatabase() of the same user the INSERT runs as, so both name the same table.
 */
export function describeTableSql(target: InsertTarget): string {
  const database = target.database === undefined ? 'currentDatabase()' : sqlStringLiteral(target.database);
  const table = sqlStringLiteral(target.table);
  return [
    'SELECT engine, engine_full, length(dependencies_table) AS views,',
    `  (SELECT groupArray(zookeeper_path) FROM system.replicas WHERE database = ${database} AND table = ${table}) AS zookeeper_paths,`,
    `  (SELECT groupArray(default_expression) FROM system.columns WHERE database = ${database} AND table = ${table}`,
    "    AND default_kind IN ('DEFAULT', 'MATERIALIZED')) AS defaults,",
    "  (SELECT any(value) FROM system.merge_tree_settings WHERE name = 'replicated_deduplication_window') AS server_window,",
    "  (SELECT any(value) FROM system.settings WHERE name = 'insert_deduplicate') AS insert_deduplicate",
    `FROM system.tables WHERE database = ${database} AND name = ${table}`,
    'FORMAT JSONEachRow',
  ].join('\n');
}

export interface DedupTables {
  /**
   * How `choice.node` treats a repeated INSERT into `target`, asked as `choice`'s user. Known answers are kept for
   * the TTL; a failed lookup answers `unknown` (never retried) and is not kept.
   */
  lookUp(choice: NodeChoice, target: InsertTarget): Promise<TableDedup>;
  /** What was cached is asked again next time: after DDL through chgate, which may have changed an engine. */
  forget(): void;
}

export interface DedupTablesOptions {
  ttlMs: number;
  /** Bound on one lookup: an INSERT waits for it before it is sent. */
  timeoutMs: number;
  now?: () => number;
}

export function createDedupTables(options: DedupTablesOptions): DedupTables {
  const now = options.now ?? Date.now;
  // Per node object, so nodes of the same name in two clusters (or replaced by a reload) never share answers.
  let known = new WeakMap<UpstreamNode, Map<string, { at: number; answer: Promise<TableDedup> }>>();

  async function ask(choice: NodeChoice, target: InsertTarget): Promise<TableDedup> {
    const response = await choice.node.request({
      method: 'POST',
      path: '/',
      headers: backendUserHeaders(choice.credentials),
      body: Buffer.from(describeTableSql(target)),
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeoutMs: options.timeoutMs,
    });
    const text = (await readBounded(response.body, 1024 * 1024)).toString('utf8');
    if (response.statusCode !== 200) throw new Error(`table lookup answered ${response.statusCode}: ${text.slice(0, 200)}`);
    const line = text.split('\n').find((each) => each.trim() !== '');
    return judgeTable(line === undefined ? undefined : (JSON.parse(line) as TableDescription));
  }

  return {
    lookUp(choice, target) {
      const tables = known.get(choice.node) ?? new Map<string, { at: number; answer: Promise<TableDedup> }>();
      known.set(choice.node, tables);
      const key = `${target.database ?? ''}\0${target.table}`;
      const cached = tables.get(key);
      if (cached && now() - cached.at < options.ttlMs) return cached.answer;
      const entry = {
        at: now(),
        answer: ask(choice, target).catch((): TableDedup => {
          if (tables.get(key) === entry) tables.delete(key);
          return { deduplicates: false, reason: 'unknown' };
        }),
      };
      tables.set(key, entry);
      return entry.answer;
    },
    forget() {
      known = new WeakMap();
    },
  };
}
