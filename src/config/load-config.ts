import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BlockList } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { configFileSchema, type ConfigFile } from './config-schema.js';
import type { ClusterConfig, ClusterLimitsConfig, Config, NodeConfig, ProxyUserConfig, UserLimitsConfig } from './config.js';
import { parseCidr } from './parse-cidr.js';
import { findCacheConfigProblems, findCacheRuleProblems, type CacheRule } from '../cache/cache-config.js';
import { findQueryRuleProblems, type QueryRule } from '../rules/query-rule.js';
import { defaultDatabase, resolveTableName } from '../sql/resolve-table.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Environment = Record<string, string | undefined>;

export async function loadConfigFile(path: string, env: Environment = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config ${path}: cannot read file: ${(error as Error).message}`);
  }
  return parseConfigText(text, env, path);
}

/** Parses and validates a YAML config; every error names the key path it is about. */
export function parseConfigText(text: string, env: Environment = process.env, source = 'config'): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: invalid YAML: ${(error as Error).message.split("\n")[0] ?? ""}`);
  }
  const substituted = substituteEnvironment(raw, env, [], source);
  const result = configFileSchema.safeParse(substituted ?? {});
  if (!result.success) {
    const lines = result.error.issues.flatMap(describeIssue);
    throw new ConfigError(`${source}: ${lines.join('; ')}`);
  }
  return buildConfig(result.data, source);
}

// ${VAR} and ${VAR:-default} in string values, replaced after YAML parsing so a secret can never change the
// document's structure.
const environmentReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substituteEnvironment(value: unknown, env: Environment, path: (string | number)[], source: string): unknown {
  if (typeof value === 'string') {
    return value.replace(environmentReference, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${source}: ${formatPath(path)}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnvironment(item, env, [...path, index], source));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnvironment(item, env, [...path, key], source)]),
    );
  }
  return value;
}

function describeIssue(issue: ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function buildConfig(file: ConfigFile, source: string): Config {
  const fail = (path: (string | number)[], message: string): never => {
    throw new ConfigError(`${source}: ${formatPath(path)}: ${message}`);
  };

  const clusters = new Map<string, ClusterConfig>();
  for (const [name, cluster] of Object.entries(file.clusters)) {
    const seen = new Set<string>();
    for (const [group, nodes] of [['writers', cluster.writers], ['readers', cluster.readers]] as const) {
      nodes.forEach((node, index) => {
        if (seen.has(node.name)) fail(['clusters', name, group, index, 'name'], `duplicate node name "${node.name}"`);
        seen.add(node.name);
      });
    }
    clusters.set(name, {
      name,
      writeUser: cluster.write_user,
      readUser: cluster.read_user,
      writers: cluster.writers.map((node, index) => buildNode(node, cluster.tls, ['clusters', name, 'writers', index], fail)),
      readers: cluster.readers.map((node, index) => buildNode(node, cluster.tls, ['clusters', name, 'readers', index], fail)),
      pool: {
        connectionsPerNode: cluster.pool.connections_per_node,
        keepAliveTimeoutMs: cluster.pool.keep_alive_timeout_ms,
        keepAliveMarginMs: cluster.pool.keep_alive_margin_ms,
        maxQueue: cluster.pool.max_queue,
        queueTimeoutMs: cluster.pool.queue_timeout_ms,
        connectTimeoutMs: cluster.pool.connect_timeout_ms,
        headersTimeoutMs: cluster.pool.headers_timeout_ms,
        readHeadersTimeoutMs: cluster.pool.read_headers_timeout_ms ?? cluster.pool.headers_timeout_ms,
        bodyTimeoutMs: cluster.pool.body_timeout_ms,
      },
      readsFallbackToWriter: cluster.reads_fallback_to_writer,
      retryUnknownTableOnWriter: cluster.retry_unknown_table_on_writer,
      readFailoverBuffer: { bytes: cluster.read_failover_buffer_bytes, ms: cluster.read_failover_buffer_ms },
      compressionEncodings: cluster.compression_encodings,
      writeRetry: { insertMaxBodyBytes: cluster.insert_retry_max_body_bytes, waitMs: cluster.write_retry_wait_ms },
      health: {
        enabled: cluster.health.enabled,
        intervalMs: cluster.health.interval_ms,
        timeoutMs: cluster.health.timeout_ms,
        consecutiveFailures: cluster.health.consecutive_failures,
        healthyChecksToReturn: cluster.health.healthy_checks_to_return,
        recoveryMs: cluster.health.recovery_ms,
        maxReplicaLagSeconds: cluster.health.max_replica_lag_seconds,
      },
      ...(cluster.limits !== undefined ? { limits: buildClusterLimits(cluster.limits) } : {}),
    });
  }
  if (clusters.size === 0) fail(['clusters'], 'at least one cluster is required');

  const users = new Map<string, ProxyUserConfig>();
  for (const [name, user] of Object.entries(file.users)) {
    if (!clusters.has(user.cluster)) fail(['users', name, 'cluster'], `no cluster named "${user.cluster}"`);
    user.networks.forEach((network, index) => {
      if (!parseCidr(network, new BlockList())) fail(['users', name, 'networks', index], `"${network}" is not an IP address or CIDR`);
    });
    if (user.password_hash !== undefined && user.password_sha256_hex !== undefined) {
      fail(['users', name, 'password_hash'], 'give password_hash or the deprecated password_sha256_hex, not both');
    }
    users.set(name, {
      name,
      ...(user.password_hash !== undefined ? { passwordHash: user.password_hash } : {}),
      ...(user.password_sha256_hex !== undefined ? { passwordSha256Hex: user.password_sha256_hex.toLowerCase() } : {}),
      networks: user.networks,
      cluster: user.cluster,
      isAdmin: user.admin,
      readonly: user.readonly,
      denyDdl: user.deny_ddl,
      ...(user.limits !== undefined ? { limits: buildUserLimits(user.limits) } : {}),
    });
  }
  if (users.size === 0) fail(['users'], 'at least one user is required');
  for (const [path, networks] of [[['metrics', 'allowed_networks'], file.metrics.allowed_networks ?? []], [['status', 'allowed_networks'], file.status.allowed_networks]] as const) {
    networks.forEach((network, index) => {
      if (!parseCidr(network, new BlockList())) fail([...path, index], `"${network}" is not an IP address or CIDR`);
    });
  }
  file.server.trusted_proxies.forEach((network, index) => {
    if (!parseCidr(network, new BlockList())) fail(['server', 'trusted_proxies', index], `"${network}" is not an IP address or CIDR`);
  });

  if (file.server.request_timeout_ms > 0 && file.server.headers_timeout_ms > file.server.request_timeout_ms) {
    fail(['server', 'headers_timeout_ms'], `must not exceed server.request_timeout_ms (${file.server.request_timeout_ms})`);
  }

  const { cache } = file;
  const cacheConfig = {
    enabled: cache.enabled,
    maxMemoryBytes: cache.max_memory_bytes,
    maxEntryBytes: cache.max_entry_bytes,
    defaultTtlMs: cache.default_ttl_ms,
    store: {
      kind: cache.store.kind,
      path: cache.store.path,
      maxBytes: cache.store.max_bytes,
      pruneIntervalMs: cache.store.prune_interval_ms,
      url: cache.store.url,
      keyPrefix: cache.store.key_prefix,
      connectTimeoutMs: cache.store.connect_timeout_ms,
      commandTimeoutMs: cache.store.command_timeout_ms,
    },
    singleFlightWaitMs: cache.single_flight_wait_ms,
    replicaLagWindowMs: cache.replica_lag_window_ms,
    mutationPollIntervalMs: cache.mutation_poll_interval_ms,
    sharedGroups: cache.shared_groups,
    tableDependencies: cache.table_dependencies,
    learnDependencies: cache.learn_dependencies,
    dependenciesRefreshMs: cache.dependencies_refresh_ms,
    externalChanges: {
      enabled: cache.external_changes.enabled,
      intervalMs: cache.external_changes.interval_ms,
      databases: cache.external_changes.databases,
      tables: cache.external_changes.tables.map((table) => resolveTableName(table, defaultDatabase)),
      exclude: cache.external_changes.exclude,
    },
    rules: cache.rules.map(buildCacheRule),
  };
  for (const problem of findCacheRuleProblems(cacheConfig.rules)) fail(['cache', 'rules', problem.index, problem.key], problem.message);
  for (const problem of findCacheConfigProblems(cacheConfig)) fail(['cache'], problem);
  const rules = file.rules.map(buildQueryRule);
  for (const problem of findQueryRuleProblems(rules, new Set(users.keys()))) fail(['rules', problem.index, ...problem.key.split('.')], problem.message);

  return {
    cache: cacheConfig,
    server: {
      listenHost: file.server.listen_host,
      listenPort: file.server.listen_port,
      maxQueryHeadBytes: file.server.max_query_head_bytes,
      maxQueryDepth: file.server.max_query_depth,
      shutdownTimeoutMs: file.server.shutdown_timeout_ms,
      headersTimeoutMs: file.server.headers_timeout_ms,
      requestTimeoutMs: file.server.request_timeout_ms,
      keepAliveTimeoutMs: file.server.keep_alive_timeout_ms,
      maxHeaderBytes: file.server.max_header_bytes,
      maxUrlBytes: file.server.max_url_bytes,
      maxConnections: file.server.max_connections,
      trustedProxies: file.server.trusted_proxies,
      responseCompression: { enabled: file.server.response_compression.enabled, brotliQuality: file.server.response_compression.brotli_quality },
      ...(file.server.tls !== undefined
        ? {
            tls: {
              certFile: file.server.tls.cert_file,
              keyFile: file.server.tls.key_file,
              ...(file.server.tls.listen_port !== undefined ? { listenPort: file.server.tls.listen_port } : {}),
            },
          }
        : {}),
    },
    sessions: {
      defaultTimeoutSeconds: file.sessions.default_timeout_seconds,
      maxTimeoutSeconds: file.sessions.max_timeout_seconds,
      maxSessions: file.sessions.max_sessions,
    },
    clusters,
    users,
    rules,
    log: {
      level: file.log.level,
      ...(file.log.file !== undefined ? { file: file.log.file } : {}),
      requests: file.log.requests,
      slowQueryMs: file.log.slow_query_ms,
    },
    metrics: {
      listenHost: file.metrics.listen_host,
      ...(file.metrics.listen_port !== undefined ? { listenPort: file.metrics.listen_port } : {}),
      ...(file.metrics.allowed_networks !== undefined ? { allowedNetworks: file.metrics.allowed_networks } : {}),
    },
    status: {
      enabled: file.status.enabled,
      allowedNetworks: file.status.allowed_networks,
      refreshSeconds: file.status.refresh_seconds,
      recentErrors: file.status.recent_errors,
    },
    digest: { maxFingerprints: file.digest.max_fingerprints },
  };
}

type FileNode = ConfigFile['clusters'][string]['writers'][number];
type FileUpstreamTls = NonNullable<FileNode['tls']>;

/** A node with its tls resolved (its own, else the cluster's); the CA file is read now, so a bad path fails the load. */
function buildNode(
  node: FileNode,
  clusterTls: FileUpstreamTls | undefined,
  path: (string | number)[],
  fail: (path: (string | number)[], message: string) => never,
): NodeConfig {
  const tls = node.tls ?? clusterTls;
  const built: NodeConfig = { name: node.name, url: node.url, weight: node.weight };
  if (tls === undefined) return built;
  const tlsPath = node.tls !== undefined ? [...path, 'tls'] : path.slice(0, 2).concat('tls');
  let ca: string | undefined;
  if (tls.ca_file !== undefined) {
    try {
      ca = readFileSync(tls.ca_file, 'utf8');
    } catch (error) {
      fail([...tlsPath, 'ca_file'], `cannot read ${tls.ca_file}: ${(error as Error).message}`);
    }
  }
  built.tls = {
    verify: tls.verify,
    ...(ca !== undefined ? { ca, caFile: tls.ca_file } : {}),
    ...(tls.server_name !== undefined ? { serverName: tls.server_name } : {}),
  };
  return built;
}

type FileClusterLimits = NonNullable<ConfigFile['clusters'][string]['limits']>;

function buildClusterLimits(limits: FileClusterLimits): ClusterLimitsConfig {
  return limits.max_concurrent_queries === undefined
    ? {}
    : { concurrency: { maxConcurrentQueries: limits.max_concurrent_queries, maxQueued: limits.max_queued, maxQueueWaitMs: limits.max_queue_wait_ms } };
}

function buildUserLimits(limits: NonNullable<ConfigFile['users'][string]['limits']>): UserLimitsConfig {
  return {
    ...buildClusterLimits(limits),
    ...(limits.requests_per_minute !== undefined ? { requestsPerMinute: limits.requests_per_minute } : {}),
    ...(limits.max_body_bytes !== undefined ? { maxBodyBytes: limits.max_body_bytes } : {}),
    ...(limits.max_execution_time_ms !== undefined ? { maxExecutionTimeMs: limits.max_execution_time_ms } : {}),
    ...(limits.max_result_bytes !== undefined ? { maxResultBytes: limits.max_result_bytes } : {}),
  };
}

function buildQueryRule(rule: ConfigFile['rules'][number]): QueryRule {
  const cache = rule.cache && {
    ...(rule.cache.ttl_ms !== undefined ? { ttlMs: rule.cache.ttl_ms } : {}),
    ...(rule.cache.no_cache !== undefined ? { noCache: rule.cache.no_cache } : {}),
    ...(rule.cache.cache_non_deterministic !== undefined ? { cacheNonDeterministic: rule.cache.cache_non_deterministic } : {}),
  };
  return {
    name: rule.name,
    ...(rule.users !== undefined ? { users: rule.users } : {}),
    ...(rule.statement_types !== undefined ? { statementTypes: rule.statement_types } : {}),
    ...(rule.tables !== undefined ? { tables: rule.tables } : {}),
    ...(rule.fingerprints !== undefined ? { fingerprints: rule.fingerprints } : {}),
    ...(rule.match !== undefined ? { match: rule.match } : {}),
    ...(rule.deny !== undefined ? { deny: rule.deny } : {}),
    ...(rule.route !== undefined ? { route: rule.route } : {}),
    ...(cache !== undefined ? { cache } : {}),
    ...(rule.settings !== undefined ? { settings: { set: rule.settings.set, cap: rule.settings.cap } } : {}),
    ...(rule.rewrite !== undefined ? { rewrite: { pattern: rule.rewrite.pattern, replacement: rule.rewrite.replacement } } : {}),
  };
}

function buildCacheRule(rule: ConfigFile['cache']['rules'][number]): CacheRule {
  return {
    name: rule.name,
    ...(rule.users !== undefined ? { users: rule.users } : {}),
    ...(rule.tables !== undefined ? { tables: rule.tables } : {}),
    ...(rule.match !== undefined ? { match: rule.match } : {}),
    ...(rule.ttl_ms !== undefined ? { ttlMs: rule.ttl_ms } : {}),
    cacheNonDeterministic: rule.cache_non_deterministic,
    noCache: rule.no_cache,
  };
}
