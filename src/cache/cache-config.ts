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
    /**
     * `sqlite`: memory tier in front of a file that survives restarts. `memory`: the memory tier only. `redis`:
     * memory tier in front of Redis, which also holds versions and write state shared by several instances.
     */
    kind: 'sqlite' | 'memory' | 'redis';
    /** The sqlite file (its directory is created). */
    path: string;
    /** Byte bound of the sqlite tier's entries, enforced by the periodic prune (oldest stored go first). 2 GiB. */
    maxBytes?: number;
    /** How often expired entries are deleted from the sqlite tier and its byte bound enforced. 60 s. */
    pruneIntervalMs?: number;
    /** redis: `redis://[user:password@]host:port[/db]` (or `rediss://`). */
    url?: string;
    /** redis: prefix of every key chgate writes; instances sharing a cache use the same one. */
    keyPrefix?: string;
    /** redis: a connection attempt gives up after this long (then retried in the background). */
    connectTimeoutMs?: number;
    /** redis: a command not answered within this long fails; the cache is bypassed until Redis answers again. */
    commandTimeoutMs?: number;
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
  /**
   * Learn the dependencies above from system.tables (views, materialized views and their targets, Distributed,
   * Merge, Buffer): schema-dependencies.ts. Merged with tableDependencies. True by default.
   */
  learnDependencies?: boolean;
  /** How often the learned graph is read again (it is also read after every DDL through chgate). 60 s. */
  dependenciesRefreshMs?: number;
  /** Polling the writers for changes chgate did not make (external-changes.ts). Off by default. */
  externalChanges?: ExternalChangesConfig;
  /**
   * Per-rule overrides, evaluated in order for each single-statement read; the first rule that matches applies
   * (cache-rules.ts). None by default.
   */
  rules?: CacheRule[];
}

/** `cache.external_changes`. With neither databases nor tables, every database but the system ones is watched. */
export interface ExternalChangesConfig {
  enabled: boolean;
  /** Time between polls of each writer: the bound on how long an external change can be served from cache. */
  intervalMs: number;
  /** Watched databases. */
  databases: string[];
  /** Watched tables (`db.t`; `t` means `default.t`), in addition to the databases. */
  tables: string[];
  /** Never watched: `db` or `db.t`. */
  exclude: string[];
}

/**
 * One `cache.rules` entry (YAML: `ttl_ms`, `cache_non_deterministic`, `no_cache`). A rule matches a read when every
 * condition it has holds; a rule without conditions matches every read.
 */
export interface CacheRule {
  /** For logs and error messages; unique. */
  name: string;
  /** Proxy users the rule applies to. Absent: every user. */
  users?: string[];
  /** The read touches at least one of these tables (`t` means `default.t`). Absent: any tables, or none. */
  tables?: string[];
  /**
   * A JavaScript regular expression (no flags) tested against the statement's normalized text: comments gone,
   * keywords upper-case, tokens one space apart (`SELECT count ( ) FROM t WHERE ts > now ( )`).
   */
  match?: string;
  /** The expiry of entries stored under this rule, instead of defaultTtlMs. */
  ttlMs?: number;
  /**
   * Caches a read that the SQL engine left out ONLY because it calls non-deterministic functions (now(), today(),
   * rand() ...) for ttlMs, which is then required: a dashboard over the last hour may be that old. Reads of system
   * tables, url() / remote() / file(), or anything else are still never cached. False by default.
   */
  cacheNonDeterministic?: boolean;
  /** Matching reads are never cached (BYPASS, reason `rule`). */
  noCache?: boolean;
}

export const defaultCacheConfig = Object.freeze({
  enabled: true,
  maxMemoryBytes: 256 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 * 1024,
  defaultTtlMs: 5 * 60 * 1000,
  store: Object.freeze({
    kind: 'sqlite' as 'sqlite' | 'memory' | 'redis',
    path: '.chgate/cache.sqlite',
    maxBytes: 2 * 1024 * 1024 * 1024,
    pruneIntervalMs: 60_000,
    url: 'redis://127.0.0.1:6379',
    keyPrefix: 'chgate:',
    connectTimeoutMs: 1_000,
    commandTimeoutMs: 500,
  }),
  singleFlightWaitMs: 10_000,
  replicaLagWindowMs: 5_000,
  mutationPollIntervalMs: 1_000,
  sharedGroups: Object.freeze({}) as Record<string, string[]>,
  tableDependencies: Object.freeze({}) as Record<string, string[]>,
  learnDependencies: true,
  dependenciesRefreshMs: 60_000,
  externalChanges: Object.freeze({ enabled: false, intervalMs: 1_000, databases: [], tables: [], exclude: [] }) as ExternalChangesConfig,
  rules: Object.freeze([]) as unknown as CacheRule[],
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
  for (const problem of findCacheRuleProblems(config.rules ?? [])) {
    problems.push(`cache.rules[${problem.index}].${problem.key}: ${problem.message}`);
  }
  return problems;
}

export interface CacheRuleProblem {
  /** The rule's position in cache.rules. */
  index: number;
  /** The YAML key the problem is about. */
  key: 'name' | 'match' | 'ttl_ms' | 'no_cache';
  message: string;
}

/** What is wrong with each rule; the loader reports these with their exact key path. */
export function findCacheRuleProblems(rules: readonly CacheRule[]): CacheRuleProblem[] {
  const problems: CacheRuleProblem[] = [];
  const names = new Set<string>();
  rules.forEach((rule, index) => {
    if (names.has(rule.name)) problems.push({ index, key: 'name', message: `duplicate rule name "${rule.name}"` });
    names.add(rule.name);
    if (rule.match !== undefined) {
      try {
        new RegExp(rule.match);
      } catch (error) {
        problems.push({ index, key: 'match', message: `not a valid regular expression: ${(error as Error).message}` });
      }
    }
    if (rule.cacheNonDeterministic === true && rule.ttlMs === undefined) {
      problems.push({ index, key: 'ttl_ms', message: 'required when cache_non_deterministic is true' });
    }
    if (rule.noCache === true && (rule.ttlMs !== undefined || rule.cacheNonDeterministic === true)) {
      problems.push({ index, key: 'no_cache', message: 'cannot be combined with ttl_ms or cache_non_deterministic' });
    }
  });
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
