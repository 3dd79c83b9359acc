import { entryBytes, type CacheEntry } from './cache-entry.js';

/**
 * The in-process tier: least recently used first out, bounded in bytes (entryBytes: body + headers + key +
 * overhead). A Map finds the node, an intrusive doubly linked list orders them: get, set and each eviction are
 * O(1). Synchronous: the hit path awaits nothing.
 *
 * Why slabs: with one Buffer and a few objects per entry, RSS ran far past the bound under many distinct keys
 * (bench/cache-memory.ts, 32 MiB bound, 1M keys: +131 MiB RSS). Every evicted entry left an ArrayBuffer and objects
 * that died in V8's old space, which is collected only by a full GC: V8 lets external memory grow ~64 MiB and the
 * old space up to its (large) limit before running one, and malloc keeps the high-water mark. So an entry that fits
 * an eighth of a slab is a record (times + body) copied into one of a few large slabs the store owns and reuses:
 * an evicted record's space is reclaimed by compaction, in place, without the GC; its headers and tables are one
 * object shared by all entries that have the same ones. The node (11 fields) and the key are all the JS heap holds
 * per entry. Slab memory stays within 1.125 × the live records + 3 slabs. A larger entry is kept whole with an
 * exactly-sized body Buffer of its own (few per MiB, so their garbage is small), never a slice of a bigger one.
 *
 * Because slab space is reused, `get` hands out a copy of a record's body: a hit being written to a slow socket
 * must never see its bytes replaced by another entry. Headers and tables are shared: callers must not mutate them.
 */
export interface MemoryStore {
  /** Its body a copy the caller owns (or, for a large entry, a Buffer the store never reuses). */
  get(key: string, nowMs: number): CacheEntry | undefined;
  /**
   * False when the entry alone is larger than the bound (then it is not stored). A small body is copied into a
   * slab; a large one is kept as an exactly-sized Buffer (the caller's if it already is one, else a copy).
   */
  set(key: string, entry: CacheEntry): boolean;
  delete(key: string): boolean;
  clear(): void;
  readonly entries: number;
  /** Accounted bytes (entryBytes of every entry): what the bound applies to. */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly evictions: number;
  /** Memory outside the JS heap: slabs allocated (used or not) + the large entries' own body Buffers. */
  readonly heldBytes?: number;
}

interface Slab {
  memory: Buffer;
  /** Bump offset: bytes [0, used) are records, live or dead. */
  used: number;
  /** Bytes of live records in this slab. */
  live: number;
  /** Residents in offset order (compaction slides them down in this order). */
  first: LruNode | undefined;
  last: LruNode | undefined;
}

/**
 * Eleven fields and the key: the body and times of a small entry are a record in a slab, its headers and tables an
 * object shared by every entry with the same ones, so an entry costs the JS heap (and the GC, once evicted) as
 * little as it can. Record: +0 expiresAtMs f64 LE, +8 storedAtMs f64 LE, +16 the body.
 */
interface LruNode {
  key: string;
  bytes: number;
  newer: LruNode | undefined;
  older: LruNode | undefined;
  /** Either a record in a slab at [offset, offset + length) with shared metadata ... */
  slab: Slab | undefined;
  offset: number;
  length: number;
  prevInSlab: LruNode | undefined;
  nextInSlab: LruNode | undefined;
  metadata: SharedMetadata | undefined;
  /** ... or a large entry kept whole, its body an exactly-sized Buffer of its own. */
  whole: CacheEntry | undefined;
}

const recordHeaderBytes = 16;

/** Headers and tables as stored, shared by the entries that have the same (most do: format, server name). */
interface SharedMetadata {
  json: string;
  headers: Record<string, string>;
  tables: string[];
  users: number;
}

export interface MemoryStoreOptions {
  maxBytes: number;
  /** Called for each entry pushed out by the byte bound or for slab space (not for expired or replaced ones). */
  onEviction?: (key: string, bytes: number) => void;
  /** Slab size; by default maxBytes / 16 rounded down to a power of two, within 4 KiB .. 1 MiB. */
  slabBytes?: number;
}

function defaultSlabBytes(maxBytes: number): number {
  let size = 4096;
  while (size < 1024 * 1024 && size * 2 <= maxBytes / 16) size *= 2;
  return size;
}

/** A Buffer of exactly `body.length` bytes that shares memory with nothing else (the body itself if it is one). */
function ownedCopy(body: Buffer): Buffer {
  if (body.byteOffset === 0 && body.buffer.byteLength === body.length) return body;
  const copy = Buffer.allocUnsafeSlow(body.length);
  body.copy(copy);
  return copy;
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const { maxBytes, onEviction } = options;
  const slabSize = options.slabBytes ?? defaultSlabBytes(maxBytes);
  const largestInSlab = slabSize >>> 3;
  const nodes = new Map<string, LruNode>();
  const sharedMetadata = new Map<string, SharedMetadata>();
  let newest: LruNode | undefined;
  let oldest: LruNode | undefined;
  let bytes = 0;
  let evictions = 0;
  let slabs: Slab[] = [];
  let head: Slab | undefined;
  let liveInSlabs = 0;
  let ownBytes = 0;

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

  const leaveSlab = (node: LruNode): void => {
    const slab = node.slab;
    if (!slab) return;
    if (node.prevInSlab) node.prevInSlab.nextInSlab = node.nextInSlab;
    else slab.first = node.nextInSlab;
    if (node.nextInSlab) node.nextInSlab.prevInSlab = node.prevInSlab;
    else slab.last = node.prevInSlab;
    node.prevInSlab = undefined;
    node.nextInSlab = undefined;
    node.slab = undefined;
    slab.live -= node.length;
    liveInSlabs -= node.length;
  };

  const remove = (node: LruNode): void => {
    unlink(node);
    nodes.delete(node.key);
    bytes -= node.bytes;
    leaveSlab(node);
    if (node.metadata) releaseMetadata(node.metadata);
    node.metadata = undefined;
    if (node.whole) ownBytes -= node.whole.body.length;
    node.whole = undefined;
  };

  const evictOldest = (): boolean => {
    const victim = oldest;
    if (!victim) return false;
    remove(victim);
    evictions += 1;
    onEviction?.(victim.key, victim.bytes);
    return true;
  };

  /** Slides the live records of `slab` to its start, in order; its free space is then one run at the end. */
  const compact = (slab: Slab): void => {
    let offset = 0;
    for (let node = slab.first; node; node = node.nextInSlab) {
      if (node.offset !== offset) slab.memory.copy(slab.memory, offset, node.offset, node.offset + node.length);
      node.offset = offset;
      offset += node.length;
    }
    slab.used = offset;
  };

  // Another slab only while slab memory stays within 1.125 × the live records + 2 slabs.
  const mayAddSlab = (incoming: number): boolean => (slabs.length - 1) * slabSize <= (liveInSlabs + incoming) * 1.125;

  /** The non-head slab with the fewest live bytes, other than `exclude`. */
  const emptiest = (exclude?: Slab): Slab | undefined => {
    let found: Slab | undefined;
    for (const slab of slabs) if (slab !== head && slab !== exclude && (!found || slab.live < found.live)) found = slab;
    return found;
  };

  /**
   * A slab with room for `length` bytes at its end: the head, a compacted slab, a new slab, or (last) the same after
   * LRU evictions. When shrinking (`mayGrow` false) only the first two, never into `exclude`.
   */
  const reserve = (length: number, mayGrow = true, exclude?: Slab): Slab | undefined => {
    for (;;) {
      if (head && head !== exclude && head.used + length <= slabSize) return head;
      const victim = emptiest(exclude);
      const reclaimable = victim ? slabSize - victim.live : 0;
      // Compacting pays when it frees at least an eighth of a slab; an emptied slab (the usual case) costs nothing.
      if (victim && reclaimable >= Math.max(length, largestInSlab)) {
        compact(victim);
        head = victim;
        continue;
      }
      if (mayGrow && mayAddSlab(length)) {
        head = { memory: Buffer.allocUnsafeSlow(slabSize), used: 0, live: 0, first: undefined, last: undefined };
        slabs.push(head);
        continue;
      }
      if (victim && reclaimable >= length) {
        compact(victim);
        head = victim;
        continue;
      }
      // Every slab is dense: evicting the least recently used entry lowers the live bytes of one.
      if (!mayGrow || !evictOldest()) return undefined;
    }
  };

  /** Appends `node`'s record of `length` bytes at the end of `slab` (the caller writes the bytes there). */
  const joinSlab = (node: LruNode, slab: Slab, length: number): void => {
    node.slab = slab;
    node.offset = slab.used;
    node.length = length;
    slab.used += node.length;
    slab.live += node.length;
    liveInSlabs += node.length;
    node.prevInSlab = slab.last;
    node.nextInSlab = undefined;
    if (slab.last) slab.last.nextInSlab = node;
    else slab.first = node;
    slab.last = node;
  };

  /**
   * Evictions, deletes and expiry lower the live bytes but free no slab. Past 3 slabs over the allowance, the
   * emptiest slabs are moved out (their records copied into the others) and dropped, down to the allowance.
   */
  const shrink = (): void => {
    if ((slabs.length - 3) * slabSize <= liveInSlabs * 1.125) return;
    while ((slabs.length - 2) * slabSize > liveInSlabs * 1.125) {
      const victim = emptiest();
      if (!victim) return;
      for (let node = victim.first; node; ) {
        const next = node.nextInSlab;
        const target = reserve(node.length, false, victim);
        if (!target) return; // no room elsewhere now: the next change tries again
        const { offset, length } = node;
        leaveSlab(node);
        victim.memory.copy(target.memory, target.used, offset, offset + length);
        joinSlab(node, target, length);
        node = next;
      }
      slabs.splice(slabs.indexOf(victim), 1);
    }
  };

  /** The shared copy of these headers and tables; released with `releaseMetadata` when the entry goes. */
  const shareMetadata = (entry: CacheEntry): SharedMetadata => {
    const json = JSON.stringify([entry.headers, entry.tables]);
    let metadata = sharedMetadata.get(json);
    if (!metadata) {
      metadata = { json, headers: { ...entry.headers }, tables: [...entry.tables], users: 0 };
      sharedMetadata.set(json, metadata);
    }
    metadata.users += 1;
    return metadata;
  };

  const releaseMetadata = (metadata: SharedMetadata): void => {
    metadata.users -= 1;
    if (metadata.users === 0) sharedMetadata.delete(metadata.json);
  };

  /** Into a slab as a record when it fits an eighth of one, else kept whole with its own body Buffer. */
  const place = (node: LruNode, entry: CacheEntry): void => {
    const length = recordHeaderBytes + entry.body.length;
    const slab = length <= largestInSlab ? reserve(length) : undefined;
    if (!slab) {
      node.whole = { ...entry, body: ownedCopy(entry.body) };
      ownBytes += entry.body.length;
      return;
    }
    const memory = slab.memory;
    const at = slab.used;
    memory.writeDoubleLE(entry.expiresAtMs, at);
    memory.writeDoubleLE(entry.storedAtMs, at + 8);
    entry.body.copy(memory, at + recordHeaderBytes);
    joinSlab(node, slab, length);
    node.metadata = shareMetadata(entry);
  };

  const expiresAtOf = (node: LruNode): number => node.whole?.expiresAtMs ?? (node.slab as Slab).memory.readDoubleLE(node.offset);

  /** A fresh entry from a record: its body a copy (from Node's pool when small: it dies young with the response). */
  const entryOf = (node: LruNode): CacheEntry => {
    if (node.whole) return node.whole;
    const memory = (node.slab as Slab).memory;
    const metadata = node.metadata as SharedMetadata;
    const at = node.offset;
    const body = Buffer.allocUnsafe(node.length - recordHeaderBytes);
    memory.copy(body, 0, at + recordHeaderBytes, at + node.length);
    return { status: 200, headers: metadata.headers, body, storedAtMs: memory.readDoubleLE(at + 8), expiresAtMs: memory.readDoubleLE(at), tables: metadata.tables };
  };

  return {
    get(key, nowMs) {
      const node = nodes.get(key);
      if (!node) return undefined;
      if (expiresAtOf(node) <= nowMs) {
        remove(node);
        shrink();
        return undefined;
      }
      if (node !== newest) {
        unlink(node);
        pushNewest(node);
      }
      return entryOf(node);
    },
    set(key, entry) {
      const size = entryBytes(key, entry);
      const existing = nodes.get(key);
      if (existing) remove(existing);
      if (size > maxBytes) return false;
      // Room by the byte bound first, so the body's slab space is reserved among survivors only.
      while (bytes + size > maxBytes && evictOldest());
      const node: LruNode = {
        key,
        bytes: size,
        newer: undefined,
        older: undefined,
        slab: undefined,
        offset: 0,
        length: 0,
        prevInSlab: undefined,
        nextInSlab: undefined,
        metadata: undefined,
        whole: undefined,
      };
      place(node, entry);
      nodes.set(key, node);
      pushNewest(node);
      bytes += size;
      shrink();
      return true;
    },
    delete(key) {
      const node = nodes.get(key);
      if (node) remove(node);
      if (node) shrink();
      return node !== undefined;
    },
    clear() {
      nodes.clear();
      sharedMetadata.clear();
      newest = undefined;
      oldest = undefined;
      bytes = 0;
      slabs = [];
      head = undefined;
      liveInSlabs = 0;
      ownBytes = 0;
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
    get heldBytes() {
      return slabs.length * slabSize + ownBytes;
    },
  };
}
