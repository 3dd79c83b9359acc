import { entryBytes, isExpired, type CacheEntry } from './cache-entry.js';

/**
 * The in-process tier: least recently used first out, bounded in bytes (entryBytes: body + headers + key +
 * overhead). A Map finds the node, an intrusive doubly linked list orders them: get, set and each eviction are
 * O(1). Synchronous: the hit path awaits nothing.
 */
export interface MemoryStore {
  get(key: string, nowMs: number): CacheEntry | undefined;
  /** False when the entry alone is larger than the bound (then it is not stored). */
  set(key: string, entry: CacheEntry): boolean;
  delete(key: string): boolean;
  clear(): void;
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  readonly evictions: number;
}

interface LruNode {
  key: string;
  entry: CacheEntry;
  bytes: number;
  newer: LruNode | undefined;
  older: LruNode | undefined;
}

export interface MemoryStoreOptions {
  maxBytes: number;
  /** Called for each entry pushed out by the byte bound (not for expired or replaced ones). */
  onEviction?: (key: string, bytes: number) => void;
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const { maxBytes, onEviction } = options;
  const nodes = new Map<string, LruNode>();
  let newest: LruNode | undefined;
  let oldest: LruNode | undefined;
  let bytes = 0;
  let evictions = 0;

  const unlink = (node: LruNode): void => {
    if (node.newer) node.newer.older = node.older;
    else newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else oldest = node.newer;
    node.newer = undefined;
    node.older = undefined;
  };

  const pushNewest = (node: LruNode): void => {
    node.older = newest;
    node.newer = undefined;
    if (newest) newest.newer = node;
    newest = node;
    oldest ??= node;
  };

  const remove = (node: LruNode): void => {
    unlink(node);
    nodes.delete(node.key);
    bytes -= node.bytes;
  };

  return {
    get(key, nowMs) {
      const node = nodes.get(key);
      if (!node) return undefined;
      if (isExpired(node.entry, nowMs)) {
        remove(node);
        return undefined;
      }
      if (node !== newest) {
        unlink(node);
        pushNewest(node);
      }
      return node.entry;
    },
    set(key, entry) {
      const size = entryBytes(key, entry);
      const existing = nodes.get(key);
      if (existing) remove(existing);
      if (size > maxBytes) return false;
      const node: LruNode = { key, entry, bytes: size, newer: undefined, older: undefined };
      nodes.set(key, node);
      pushNewest(node);
      bytes += size;
      while (bytes > maxBytes && oldest) {
        const victim = oldest;
        remove(victim);
        evictions += 1;
        onEviction?.(victim.key, victim.bytes);
      }
      return true;
    },
    delete(key) {
      const node = nodes.get(key);
      if (node) remove(node);
      return node !== undefined;
    },
    clear() {
      nodes.clear();
      newest = undefined;
      oldest = undefined;
      bytes = 0;
    },
    get entries() {
      return nodes.size;
    },
    get bytes() {
      return bytes;
    },
    maxBytes,
    get evictions() {
      return evictions;
    },
  };
}
