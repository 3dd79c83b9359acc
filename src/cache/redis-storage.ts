import KeyvRedis, { createClient } from '@keyv/redis';
import { RESP_TYPES } from '@redis/client';
import { defaultCacheConfig, type CacheConfig } from './cache-config.js';
import type { StoreErrorHandler } from './cache-entry.js';
import { createBinaryKeyv, createKeyvStore } from './keyv-store.js';
import type { MemoryStore } from './memory-store.js';
import { createSharedState, type SharedState } from './redis-shared-state.js';

/**
 * `cache.store.kind: redis`: entries through keyv (@keyv/redis) as binary frames (entry-codec.ts) with the
 * entry's TTL, and the shared state (redis-shared-state.ts) through the same connection. The client fails
 * commands at once while disconnected (no offline queue: a write must not wait for Redis) and reconnects by itself.
 * Opening never fails: until the first connection is made, every read bypasses the cache.
 */
export interface RedisStorage {
  entries: ReturnType<typeof createKeyvStore>;
  shared: SharedState;
  close(): Promise<void>;
}

export interface RedisStorageOptions {
  memory: MemoryStore;
  onStoreError: StoreErrorHandler;
  onAvailability?: (available: boolean, reason: string) => void;
  onWriteDropped?: () => void;
  maxPendingWriteBytes: number;
  now?: () => number;
}

/** Mutation marks outlive a dead instance this long unless another one picks the mutation up (on a lookup). */
const markTtlMs = 60 * 60 * 1000;

export function openRedisStorage(config: CacheConfig, options: RedisStorageOptions): RedisStorage {
  const { store } = config;
  const defaults = defaultCacheConfig.store;
  const keyPrefix = store.keyPrefix ?? defaults.keyPrefix;
  const client = createClient({
    url: store.url ?? defaults.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: store.connectTimeoutMs ?? defaults.connectTimeoutMs,
      // Often: an instance still reconnecting while others already use a restarted Redis makes its writes wait.
      reconnectStrategy: (retries: number) => Math.min(25 * 2 ** retries, 200),
    },
    // Bulk strings as Buffers: entry bodies are binary, and keys are never decoded.
    commandOptions: { timeout: store.commandTimeoutMs ?? defaults.commandTimeoutMs, typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
  });
  const shared = createSharedState({
    client: { sendCommand: (args) => client.sendCommand(args), get isReady() { return client.isReady; } },
    stateKey: `${keyPrefix}state`,
    windowMs: config.replicaLagWindowMs,
    markTtlMs,
    writeWaitMs: store.commandTimeoutMs ?? defaults.commandTimeoutMs,
    onError: options.onStoreError,
    ...(options.onAvailability ? { onAvailability: options.onAvailability } : {}),
    // Entries of an older incarnation are unreachable: free their memory now instead of waiting for the LRU.
    onIncarnationChange: () => options.memory.clear(),
    ...(options.now ? { now: options.now } : {}),
  });
  // Errors are reported per operation (store errors); the event only says the connection is gone.
  client.on('error', (error: unknown) => shared.disconnected(error));
  client.on('end', () => shared.disconnected());
  client.on('ready', () => shared.connected());
  client.connect().catch((error: unknown) => options.onStoreError('open', error));

  // The adapter's types know only the default type mapping; at run time it just calls get/set/del on the client.
  const adapter = new KeyvRedis(client as unknown as ConstructorParameters<typeof KeyvRedis>[0], { throwOnErrors: true, throwOnConnectError: true, keyPrefixSeparator: '' });
  // Failures reach createKeyvStore as rejections; the adapter's own error events would otherwise throw.
  adapter.on('error', () => {});
  const keyv = createBinaryKeyv(adapter, `${keyPrefix}e:`);
  // The adapter prefixes the namespace itself (`<key_prefix>e:<hex key>`); keyv's own prefix would double it.
  keyv.useKeyPrefix = false;
  const entries = createKeyvStore(keyv, {
    onError: options.onStoreError,
    maxPendingWriteBytes: options.maxPendingWriteBytes,
    ...(options.onWriteDropped ? { onWriteDropped: options.onWriteDropped } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    entries,
    shared,
    async close() {
      shared.close();
      try {
        if (client.isOpen) await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}
