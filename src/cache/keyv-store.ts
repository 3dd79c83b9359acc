import Keyv, { type DeserializedData, type Deserialize, type KeyvStoreAdapter, type Serialize } from 'keyv';
import { isExpired, type ResultStore, type StoreErrorHandler } from './cache-entry.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import type { VersionPersistence } from './table-versions.js';

/**
 * The persistent tier through keyv. Entries are stored as one Buffer each (entry-codec.ts): keyv's own
 * serialization (JSON, Buffers as base64) is replaced by a pass-through, so the adapter receives the Buffer itself;
 * @keyv/sqlite binds it as a BLOB (its `value TEXT` column keeps a BLOB as is: SQLite's TEXT affinity converts
 * only numbers) and node-sqlite3 returns a BLOB as a Buffer. keyv 5 hands a non-string raw value back untouched
 * (`get(key, { raw: true })`), without calling deserialize. An adapter that only stores strings cannot be used
 * here; the round-trip test in test/unit/cache/keyv-store.test.ts guards this against keyv upgrades.
 *
 * Expiry is checked here from the entry's own expiresAtMs (keyv cannot see inside the Buffer); the TTL is passed
 * to the adapter too, for adapters that expire keys themselves (Redis).
 */

// keyv calls serialize with { value, expires }; the Buffer goes to the adapter as it is.
const passBufferThrough = ((data: DeserializedData<unknown>) => data.value) as unknown as Serialize;
// Called by keyv only for string values, which this tier never writes: treated as absent.
const ignoreStrings = (() => undefined) as Deserialize;

/** A Keyv over `store` whose values are Buffers passed to the adapter unchanged; errors reach the caller. */
export function createBinaryKeyv(store: KeyvStoreAdapter | Map<unknown, unknown>, namespace = 'chgate'): Keyv {
  return new Keyv({ store: store as KeyvStoreAdapter, namespace, serialize: passBufferThrough, deserialize: ignoreStrings, throwOnErrors: true });
}

function asBuffer(raw: unknown): Buffer | undefined {
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

export interface KeyvStoreOptions {
  onError: StoreErrorHandler;
  now?: () => number;
  /**
   * Bounds on writes sent and not yet done. node-sqlite3 queues every statement it is handed, without limit, each
   * holding its encoded entry: misses arriving faster than the disk takes them would grow memory without end. A
   * write past either bound is dropped (the memory tier still has the entry) and reported to onWriteDropped.
   */
  maxPendingWrites?: number;
  maxPendingWriteBytes?: number;
  onWriteDropped?: () => void;
}

/** Writes in flight: a few milliseconds' worth at the disk's pace, far more than a steady load needs. */
export const defaultMaxPendingWrites = 1000;
export const defaultMaxPendingWriteBytes = 16 * 1024 * 1024;

/** A ResultStore over a Keyv made by createBinaryKeyv. Never rejects: failures become misses and dropped writes. */
export function createKeyvStore(keyv: Keyv, options: KeyvStoreOptions): ResultStore {
  const { onError, now = Date.now, onWriteDropped } = options;
  const maxPendingWrites = options.maxPendingWrites ?? defaultMaxPendingWrites;
  const maxPendingWriteBytes = options.maxPendingWriteBytes ?? defaultMaxPendingWriteBytes;
  let pendingWrites = 0;
  let pendingWriteBytes = 0;
  return {
    async get(key) {
      let raw: unknown;
      try {
        raw = await keyv.get(key, { raw: true });
      } catch (error) {
        onError('get', error);
        return undefined;
      }
      if (raw === undefined || raw === null) return undefined;
      const frame = asBuffer(raw);
      const entry = frame && decodeEntry(frame);
      if (!entry) {
        onError('get', new Error(`cache entry ${key} is not in a known layout`));
        return undefined;
      }
      if (isExpired(entry, now())) {
        keyv.delete(key).catch((error: unknown) => onError('delete', error));
        return undefined;
      }
      return entry;
    },
    async set(key, entry) {
      const frame = pendingWrites < maxPendingWrites ? encodeEntry(entry) : undefined;
      if (!frame || (pendingWrites > 0 && pendingWriteBytes + frame.length > maxPendingWriteBytes)) {
        onWriteDropped?.();
        return;
      }
      pendingWrites += 1;
      pendingWriteBytes += frame.length;
      try {
        await keyv.set(key, frame, Math.max(1, entry.expiresAtMs - now()));
      } catch (error) {
        onError('set', error);
      } finally {
        pendingWrites -= 1;
        pendingWriteBytes -= frame.length;
      }
    },
    async delete(key) {
      try {
        await keyv.delete(key);
      } catch (error) {
        onError('delete', error);
      }
    },
    async clear() {
      try {
        await keyv.clear();
      } catch (error) {
        onError('clear', error);
      }
    },
    async close() {
      try {
        await keyv.disconnect();
      } catch (error) {
        onError('open', error);
      }
    },
  };
}

/** Table versions in a Keyv with keyv's ordinary (JSON) serialization. Errors reject: table-versions.ts decides. */
export function createKeyvVersionPersistence(keyv: Keyv): VersionPersistence {
  return {
    async load(scope) {
      const value: unknown = await keyv.get(scope);
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    },
    async save(scope, version) {
      const saved = await keyv.set(scope, version);
      if (!saved) throw new Error(`could not save the version of ${scope}`);
    },
  };
}
