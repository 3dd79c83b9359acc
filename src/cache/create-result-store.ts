import { defaultCacheConfig, type CacheConfig } from './cache-config.js';
import type { CacheEntry, ResultStore, StoreErrorHandler } from './cache-entry.js';
import { createKeyvStore, createKeyvVersionPersistence } from './keyv-store.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';
import type { SharedState } from './redis-shared-state.js';
import { openSqliteStorage } from './sqlite-storage.js';
import { createTableVersions, openPersistentTableVersions, type TableVersions } from './table-versions.js';

export type HitTier = 'memory' | 'persistent';

/** Memory in front of an optional persistent tier: read memory, then the persistent tier (promoting a hit). */
export interface TieredStore extends ResultStore {
  /** The hit path: memory synchronously, the persistent tier only on a memory miss. */
  lookup(key: string): Promise<{ entry: CacheEntry; tier: HitTier } | undefined>;
  readonly memory: MemoryStore;
  readonly hasPersistentTier: boolean;
}

export interface TieredStoreOptions {
  memory: MemoryStore;
  persistent?: ResultStore;
  now?: () => number;
}

export function createTieredStore(options: TieredStoreOptions): TieredStore {
  const { memory, persistent, now = Date.now } = options;
  const lookup = async (key: string): Promise<{ entry: CacheEntry; tier: HitTier } | undefined> => {
    const inMemory = memory.get(key, now());
    if (inMemory) return { entry: inMemory, tier: 'memory' };
    if (!persistent) return undefined;
    const stored = await persistent.get(key);
    if (!stored) return undefined;
    memory.set(key, stored);
    return { entry: stored, tier: 'persistent' };
  };
  return {
    lookup,
    memory,
    hasPersistentTier: persistent !== undefined,
    async get(key) {
      return (await lookup(key))?.entry;
    },
    async set(key, entry) {
      memory.set(key, entry);
      await persistent?.set(key, entry);
    },
    async delete(key) {
      memory.delete(key);
      await persistent?.delete(key);
    },
    async clear() {
      memory.clear();
      await persistent?.clear();
    },
    async close() {
      await persistent?.close();
    },
  };
}

export interface CacheStorage {
  store: TieredStore;
  versions: TableVersions;
  /**
   * Redis: versions, write times and mutation marks shared by every instance, read at each lookup (the local
   * `versions` are then unused).
   */
  shared?: SharedState;
  /** Prune the persistent tier now (also done every cache.store.prune_interval_ms). */
  prune(): Promise<void>;
  close(): Promise<void>;
}

export interface CacheStorageOptions {
  onStoreError: StoreErrorHandler;
  onEviction?: (key: string, bytes: number) => void;
  /** An entry kept in memory only: the persistent tier's write queue was full (NotStoredReason 'write-queue-full'). */
  onWriteDropped?: () => void;
  /** Redis: the shared store became (un)available; reads bypass the cache while it is not. */
  onStoreAvailability?: (available: boolean, reason: string) => void;
  now?: () => number;
}

/** Bytes of encoded entries waiting for the persistent tier: an eighth of the memory tier, within 1 .. 16 MiB. */
export function maxPendingWriteBytesFor(config: Pick<CacheConfig, 'maxMemoryBytes'>): number {
  return Math.min(16 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(config.maxMemoryBytes / 8)));
}

/**
 * Builds the stores and the table versions from config. `sqlite`: memory tier + sqlite file, versions persisted
 * in the same file. When the file cannot be opened, chgate runs with the memory tier only (reported as an 'open'
 * store error), because a broken cache must never stop queries.
 */
export async function createResultStore(config: CacheConfig, options: CacheStorageOptions): Promise<CacheStorage> {
  const { onStoreError, onEviction, onWriteDropped, now = Date.now } = options;
  const memory = createMemoryStore({ maxBytes: config.maxMemoryBytes, ...(onEviction ? { onEviction } : {}) });
  const memoryOnly = (): CacheStorage => ({
    store: createTieredStore({ memory, now }),
    versions: createTableVersions({ onError: (error) => onStoreError('versions', error) }),
    prune: async () => {},
    close: async () => {},
  });
  if (config.store.kind === 'memory') return memoryOnly();
  if (config.store.kind === 'redis') {
    // Loaded only here: the Redis client costs a chgate without Redis about 10 MB of memory.
    const { openRedisStorage } = await import('./redis-storage.js');
    const redis = openRedisStorage(config, {
      memory,
      onStoreError,
      maxPendingWriteBytes: maxPendingWriteBytesFor(config),
      ...(options.onStoreAvailability ? { onAvailability: options.onStoreAvailability } : {}),
      ...(onWriteDropped ? { onWriteDropped } : {}),
      now,
    });
    return {
      store: createTieredStore({ memory, persistent: redis.entries, now }),
      versions: createTableVersions(),
      shared: redis.shared,
      prune: async () => {},
      close: () => redis.close(),
    };
  }

  let sqlite: Awaited<ReturnType<typeof openSqliteStorage>>;
  let versions: TableVersions;
  try {
    sqlite = await openSqliteStorage(config.store.path);
  } catch (error) {
    onStoreError('open', error);
    return memoryOnly();
  }
  try {
    const opened = await openPersistentTableVersions(createKeyvVersionPersistence(sqlite.versions), {
      onError: (error) => onStoreError('versions', error),
    });
    versions = opened.versions;
  } catch (error) {
    onStoreError('open', error);
    await sqlite.close();
    return memoryOnly();
  }

  const opened = sqlite;
  const prune = async (): Promise<void> => {
    try {
      await opened.prune(now(), config.store.maxBytes ?? defaultCacheConfig.store.maxBytes);
    } catch (error) {
      onStoreError('prune', error);
    }
  };
  const timer = setInterval(() => void prune(), config.store.pruneIntervalMs ?? defaultCacheConfig.store.pruneIntervalMs);
  timer.unref();
  const persistent = createKeyvStore(opened.entries, {
    onError: onStoreError,
    now,
    maxPendingWriteBytes: maxPendingWriteBytesFor(config),
    ...(onWriteDropped ? { onWriteDropped } : {}),
  });
  return {
    store: createTieredStore({ memory, persistent, now }),
    versions,
    prune,
    async close() {
      clearInterval(timer);
      // Versions first: their clean close is what lets the next start trust the entries in the file.
      await versions.close();
      await persistent.close();
      await opened.close();
    },
  };
}
