import type { StatementClassification } from '../sql/types.js';
import { createBodyCapture, whyNotStorable, type FinishedResponse, type NotStoredReason } from './capture-body.js';
import { cacheScopeOf, findCacheConfigProblems, type CacheConfig, type CacheRule } from './cache-config.js';
import { ageSeconds, entryBytes, storableHeaders, type CacheEntry, type StoreOperation } from './cache-entry.js';
import { cacheKeyPrefix, finishCacheKey } from './cache-key.js';
import { compileCacheRules, findCacheRule } from './cache-rules.js';
import {
  decideCaching,
  mayStartMutation,
  tablesInvalidatedBy,
  type BypassReason,
  type CachingInput,
  type InvalidationTarget,
} from './cache-policy.js';
import { createResultStore, type CacheStorage, type HitTier } from './create-result-store.js';
import { createMutationTracker } from './mutation-tracker.js';
import { createRecentWrites } from './recent-writes.js';
import { effectiveDatabase, resolveTableName, resolveTableNames } from '../sql/resolve-table.js';
import { dependentsClosure, graphFromConfig, mayChangeSchema } from './schema-dependencies.js';
import type { SchemaDependencySource } from './schema-dependencies-learner.js';
import { createSingleFlight } from './single-flight.js';
import { peekScopesOf, snapshotFromPeek, type InvalidationCause } from './table-versions.js';
import { sharedVersionBumps, withIncarnation } from './redis-shared-state.js';

/** What the cache needs to know about a request, beyond its statements. */
export interface CacheRequest {
  /**
   * `request.method` as received, not decoded.method (which maps HEAD to GET): a HEAD response has no body, and
   * storing it would answer later GETs with an empty body. HEAD is not cached.
   */
  method: string;
  /** URL parameters as they will be forwarded (decoded.params): settings, database, default_format, param_* ... */
  params: URLSearchParams;
  /** The Accept-Encoding sent to ClickHouse (the client's, or the one chgate chose for it). */
  acceptEncoding: string | undefined;
  /** The encoding chgate compresses the output with itself (README "Compression"), when it does. */
  proxyEncoding?: string | undefined;
  /** The authenticated proxy user: results are per user unless the user is in a cache.shared_groups group. */
  proxyUser: string;
  /** The upstream cluster and the ClickHouse user reads run as. */
  cluster: string;
  backendUser: string;
  /** False when reads cannot go to the writer now; a read in the replica-lag window is then not cached. */
  canReadFromWriter?: boolean;
  /**
   * The cache action of the query rule that matched this single-statement read (top-level `rules:`), in
   * `cache.rules` form: it takes the place of cache.rules for this read.
   */
  rule?: CacheRule | undefined;
}

export type CacheLookup =
  /** Serve from / fill the cache under `key`. When readFromWriter, the read must go to the writer. */
  | {
      mode: 'use';
      key: string;
      tables: string[];
      readFromWriter: boolean;
      /** How long a stored result lives: the matching rule's ttl_ms, else default_ttl_ms. */
      ttlMs: number;
      /** The name of the `cache.rules` entry that matched, if any. */
      rule?: string;
      /** What `tryFastHit` needs to find this read's entry again without classifying or deciding anew. */
      fastHit: FastHitTemplate;
      /** Redis: the last write (any instance) to what the read depends on, for the replica-behind check. */
      lastWriteAtMs?: number;
    }
  /** Go upstream as usual, no caching. When readFromWriter, prefer the writer (read-your-writes). */
  | { mode: 'bypass'; reason: BypassReason; readFromWriter: boolean };

export type CacheUse = Extract<CacheLookup, { mode: 'use' }>;

/**
 * The parts of a cacheable read's key that do not change from one request to the next: everything but the table
 * versions. Mutable only by the cache, which remembers the last key built from it so that, while no table it
 * reads is written, a repeated request costs no hashing.
 */
export interface FastHitTemplate {
  readonly keyPrefix: string;
  /** peekScopesOf(tables): the epoch, then each table and its database. */
  readonly scopes: readonly string[];
  readonly tables: readonly string[];
  readonly ruleTtlMs: number | undefined;
  lastVersions: number[] | undefined;
  lastKey: string | undefined;
}

export type HitSource = HitTier | 'flight';

export interface CacheHit {
  kind: 'hit';
  entry: CacheEntry;
  source: HitSource;
  /** For the `Age` header. */
  ageSeconds: number;
}

/** A miss to fill: stream upstream to the client, `push` every chunk, then `finish` (or `abandon` on error). */
export interface CacheFill {
  kind: 'fill';
  /** leader: identical concurrent misses wait for this one; alone: a follower whose leader stored nothing. */
  role: 'leader' | 'alone';
  push(chunk: Buffer): void;
  finish(response: FinishedResponse & ServedBy): Promise<FillOutcome>;
  /** Idempotent; also safe after finish. Lets the followers go upstream at once. */
  abandon(): void;
}

/** Which node answered a fill: a replica's answer is stored only if it is known to have the reads' last writes. */
export interface ServedBy {
  servedByWriter: boolean;
  /** The replica's NodeHealth.caughtUpToMs(); undefined when lag is not measured (then the window alone decides). */
  replicaCaughtUpToMs?: number | undefined;
}

export type FillOutcome = { stored: true; bytes: number } | { stored: false; reason: NotStoredReason };

export type InvalidationScope = Exclude<InvalidationTarget, { kind: 'none' }>['kind'];

/** Plain callbacks, wired to metrics by the caller; labels are bounded sets. */
export interface CacheHooks {
  onHit?(source: HitSource): void;
  onMiss?(role: CacheFill['role']): void;
  onBypass?(reason: BypassReason): void;
  onStore?(bytes: number): void;
  onNotStored?(reason: NotStoredReason): void;
  onEviction?(bytes: number): void;
  onInvalidation?(cause: InvalidationCause, scope: InvalidationScope): void;
  onStoreError?(operation: StoreOperation, error: unknown): void;
  /** Redis: the shared store became (un)available; reads bypass the cache ('store-unavailable') while it is not. */
  onStoreAvailability?(available: boolean, reason: string): void;
  onMutationPollError?(error: unknown): void;
}

export interface CacheStats {
  enabled: boolean;
  memoryEntries: number;
  memoryBytes: number;
  memoryMaxBytes: number;
  evictions: number;
  persistentTier: boolean;
  flightsInProgress: number;
  mutatingTables: readonly string[];
}

export interface QueryCache {
  /** Before sending anything upstream: decides, and for a cacheable read takes the table versions for its key. */
  lookup(request: CacheRequest, classifications: readonly StatementClassification[]): Promise<CacheLookup>;
  /** A stored entry, without single flight (memory first, then the persistent tier). */
  get(key: string): Promise<CacheEntry | undefined>;
  /**
   * A hit, or a fill to run upstream; identical concurrent misses share one upstream request. `fill.finish`
   * resolves once the persistent tier has the entry: it need not hold up the client's response.
   */
  acquire(lookup: CacheUse): Promise<CacheHit | CacheFill>;
  /**
   * Synchronous: a hit in the memory tier for a read `lookup` accepted earlier, when nothing since then needs a
   * decision — no table it reads has a mutation running or a write in the replica-lag window, every version is in
   * memory. Undefined means "take the full path", never "miss".
   */
  tryFastHit(template: FastHitTemplate): CacheHit | undefined;
  /** For any statement of any body: true when it reads a table written within the replica-lag window. */
  readsFromWriter(classification: StatementClassification, database: string | undefined): boolean;
  /**
   * Only with a shared store (Redis): whether another instance wrote a table this read reads within the lag window
   * (one round trip), or Redis cannot tell (unreachable: true). For the statements `lookup` does not see: those of
   * multi-statement bodies and of sessions. Absent when the cache is not shared.
   */
  sharedReadsFromWriter?(classification: StatementClassification, database: string | undefined): Promise<boolean>;
  /** Call for every statement when it starts and again when it completes (success or not), before responding. */
  invalidateFor(classification: StatementClassification, database: string | undefined, phase: 'start' | 'complete'): Promise<void>;
  /**
   * Changes chgate did not make (external-changes.ts), resolved tables: invalidated like a mutation finishing
   * (lag window, then versions), dependents included. `mutating`: tables with a mutation running that chgate did
   * not start; their reads are not cached until it is done.
   */
  invalidateExternal(tables: readonly string[], mutating?: readonly string[]): Promise<void>;
  /** Operator purge: one table (`db.t`, or `t` in `database`), or everything (also empties the stores). */
  purge(table?: string, database?: string): Promise<void>;
  stats(): CacheStats;
  close(): Promise<void>;
}

export interface QueryCacheOptions {
  /** Runs a read-only query on the writer and resolves to the body: polls system.mutations. */
  queryWriter: (sql: string) => Promise<string>;
  hooks?: CacheHooks;
  now?: () => number;
  /** The dependency graph learned from system.tables (cache.learn_dependencies), merged with table_dependencies. */
  schema?: SchemaDependencySource;
}

/** Builds the stores from config (sqlite file or memory) and the cache over them. */
export async function openQueryCache(config: CacheConfig, options: QueryCacheOptions): Promise<QueryCache> {
  const problems = findCacheConfigProblems(config);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const { hooks = {} } = options;
  const storage = await createResultStore(config, {
    onStoreError: (operation, error) => hooks.onStoreError?.(operation, error),
    onEviction: (_key, bytes) => hooks.onEviction?.(bytes),
    onStoreAvailability: (available, reason) => hooks.onStoreAvailability?.(available, reason),
    onWriteDropped: () => hooks.onNotStored?.('write-queue-full'),
    ...(options.now ? { now: options.now } : {}),
  });
  return createQueryCache(config, storage, options);
}

function sameNumbers(a: readonly number[], b: readonly number[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function createQueryCache(config: CacheConfig, storage: CacheStorage, options: QueryCacheOptions): QueryCache {
  const { hooks = {}, now = Date.now } = options;
  const { store, versions, shared } = storage;
  const recentWrites = createRecentWrites({ windowMs: config.replicaLagWindowMs });
  const flights = createSingleFlight<CacheEntry>({ waitMs: config.singleFlightWaitMs, now });
  const configuredGraph = graphFromConfig(config.tableDependencies ?? {});
  /** Every table a change to `tables` also changes; undefined when the learned graph cannot be trusted now. */
  const withDependents = (tables: readonly string[]): string[] | undefined => {
    const learned = options.schema?.current();
    if (options.schema && !learned) return undefined;
    return dependentsClosure(tables, [configuredGraph, learned]);
  };
  const rules = compileCacheRules(config.rules ?? []);
  // Set when table versions could not be changed: invalidation can no longer be trusted, so nothing is cached.
  let versionsBroken = false;

  // A mutation finished: note the lag window first (replicas finish their own copy later), then bump.
  const mutations = createMutationTracker({
    queryWriter: options.queryWriter,
    intervalMs: config.mutationPollIntervalMs,
    onDone: (tables) => invalidate({ kind: 'tables', tables }, 'mutation-done'),
    onError: (error) => hooks.onMutationPollError?.(error),
    now,
  });
  // Redis: every bump goes to the shared state (never rejects: a lost bump rotates the incarnation later), and
  // marks of the mutations this instance follows are kept alive while it follows them.
  const versionBumps = shared ? sharedVersionBumps(shared, (table) => mutations.isMutating(table)) : versions;
  const markRefresh = shared ? setInterval(() => void shared.refreshMarks(mutations.trackedTables), config.mutationPollIntervalMs) : undefined;
  markRefresh?.unref();

  /**
   * Order matters: the lag window and mutation marks are noted BEFORE versions are bumped, and lookup reads them
   * AFTER taking versions, so a read whose key has the new versions always sees the window and the marks.
   */
  async function invalidate(target: Exclude<InvalidationTarget, { kind: 'none' }>, cause: InvalidationCause): Promise<void> {
    const nowMs = now();
    try {
      // A table's dependents cannot be known (graph not learned yet, or DDL running): everything.
      const tables = target.kind === 'everything' ? undefined : withDependents(target.tables);
      if (tables === undefined) {
        recentWrites.noteEverything(nowMs);
        await versionBumps.invalidateAll(cause);
      } else {
        if (target.kind === 'databases') recentWrites.noteDatabases(target.databases, nowMs);
        recentWrites.noteTables(tables, nowMs);
        if (target.kind === 'databases') await versionBumps.invalidateDatabases(target.databases, cause);
        if (tables.length > 0) await versionBumps.invalidate(tables, cause);
      }
      hooks.onInvalidation?.(cause, tables === undefined ? 'everything' : target.kind);
    } catch (error) {
      versionsBroken = true;
      hooks.onStoreError?.('versions', error);
    }
  }

  const hit = (entry: CacheEntry, source: HitSource): CacheHit => {
    hooks.onHit?.(source);
    return { kind: 'hit', entry, source, ageSeconds: ageSeconds(entry, now()) };
  };

  const startFill = (lookup: CacheUse, role: CacheFill['role'], settle: (entry: CacheEntry | undefined) => void): CacheFill => {
    hooks.onMiss?.(role);
    const capture = createBodyCapture(config.maxEntryBytes);
    let done = false;
    const notStored = (reason: NotStoredReason): FillOutcome => {
      settle(undefined);
      hooks.onNotStored?.(reason);
      return { stored: false, reason };
    };
    return {
      kind: 'fill',
      role,
      push: (chunk) => capture.push(chunk),
      async finish(response) {
        if (done) return { stored: false, reason: 'abandoned' };
        done = true;
        if (lookup.readFromWriter && !response.servedByWriter) return notStored('not-from-writer');
        // A replica lagging past the window would otherwise store pre-write rows under the post-write key. Only a
        // write through chgate (0: none known) can be missing: ClickHouse 18.16 reports a replicated table whose
        // queue it has not read yet (a new table, a restart) as lagging by the current Unix time, and that must not
        // keep every other table's reads from being stored.
        const caughtUpTo = response.servedByWriter ? undefined : response.replicaCaughtUpToMs;
        const lastWriteAt = Math.max(recentWrites.lastWriteAt(lookup.tables), lookup.lastWriteAtMs ?? 0);
        if (caughtUpTo !== undefined && lastWriteAt > 0 && caughtUpTo <= lastWriteAt) return notStored('replica-behind');
        const body = capture.take();
        const reason = await whyNotStorable(response, body);
        if (reason !== undefined || body === undefined) return notStored(reason ?? 'too-large');
        const storedAtMs = now();
        const entry: CacheEntry = {
          status: 200,
          headers: storableHeaders(response.headers),
          body,
          storedAtMs,
          expiresAtMs: storedAtMs + lookup.ttlMs,
          tables: lookup.tables,
        };
        const persisting = store.set(lookup.key, entry);
        settle(entry);
        const bytes = entryBytes(lookup.key, entry);
        hooks.onStore?.(bytes);
        await persisting;
        return { stored: true, bytes };
      },
      abandon() {
        if (done) return;
        done = true;
        notStored('abandoned');
      },
    };
  };

  /** For a single-statement body: the query rule's cache action it carries, else the first matching cache.rules entry. */
  const ruleFor = (request: CacheRequest, classifications: readonly StatementClassification[], database: string): CacheRule | undefined => {
    const only = classifications.length === 1 ? classifications[0] : undefined;
    if (only && request.rule) return request.rule;
    if (!only || rules.length === 0) return undefined;
    return findCacheRule(rules, { proxyUser: request.proxyUser, tables: resolveTableNames(only.tablesRead, database), normalized: only.normalized });
  };

  const cachingInput = (request: CacheRequest, classifications: readonly StatementClassification[], database: string, rule: CacheRule | undefined): CachingInput => ({
    enabled: config.enabled && !versionsBroken,
    method: request.method,
    params: request.params,
    classifications,
    database,
    ...(rule ? { rule } : {}),
  });

  const readsRecentlyWritten = (classifications: readonly StatementClassification[], database: string): boolean =>
    classifications.some((c) => recentWrites.shouldReadFromWriter(resolveTableNames(c.tablesRead, database), now()));

  /** A read whose tables Redis can say something about. */
  const readsNamedTables = (classification: StatementClassification): boolean =>
    classification.route === 'read' && !classification.unknown && classification.tablesRead.length > 0;

  /** Redis: whether another instance wrote a table `classification` reads within the lag window (unreachable: true). */
  const sharedWritesReadBy =
    shared &&
    (async (classification: StatementClassification, database: string): Promise<boolean> => {
      const state = await shared.read(resolveTableNames(classification.tablesRead, database));
      return state ? state.recentlyWritten : true;
    });

  /**
   * Redis: a single read the cache bypasses still reads other instances' write times (one round trip, unless the
   * local window already says so), so it goes to the writer after their writes too (read-your-writes). Undefined:
   * nothing to add to the local window.
   */
  const bypassReadsFromWriter = async (reason: BypassReason, classifications: readonly StatementClassification[], database: string): Promise<boolean | undefined> => {
    const only = classifications.length === 1 ? classifications[0] : undefined;
    if (!sharedWritesReadBy || !only || !readsNamedTables(only) || reason === 'http-session') return undefined;
    return readsRecentlyWritten(classifications, database) || sharedWritesReadBy(only, database);
  };

  return {
    async lookup(request, classifications) {
      const database = effectiveDatabase(request.params.get('database'));
      const rule = ruleFor(request, classifications, database);
      const input = cachingInput(request, classifications, database, rule);
      const bypass = (reason: BypassReason, readFromWriter = readsRecentlyWritten(classifications, input.database)): CacheLookup => {
        hooks.onBypass?.(reason);
        return { mode: 'bypass', reason, readFromWriter };
      };
      const first = decideCaching(input);
      if (first.mode === 'bypass') return bypass(first.reason, await bypassReadsFromWriter(first.reason, classifications, input.database));
      // Versions first, then the moment-to-moment state (see invalidate).
      // Redis: versions, lag window and marks of every instance in one round trip. Unavailable: no cache, and the
      // writer (writes made meanwhile are in no shared window).
      const sharedState = shared ? await shared.read(first.tables) : undefined;
      if (shared && !sharedState) return bypass('store-unavailable', true);
      // A mutation another instance started: followed here too, so it ends even if that instance dies.
      const foreign = sharedState?.mutating.filter((table) => !mutations.isMutating(table)) ?? [];
      if (foreign.length > 0) mutations.markMutationStarted(foreign);
      const snapshot = sharedState?.snapshot ?? (await versions.versionsOf(first.tables));
      const decision = decideCaching({
        ...input,
        state: {
          isMutating: (table) => mutations.isMutating(table),
          wasRecentlyWritten: (tables) => sharedState?.recentlyWritten === true || recentWrites.shouldReadFromWriter(tables, now()),
          canReadFromWriter: request.canReadFromWriter ?? true,
        },
      });
      if (decision.mode === 'bypass') return bypass(decision.reason);
      const keyPrefix = cacheKeyPrefix({
        statement: classifications[0]?.normalized ?? '',
        database: input.database,
        params: request.params,
        acceptEncoding: request.acceptEncoding,
        proxyEncoding: request.proxyEncoding,
        cluster: request.cluster,
        backendUser: request.backendUser,
        scope: cacheScopeOf(config, request.proxyUser),
      });
      const key = finishCacheKey(sharedState ? withIncarnation(keyPrefix, sharedState.incarnation) : keyPrefix, snapshot, rule?.ttlMs);
      return {
        mode: 'use',
        key,
        tables: decision.tables,
        readFromWriter: decision.readFromWriter,
        ttlMs: rule?.ttlMs ?? config.defaultTtlMs,
        ...(rule ? { rule: rule.name } : {}),
        fastHit: { keyPrefix, scopes: peekScopesOf(first.tables), tables: first.tables, ruleTtlMs: rule?.ttlMs, lastVersions: undefined, lastKey: undefined },
        ...(sharedState ? { lastWriteAtMs: sharedState.lastWriteAtMs } : {}),
      };
    },

    tryFastHit(template) {
      // Redis: another instance may have bumped a version since; only a lookup (one round trip) can tell.
      if (!config.enabled || versionsBroken || shared) return undefined;
      // Versions first, then the moment-to-moment state, as in lookup (see invalidate).
      const values = versions.peek(template.scopes);
      if (!values) return undefined;
      const nowMs = now();
      if (template.tables.some((table) => mutations.isMutating(table))) return undefined;
      if (recentWrites.shouldReadFromWriter(template.tables, nowMs)) return undefined;
      let key = template.lastKey;
      if (key === undefined || !sameNumbers(values, template.lastVersions)) {
        key = finishCacheKey(template.keyPrefix, snapshotFromPeek(template.scopes, values), template.ruleTtlMs);
        template.lastVersions = values;
        template.lastKey = key;
      }
      const entry = store.memory.get(key, nowMs);
      return entry ? hit(entry, 'memory') : undefined;
    },

    get: (key) => store.get(key),

    async acquire(lookup) {
      const found = await store.lookup(lookup.key);
      if (found) return hit(found.entry, found.tier);
      const role = flights.join(lookup.key);
      if (role.role === 'leader') {
        // A leader may have stored this between our lookup and join.
        const late = store.memory.get(lookup.key, now());
        if (late) {
          role.settle(late);
          return hit(late, 'memory');
        }
        return startFill(lookup, 'leader', (entry) => role.settle(entry));
      }
      const result = await role.wait();
      if (result.kind === 'settled' && result.outcome) return hit(result.outcome, 'flight');
      return startFill(lookup, 'alone', () => {});
    },

    readsFromWriter: (classification, database) => readsRecentlyWritten([classification], effectiveDatabase(database)),

    ...(sharedWritesReadBy
      ? {
          sharedReadsFromWriter: async (classification: StatementClassification, database: string | undefined): Promise<boolean> =>
            readsNamedTables(classification) && sharedWritesReadBy(classification, effectiveDatabase(database)),
        }
      : {}),

    async invalidateFor(classification, database, phase) {
      const resolvedDatabase = effectiveDatabase(database);
      const target = tablesInvalidatedBy(classification, resolvedDatabase);
      if (target.kind === 'none') return;
      if (mayStartMutation(classification) && target.kind !== 'everything') mutations.markMutationStarted(withDependents(target.tables) ?? target.tables);
      const cause: InvalidationCause = phase === 'start' ? 'write-start' : 'write-complete';
      // DDL: the graph is untrusted while it runs (writes meanwhile bump everything) and read again before its
      // completion bump, so the client's next write after the acknowledgement reaches a new view.
      const ddl = options.schema !== undefined && mayChangeSchema(classification);
      if (ddl && phase === 'complete') await options.schema?.schemaChange('complete');
      await invalidate(target, cause);
      if (ddl && phase === 'start') await options.schema?.schemaChange('start');
    },

    async invalidateExternal(tables, mutating = []) {
      if (mutating.length > 0) mutations.markMutationStarted(withDependents(mutating) ?? [...mutating]);
      if (tables.length > 0) await invalidate({ kind: 'tables', tables: [...tables] }, 'external');
    },

    async purge(table, database) {
      if (table !== undefined) {
        await invalidate({ kind: 'tables', tables: [resolveTableName(table, effectiveDatabase(database))] }, 'purge');
        return;
      }
      await invalidate({ kind: 'everything' }, 'purge');
      await store.clear();
    },

    stats: () => ({
      enabled: config.enabled && !versionsBroken,
      memoryEntries: store.memory.entries,
      memoryBytes: store.memory.bytes,
      memoryMaxBytes: store.memory.maxBytes,
      evictions: store.memory.evictions,
      persistentTier: store.hasPersistentTier,
      flightsInProgress: flights.size,
      mutatingTables: mutations.trackedTables,
    }),

    async close() {
      mutations.stop();
      clearInterval(markRefresh);
      await storage.close();
    },
  };
}
