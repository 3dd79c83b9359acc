import { databaseOfTable } from '../sql/resolve-table.js';

/**
 * Invalidation by version numbers: every cache key includes the versions of what the statement read (the global
 * epoch, each table's database, each table), so a write bumps a counter, O(1) per table written whatever the cache
 * holds, and every entry stored under the old versions becomes unreachable and ages out of the stores (TTL, LRU).
 *
 * Scopes: `*` the epoch (a write chgate could not analyse bumps it: everything is invalidated), `d:<db>` a database
 * (DROP / RENAME / TRUNCATE ALL TABLES of a database), `t:<db.t>` a table.
 *
 * The interface is asynchronous so the versions can live elsewhere: with a persistence (the sqlite file) they
 * survive restarts. With Redis, versions shared by several instances live in redis-shared-state.ts instead.
 */

/** `external`: a change chgate did not make, found by external-changes.ts. */
export type InvalidationCause = 'write-start' | 'write-complete' | 'mutation-done' | 'external' | 'purge' | 'restart';

export interface TableVersionSnapshot {
  epoch: number;
  /** `[scope, version]`, sorted by scope: each table read and its database. */
  scopes: ReadonlyArray<readonly [string, number]>;
}

export interface TableVersions {
  /** Tables are resolved names (`db.t`). */
  versionsOf(tables: readonly string[]): Promise<TableVersionSnapshot>;
  /**
   * The current versions of `scopes` (from `scopesOf`, epoch first) without waiting: undefined when one of them
   * is not in memory yet (with a persistence). For the hit fast path, which falls back to versionsOf.
   */
  peek(scopes: readonly string[]): number[] | undefined;
  invalidate(tables: readonly string[], cause: InvalidationCause): Promise<void>;
  invalidateDatabases(databases: readonly string[], cause: InvalidationCause): Promise<void>;
  invalidateAll(cause: InvalidationCause): Promise<void>;
  /** Waits for pending persistence; after a clean close the next start keeps the persisted entries. */
  close(): Promise<void>;
}

/** Where versions are kept across restarts: a small key-value table (see keyv-store.ts). */
export interface VersionPersistence {
  load(scope: string): Promise<number | undefined>;
  save(scope: string, version: number): Promise<void>;
}

export interface TableVersionsOptions {
  persistence?: VersionPersistence;
  onError?: (error: unknown) => void;
  /** With a persistence, how many loaded versions stay in memory (the rest are loaded again when needed). */
  maxLoadedScopes?: number;
}

const epochScope = '*';
const cleanShutdownScope = '!clean';

export const tableScope = (table: string): string => `t:${table}`;
export const databaseScope = (database: string): string => `d:${database}`;

/** The scopes a read of `tables` depends on, as in its snapshot: each table and its database, sorted, no epoch. */
export function scopesOf(tables: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const table of tables) {
    scopes.add(databaseScope(databaseOfTable(table)));
    scopes.add(tableScope(table));
  }
  return [...scopes].sort();
}

/** `scopesOf` with the epoch in front: the argument `peek` takes. */
export function peekScopesOf(tables: readonly string[]): string[] {
  return [epochScope, ...scopesOf(tables)];
}

/** The snapshot `versionsOf` would give, from `peek`'s answer for `peekScopesOf(tables)`. */
export function snapshotFromPeek(scopes: readonly string[], values: readonly number[]): TableVersionSnapshot {
  return { epoch: values[0] ?? 0, scopes: scopes.slice(1).map((scope, index) => [scope, values[index + 1] ?? 0] as const) };
}

/** Versions in this process only: they start at 0, which is safe only with a store that does not outlive it. */
export function createTableVersions(options: TableVersionsOptions = {}): TableVersions {
  const { persistence, onError = () => {}, maxLoadedScopes = 100_000 } = options;
  // Memory only: a scope that was never bumped is at 0 and is not kept, so reads of made-up names cost nothing.
  // With a persistence: every scope used is loaded once and kept while it is needed.
  const known = new Map<string, number>();
  const loading = new Map<string, Promise<void>>();
  const unsaved = new Map<string, number>();
  let flushing: Promise<void> | undefined;
  let hadErrors = false;

  const fail = (error: unknown): void => {
    hadErrors = true;
    onError(error);
  };

  const ensureLoaded = (scope: string): Promise<void> | undefined => {
    if (!persistence || known.has(scope)) return undefined;
    let pending = loading.get(scope);
    if (!pending) {
      pending = persistence.load(scope).then(
        (version) => {
          if (!known.has(scope)) known.set(scope, version ?? 0);
        },
        (error: unknown) => {
          // Unknown version: one no earlier run can have used, so no persisted entry matches it.
          if (!known.has(scope)) known.set(scope, -1 - Math.floor(Math.random() * 2 ** 40));
          fail(error);
        },
      ).finally(() => loading.delete(scope));
      loading.set(scope, pending);
    }
    return pending;
  };

  const loadAll = async (scopes: readonly string[]): Promise<void> => {
    const pending: Promise<void>[] = [];
    for (const scope of scopes) {
      const load = ensureLoaded(scope);
      if (load) pending.push(load);
    }
    if (pending.length > 0) await Promise.all(pending);
  };

  const flush = async (): Promise<void> => {
    while (unsaved.size > 0 && persistence) {
      const batch = [...unsaved];
      unsaved.clear();
      // One save per scope per round, so a scope's saves land in order.
      await Promise.all(batch.map(([scope, version]) => persistence.save(scope, version).catch(fail)));
    }
    flushing = undefined;
  };

  const forgetSomeLoaded = (): void => {
    if (!persistence || hadErrors || known.size <= maxLoadedScopes) return;
    // Oldest loaded first; a scope with a save pending stays, or it would be loaded back at its old value.
    for (const scope of known.keys()) {
      if (known.size <= maxLoadedScopes * 0.9) break;
      if (scope !== epochScope && !unsaved.has(scope) && !loading.has(scope)) known.delete(scope);
    }
  };

  const bump = async (scopes: readonly string[]): Promise<void> => {
    await loadAll(scopes);
    for (const scope of scopes) {
      // Read after the await: concurrent bumps of one scope each add one.
      const next = (known.get(scope) ?? 0) + 1;
      known.set(scope, next);
      if (persistence) unsaved.set(scope, next);
    }
    if (persistence && unsaved.size > 0) flushing ??= flush();
  };

  return {
    async versionsOf(tables) {
      const scopes = scopesOf(tables);
      if (persistence) await loadAll([epochScope, ...scopes]);
      const snapshot: TableVersionSnapshot = {
        epoch: known.get(epochScope) ?? 0,
        scopes: scopes.map((scope) => [scope, known.get(scope) ?? 0] as const),
      };
      forgetSomeLoaded();
      return snapshot;
    },
    peek(scopes) {
      const values: number[] = [];
      for (const scope of scopes) {
        const version = known.get(scope);
        // Memory only, a scope never bumped is at 0; with a persistence, it must be loaded first.
        if (version === undefined && persistence) return undefined;
        values.push(version ?? 0);
      }
      return values;
    },
    invalidate: (tables) => bump(tables.map(tableScope)),
    invalidateDatabases: (databases) => bump(databases.map(databaseScope)),
    invalidateAll: () => bump([epochScope]),
    async close() {
      await Promise.all(loading.values());
      while (flushing) await flushing;
      if (persistence && !hadErrors) await persistence.save(cleanShutdownScope, 1).catch(fail);
    },
  };
}

/**
 * Versions kept in `persistence`, for a store that outlives the process. A version bump saved late or never (a
 * crash, a failed write) could let a restarted process see an old version and serve the entries stored under it,
 * so the previous run must have ended with a clean close, which waits for every save; otherwise the epoch is bumped
 * at start and everything stored before is unreachable. Losing the cache after a crash is the price of never
 * serving a pre-write result. Rejects when the start-up bookkeeping cannot be written: the caller then runs without
 * the persistent tier.
 */
export async function openPersistentTableVersions(
  persistence: VersionPersistence,
  options: Omit<TableVersionsOptions, 'persistence'> = {},
): Promise<{ versions: TableVersions; previousRunWasClean: boolean }> {
  const previousRunWasClean = (await persistence.load(cleanShutdownScope)) === 1;
  if (!previousRunWasClean) {
    const epoch = (await persistence.load(epochScope)) ?? 0;
    await persistence.save(epochScope, epoch + 1);
  }
  await persistence.save(cleanShutdownScope, 0);
  return { versions: createTableVersions({ ...options, persistence }), previousRunWasClean };
}
