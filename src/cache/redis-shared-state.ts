import { randomBytes } from 'node:crypto';
import type { StoreErrorHandler } from './cache-entry.js';
import {
  invalidateArguments,
  invalidateScript,
  lookupArguments,
  lookupScript,
  parseIncarnation,
  parseLookupReply,
  runIdOf,
  scriptSha,
  syncScript,
} from './redis-scripts.js';
import { databaseScope, peekScopesOf, tableScope, type TableVersions, type TableVersionSnapshot } from './table-versions.js';

/**
 * Versions, the replica-lag window, last write times and mutation marks of several chgate instances, in Redis
 * (redis-scripts.ts has the layout). Every cacheable lookup reads them in one round trip, so a write through any
 * instance is seen by the next lookup on every instance; there is no per-instance copy to go stale.
 *
 * Unavailable (not connected, a command failed or timed out, the post-connect sync not done yet): `read`
 * answers undefined (the read bypasses the cache) and `invalidate` only remembers that a bump may have been
 * lost (dirty). After reconnecting, the sync rotates the incarnation when this instance is dirty or Redis
 * restarted, before any lookup of this instance is answered again. What is NOT covered: an instance cut off from
 * a Redis that the others still reach; its writes are not seen by them until it reconnects (README).
 */
export interface SharedReadState {
  incarnation: string;
  /** Epoch and scopes as TableVersions.versionsOf would give them. */
  snapshot: TableVersionSnapshot;
  /** A scope read was written less than the lag window ago (Redis's clock). */
  recentlyWritten: boolean;
  /** The last write to a scope read, in this process's clock, rounded up (0: none known). */
  lastWriteAtMs: number;
  /** Tables read that some instance marked as mutating. */
  mutating: string[];
}

export interface SharedInvalidation {
  /** `*`, `d:<db>`, `t:<db.t>`: noted as written, then bumped. */
  scopes: readonly string[];
  /** Tables with a mutation running (marked), and tables whose mutations are done (unmarked). */
  mark: readonly string[];
  unmark: readonly string[];
}

/** The part of a Redis client this module uses (@redis/client's RedisClientType). */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
  readonly isReady: boolean;
}

export interface SharedState {
  read(tables: readonly string[]): Promise<SharedReadState | undefined>;
  /** Never rejects: a failure marks this instance dirty (the incarnation is rotated once Redis is back). */
  invalidate(change: SharedInvalidation): Promise<void>;
  /** Keeps marks of mutations this instance tracks alive (they expire if it dies). */
  refreshMarks(tables: readonly string[]): Promise<void>;
  /** Call when the client is (again) ready: syncs, then lookups are answered again. */
  connected(): void;
  /** Call when the connection is lost. */
  disconnected(error?: unknown): void;
  readonly available: boolean;
  close(): void;
}

export interface SharedStateOptions {
  client: RedisCommander;
  /** Key of the state hash (`<key_prefix>state`). */
  stateKey: string;
  windowMs: number;
  /** How long a mutation mark lives without being refreshed. */
  markTtlMs: number;
  onError: StoreErrorHandler;
  /** Available or not, with why: for logs and a gauge. */
  onAvailability?: (available: boolean, reason: string) => void;
  /** The incarnation changed: every entry in the memory tier is unreachable, drop them. */
  onIncarnationChange?: (incarnation: string) => void;
  /** Pause between failed syncs while connected. */
  retryMs?: number;
  /**
   * How long a bump waits for an unavailable Redis before giving up (then the instance is dirty). Covers the
   * moments after Redis comes back, when another instance may already serve from it while this one reconnects.
   */
  writeWaitMs?: number;
  now?: () => number;
}

export function createSharedState(options: SharedStateOptions): SharedState {
  const { client, stateKey, windowMs, markTtlMs, onError, onAvailability = () => {}, onIncarnationChange = () => {}, retryMs = 250, writeWaitMs = 0, now = Date.now } = options;
  let available = false;
  let closed = false;
  // Bumped by every failure; a sync or read that started before one cannot vouch for the state after it.
  let failures = 0;
  // Failures that may have lost a bump, not yet covered by a rotation.
  let dirty = false;
  let incarnation: string | undefined;
  let syncing: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  // A candidate goes with every script (used only when the state is missing or rotated): a random prefix of this
  // process and a counter, unique without a random draw per lookup.
  const candidatePrefix = randomBytes(12).toString('base64url');
  let candidates = 0;
  const newIncarnation = (): string => `${candidatePrefix}.${(candidates++).toString(36)}`;

  // Bumps waiting for the next successful sync.
  const waiters = new Set<() => void>();
  const setAvailable = (value: boolean, reason: string): void => {
    if (available === value) return;
    available = value;
    onAvailability(value, reason);
    if (value) for (const wake of [...waiters]) wake();
  };
  const untilAvailable = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });

  const noteIncarnation = (value: string): void => {
    if (incarnation !== undefined && incarnation !== value) onIncarnationChange(value);
    incarnation = value;
  };

  // Hashed once per script, not on every lookup.
  const shas = new Map<string, string>();
  const shaOf = (script: string): string => {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = scriptSha(script);
      shas.set(script, sha);
    }
    return sha;
  };

  async function evalScript(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', shaOf(script), ...tail]);
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', script, ...tail]);
    }
  }

  const fail = (error: unknown, lostBump: boolean): void => {
    failures += 1;
    if (lostBump) dirty = true;
    onError('versions', error);
    setAvailable(false, String(error));
    scheduleSync();
  };

  async function sync(): Promise<void> {
    const before = failures;
    const wasDirty = dirty;
    try {
      const runId = runIdOf(await client.sendCommand(['INFO', 'server']));
      const reply = await evalScript(syncScript, [stateKey], [newIncarnation(), runId, wasDirty ? '1' : '0']);
      noteIncarnation(parseIncarnation(reply));
    } catch (error) {
      failures += 1;
      onError('versions', error);
      return;
    }
    // A failure during the sync may have lost a bump the rotation did not cover: sync again.
    if (failures !== before) return;
    if (wasDirty) dirty = false;
    setAvailable(true, 'synced');
  }

  function scheduleSync(): void {
    if (closed || syncing || retry || !client.isReady) return;
    syncing = sync().finally(() => {
      syncing = undefined;
      if (!available && !closed && client.isReady) {
        retry = setTimeout(() => {
          retry = undefined;
          scheduleSync();
        }, retryMs);
        retry.unref();
      }
    });
  }

  return {
    get available() {
      return available;
    },

    async read(tables) {
      if (!available) return undefined;
      const scopes = peekScopesOf(tables);
      const before = failures;
      let reply;
      try {
        reply = parseLookupReply(await evalScript(lookupScript, [stateKey], lookupArguments({ candidate: newIncarnation(), scopes, tables })), scopes.length);
      } catch (error) {
        fail(error, false);
        return undefined;
      }
      const localAfter = now();
      // A write of this instance failed meanwhile: its bump may be missing from what was read.
      if (failures !== before || !available) return undefined;
      noteIncarnation(reply.incarnation);
      const writeAge = reply.redisNowMs - reply.lastWriteMs;
      return {
        incarnation: reply.incarnation,
        snapshot: { epoch: reply.versions[0] ?? 0, scopes: scopes.slice(1).map((scope, index) => [scope, reply.versions[index + 1] ?? 0] as const) },
        recentlyWritten: writeAge < windowMs,
        // Redis's "now" was taken before localAfter: the write is placed no earlier than it was.
        lastWriteAtMs: reply.lastWriteMs > 0 ? localAfter - writeAge : 0,
        mutating: reply.mutating,
      };
    },

    async invalidate(change) {
      if (!available && writeWaitMs > 0 && !closed) {
        scheduleSync();
        await untilAvailable(writeWaitMs);
      }
      if (!available) {
        // Not even tried: the bump is lost until the sync rotates the incarnation.
        dirty = true;
        failures += 1;
        scheduleSync();
        return;
      }
      try {
        const args = invalidateArguments({ candidate: newIncarnation(), markTtlMs, ...change });
        noteIncarnation(parseIncarnation(await evalScript(invalidateScript, [stateKey], args)));
      } catch (error) {
        fail(error, true);
      }
    },

    async refreshMarks(tables) {
      if (!available || tables.length === 0) return;
      try {
        await evalScript(invalidateScript, [stateKey], invalidateArguments({ candidate: newIncarnation(), markTtlMs, scopes: [], mark: tables, unmark: [] }));
      } catch (error) {
        fail(error, false);
      }
    },

    connected() {
      scheduleSync();
    },

    disconnected(error) {
      failures += 1;
      setAvailable(false, error === undefined ? 'disconnected' : String(error));
    },

    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      for (const wake of [...waiters]) wake();
    },
  };
}

/** A cache key prefix that includes the incarnation (length-prefixed, like every other field of the key). */
export function withIncarnation(keyPrefix: string, incarnation: string): string {
  const field = `inc:${incarnation}`;
  return `${keyPrefix}${Buffer.byteLength(field)}:${field}`;
}

/**
 * The bumps of TableVersions over the shared state: each also notes the write time, and marks (or, for a
 * finished mutation, unmarks) the tables this instance tracks as mutating, in the same atomic script.
 */
export function sharedVersionBumps(shared: SharedState, isMutating: (table: string) => boolean): Pick<TableVersions, 'invalidate' | 'invalidateDatabases' | 'invalidateAll'> {
  return {
    invalidate: (tables, cause) =>
      shared.invalidate({
        scopes: tables.map(tableScope),
        mark: tables.filter(isMutating),
        unmark: cause === 'mutation-done' ? tables.filter((table) => !isMutating(table)) : [],
      }),
    invalidateDatabases: (databases) => shared.invalidate({ scopes: databases.map(databaseScope), mark: [], unmark: [] }),
    invalidateAll: () => shared.invalidate({ scopes: ['*'], mark: [], unmark: [] }),
  };
}
