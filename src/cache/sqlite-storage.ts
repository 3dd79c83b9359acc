import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import Keyv from 'keyv';
import { encodeTime, expiresAtOffset, storedAtOffset } from './entry-codec.js';
import { createBinaryKeyv } from './keyv-store.js';

/**
 * The embedded persistent tier: one sqlite file holding two keyv tables, `chgate_entries` (binary entries) and
 * `chgate_versions` (table versions, so invalidations made before a restart still hold after it). @keyv/sqlite
 * never deletes expired rows itself, so `prune` does, with SQL over the entry layout's fixed-offset times.
 * One chgate process per file; several instances share a cache through Redis instead (redis-storage.ts).
 */
export interface SqliteStorage {
  entries: Keyv;
  versions: Keyv;
  /** Deletes expired entries, then the oldest stored ones until the entries take at most `maxBytes`. */
  prune(nowMs: number, maxBytes: number): Promise<void>;
  close(): Promise<void>;
}

const entriesTable = 'chgate_entries';
const versionsTable = 'chgate_versions';

/** Runs `statements` in order; on failure closes the adapter and rejects. */
async function prepare(adapter: KeyvSqlite, statements: readonly string[]): Promise<void> {
  try {
    for (const statement of statements) await adapter.query(statement);
  } catch (error) {
    await adapter.disconnect().catch(() => {});
    throw error;
  }
}

/** Rejects when the file cannot be opened or written: the caller then runs with the memory tier only. */
export async function openSqliteStorage(path: string): Promise<SqliteStorage> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  // One after the other: two connections creating tables and switching to WAL at once can get SQLITE_BUSY.
  const entriesAdapter = new KeyvSqlite({ uri: `sqlite://${path}`, table: entriesTable, busyTimeout: 5000 });
  // Keyv listens for the adapter's 'error' events; an adapter emitting one with no listener would throw.
  const entries = createBinaryKeyv(entriesAdapter);
  // Querying in the same tick gives the connection promise a handler before it can reject.
  // The page cache is per connection and bounded (2 MB here, as the library's build default, pinned so another
  // build cannot change it); the prune's sort spills to a temp file rather than memory. mmap stays off.
  await prepare(entriesAdapter, [
    'PRAGMA journal_mode=WAL',
    'PRAGMA synchronous=NORMAL',
    'PRAGMA cache_size=-2000',
    'PRAGMA temp_store=FILE',
    'PRAGMA mmap_size=0',
  ]);
  const versionsAdapter = new KeyvSqlite({ uri: `sqlite://${path}`, table: versionsTable, busyTimeout: 5000 });
  const versions = new Keyv({ store: versionsAdapter, namespace: 'chgate', throwOnErrors: true });
  await prepare(versionsAdapter, ['PRAGMA synchronous=NORMAL', 'PRAGMA cache_size=-256']).catch(async (error: unknown) => {
    await entriesAdapter.disconnect().catch(() => {});
    throw error;
  });

  return {
    entries,
    versions,
    async prune(nowMs, maxBytes) {
      const expires = `substr(value, ${expiresAtOffset + 1}, 8)`;
      const storedAt = `substr(value, ${storedAtOffset + 1}, 8)`;
      await entriesAdapter.query(`DELETE FROM ${entriesTable} WHERE ${expires} < ?`, encodeTime(nowMs));
      await entriesAdapter.query(
        `DELETE FROM ${entriesTable} WHERE key IN (SELECT key FROM (SELECT key, sum(length(value)) OVER ` +
          `(ORDER BY ${storedAt} DESC, key) AS kept FROM ${entriesTable}) WHERE kept > ?)`,
        maxBytes,
      );
    },
    async close() {
      await Promise.allSettled([entriesAdapter.disconnect(), versionsAdapter.disconnect()]);
    },
  };
}
