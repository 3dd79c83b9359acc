/**
 * The query cache's settings, camelCase, as the config loader fills them from the YAML `cache:` section
 * (snake_case keys: `max_memory_bytes` → `maxMemoryBytes`). The loader validates types; `findCacheConfigProblems`
 * adds the checks that span several keys.
 */
export interface CacheConfig {
  /** Off: every read is a BYPASS ('disabled'); writes are still tracked so turning it on later is safe. */
  enabled: boolean;
  /** Byte bound of the in-process LRU tier: body + headers + key + a fixed per-entry overhead. */
  maxMemoryBytes: number;
  /** A response larger than this streams to the client whole and is not stored. */
  maxEntryBytes: number;
  /** Every entry expires after this long: the backstop for writes that do not go through chgate. */
  defaultTtlMs: number;
  store: {
    /** `sqlite`: memory tier in front of a file that survives restarts. `memory`: the memory tier only. */
    kind: 'sqlite' | 'memory';
    /** The sqlite file (its directory is created). */
    path: string;
    /** Byte bound of the sqlite tier's entries, enforced by the periodic prune (oldest stored go first). 2 GiB. */
    maxBytes?: number;
    /** How often expired entries are deleted from the sqlite tier and its byte bound enforced. 60 s. */
    pruneIntervalMs?: number;
  };
  /** How long concurrent identical misses wait for the first one before going upstream themselves. */
  singleFlightWaitMs: number;
  /** After a write to T, reads of T go to the writer for this long (replicas may not have the write yet). */
  replicaLagWindowMs: number;
  /** How often `system.mutations` is read while a table has a mutation in flight. */
  mutationPollIntervalMs: number;
  /**
   * Results are per proxy user by default (row policies and grants differ). A group named here shares one cache
   * among its users: `{ dashboards: ['grafana', 'metabase'] }`.
   */
  sharedGroups: Record<string, string[]>;
  /**
   * Tables whose contents change when another table is written, which SQL alone cannot show: materialized view
   * targets, views, Distributed tables over local ones, Merge and Buffer tables. `{ 'db.events': ['db.events_mv',
   * 'db.events_dist'] }`: a write to db.events also invalidates reads of the listed tables (transitively).
   * Unqualified names are in `default`. None by default.
   */
  tableDependencies?: Record<string, string[]>;
}

export const defaultCacheConfig = Object.freeze({
  enabled: true,
  maxMemoryBytes: 256 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 * 1024,
  defaultTtlMs: 5 * 60 * 1000,
  store: Object.freeze({ kind: 'sqlite' as 'sqlite' | 'memory', path: '.chgate/cache.sqlite', maxBytes: 2 * 1024 * 1024 * 1024, pruneIntervalMs: 60_000 }),
  singleFlightWaitMs: 10_000,
  replicaLagWindowMs: 5_000,
  mutationPollIntervalMs: 1_000,
  sharedGroups: Object.freeze({}) as Record<string, string[]>,
  tableDependencies: Object.freeze({}) as Record<string, string[]>,
}) satisfies Required<CacheConfig>;

/** Messages for settings that are valid one by one but not together; empty when the config is usable. */
export function findCacheConfigProblems(config: CacheConfig): string[] {
  const problems: string[] = [];
  if (config.maxEntryBytes > config.maxMemoryBytes) {
    problems.push('cache.max_entry_bytes must not exceed cache.max_memory_bytes');
  }
  const groupOf = new Map<string, string>();
  for (const [group, users] of Object.entries(config.sharedGroups)) {
    for (const user of users) {
      const other = groupOf.get(user);
      if (other !== undefined) problems.push(`cache.shared_groups: user ${user} is in both ${other} and ${group}`);
      groupOf.set(user, group);
    }
  }
  return problems;
}

/**
 * The part of a cache key that says whose results these are: the proxy user's own, or a configured group's.
 * Prefixed so that a group can never share entries with a user who happens to have the group's name.
 */
export function cacheScopeOf(config: Pick<CacheConfig, 'sharedGroups'>, proxyUser: string): string {
  for (const [group, users] of Object.entries(config.sharedGroups)) {
    if (users.includes(proxyUser)) return `group:${group}`;
  }
  return `user:${proxyUser}`;
}
