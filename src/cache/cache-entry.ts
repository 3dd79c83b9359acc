/** One stored response and the contract every store tier honours. */
export interface CacheEntry {
  /** Only complete 200 responses are ever stored. */
  status: 200;
  /** The ClickHouse response headers replayed on a hit (see `storableHeaders`). */
  headers: Record<string, string>;
  body: Buffer;
  storedAtMs: number;
  expiresAtMs: number;
  /** Resolved tables the statement read: for operators and debugging; invalidation works through the key. */
  tables: string[];
}

/**
 * A store tier. Failures are the tier's business: `get` resolves to undefined (a miss) and `set` drops the entry,
 * both reported through the tier's error callback, so a broken store can never fail a query.
 */
export interface ResultStore {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export type StoreOperation = 'get' | 'set' | 'delete' | 'clear' | 'prune' | 'versions' | 'open';

/** Called when a store operation failed and was turned into a miss or a dropped write. */
export type StoreErrorHandler = (operation: StoreOperation, error: unknown) => void;

/**
 * What an entry costs in memory beyond the characters counted: the LRU node, the key string's header, its Map slot
 * (~270 B of JS heap per entry, measured with bench/cache-memory.ts at 168k entries), the record's 16-byte header
 * in a slab and the slabs' free space (up to 12.5% of a record, see memory-store.ts); rounded up.
 */
export const entryOverheadBytes = 400;

/** The bytes the memory tier accounts for an entry: body + headers + key + tables + fixed overhead. */
export function entryBytes(key: string, entry: CacheEntry): number {
  let bytes = entryOverheadBytes + key.length + entry.body.length;
  for (const name in entry.headers) bytes += name.length + (entry.headers[name]?.length ?? 0);
  for (const table of entry.tables) bytes += table.length;
  return bytes;
}

export function isExpired(entry: CacheEntry, nowMs: number): boolean {
  return entry.expiresAtMs <= nowMs;
}

/** For the `Age` response header of a hit. */
export function ageSeconds(entry: CacheEntry, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - entry.storedAtMs) / 1000));
}

// Per-request or per-connection headers: a hit gets its own query id, length and connection handling.
const perRequestHeaders: ReadonlySet<string> = new Set([
  'x-clickhouse-query-id',
  'x-clickhouse-progress',
  'x-clickhouse-exception-code',
]);

/**
 * The upstream response headers worth replaying on a hit: those that describe the body (`Content-Type`,
 * `Content-Encoding`, `X-ClickHouse-Format`, `-Summary`, `-Timezone`, `-Server-Display-Name`, ...), lower-cased.
 */
export function storableHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    const describesBody = name === 'content-type' || name === 'content-encoding' || name.startsWith('x-clickhouse-');
    if (describesBody && !perRequestHeaders.has(name)) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
