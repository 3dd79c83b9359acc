import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createDeferredCounts, type DeferredCounts } from './deferred-counts.js';
import { createLeanHistogram, type LeanHistogram } from './lean-histogram.js';

/** Every instrument chgate exports, created once at start and passed to the modules that record them. */
export interface Metrics {
  registry: Registry;
  requests: Counter<'user' | 'status' | 'route'>;
  /** Observed on every request, cache hits included: a lean histogram (same exposition). */
  requestDuration: LeanHistogram<'status'>;
  upstreamDuration: Histogram<'node'>;
  cacheHitDuration: LeanHistogram<'path'>;
  sqlParseDuration: Histogram;
  statements: Counter<'route' | 'target' | 'type'>;
  upstreamRequests: Counter<'node' | 'status'>;
  upstreamErrors: Counter<'node' | 'kind'>;
  upstreamRetries: Counter<'node' | 'reason'>;
  killedQueries: Counter<'reason'>;
  limitsHit: Counter<'user' | 'limit'>;
  upstreamNodeState: Gauge<'node' | 'state'>;
  upstreamHealthTransitions: Counter<'node' | 'to'>;
  upstreamConnectionsOpened: Counter<'node'>;
  upstreamConnectionsOpen: Gauge<'node'>;
  upstreamQueueLength: Gauge<'node'>;
  upstreamQueueRejected: Counter<'node' | 'reason'>;
  upstreamQueueWait: Histogram<'node'>;
  upstreamStaleSocketRetries: Counter<'node'>;
  configReloads: Counter<'result'>;
  errors: Counter<'error'>;
  ruleMatches: Counter<'rule' | 'action'>;
  cacheRequests: Counter<'user' | 'result' | 'reason'>;
  cacheFastHits: Counter;
  /** Increments of requests, statements, cacheRequests and cacheFastHits that reach them at the next scrape. */
  deferred: DeferredCounts;
  cacheStores: Counter;
  cacheStoredBytes: Counter;
  cacheNotStored: Counter<'reason'>;
  cacheEvictions: Counter;
  cacheInvalidations: Counter<'cause' | 'scope'>;
  cacheStoreErrors: Counter<'operation'>;
  cacheExternalPolls: Counter<'node' | 'result'>;
  cacheExternalChanges: Counter<'source'>;
  cacheExternalDetectionDelay: Histogram;
  cacheDependencyRefreshes: Counter<'result'>;
  cacheStoreAvailable: Gauge;
  cacheEntries: Gauge;
  cacheBytes: Gauge;
  upstreamInFlight: Gauge<'node'>;
  upstreamConnectionsIdle: Gauge<'node'>;
  upstreamReplicaLag: Gauge<'node'>;
  queryDigestFingerprints: Gauge;
  queryDigestEvictions: Counter;
  endpointRefused: Counter<'endpoint'>;
  /** Where the per-node pool gauges read from at scrape time (set once the clusters exist; nothing per request). */
  observePools(source: () => Iterable<PoolSample>): void;
  /**
   * Zero series for a node's rare events (errors by kind, queue rejections and wait, health changes), so a dashboard shows
   * 0 rather than nothing and rate() sees the first one.
   */
  initNodeSeries(node: string): void;
}

/** One node's pool as a scrape sees it. */
export interface PoolSample {
  node: string;
  inFlight: number;
  /** Of those, waiting for a free connection. */
  queued: number;
  idleConnections: number;
  /** Undefined when not measured (a writer, health checks off) or unknown. */
  lagSeconds: number | undefined;
}

// 100 µs to 60 s: a cache hit and a long analytical query on one scale.
export const durationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(options: { collectProcessMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'chgate_' });
  const registers = [registry];
  const deferred = createDeferredCounts();
  // collect() runs with the counter as `this`.
  const flushDeferred = function (this: Counter<string>): void {
    deferred.flush(this);
  };
  let pools: () => Iterable<PoolSample> = () => [];
  // Gauges read at scrape time: reset first, so a node removed by a reload disappears.
  const poolGauge = (name: string, help: string, read: (sample: PoolSample) => number | undefined): Gauge<'node'> =>
    new Gauge({
      name,
      help,
      labelNames: ['node'],
      registers,
      collect() {
        this.reset();
        for (const sample of pools()) {
          const value = read(sample);
          if (value !== undefined) this.set({ node: sample.node }, value);
        }
      },
    });
  return {
    registry,
    deferred,
    requests: new Counter({ name: 'chgate_requests_total', help: 'Client requests by proxy user, HTTP status and route of the whole body (read, write, mixed: reads and writes, session: only SET/USE, unknown: not classified, or refused before).', labelNames: ['user', 'status', 'route'], registers, collect: flushDeferred }),
    requestDuration: createLeanHistogram({ name: 'chgate_request_duration_seconds', help: 'Whole request time, from the request line to the last byte sent.', labelNames: ['status'], buckets: durationBuckets, registers }),
    upstreamDuration: new Histogram({ name: 'chgate_upstream_duration_seconds', help: 'Time from sending a statement to a ClickHouse node to its response headers (ClickHouse answers headers once the query runs; the body streams after), by node.', labelNames: ['node'], buckets: durationBuckets, registers }),
    cacheHitDuration: createLeanHistogram({ name: 'chgate_cache_hit_duration_seconds', help: 'Whole time of requests answered from the cache, by path (fast: the hit fast path, full: decoded and classified first).', labelNames: ['path'], buckets: durationBuckets, registers }),
    sqlParseDuration: new Histogram({ name: 'chgate_sql_parse_duration_seconds', help: 'Time to split, classify and route the statements of one request.', buckets: durationBuckets, registers }),
    statements: new Counter({ name: 'chgate_statements_total', help: 'Statements by classified route, where they went, and statement type.', labelNames: ['route', 'target', 'type'], registers, collect: flushDeferred }),
    upstreamRequests: new Counter({ name: 'chgate_upstream_requests_total', help: 'Requests sent to ClickHouse nodes, by node and HTTP status.', labelNames: ['node', 'status'], registers }),
    upstreamErrors: new Counter({ name: 'chgate_upstream_errors_total', help: 'Failures talking to a ClickHouse node, by kind.', labelNames: ['node', 'kind'], registers }),
    upstreamRetries: new Counter({ name: 'chgate_upstream_retries_total', help: 'Statements sent again, by the node that failed and why (connect, socket, timeout, unknown-table; insert-dedup: an INSERT that ClickHouse deduplicates, after a failure that left its fate unknown; compression-refused: a read user that may not set enable_http_compression).', labelNames: ['node', 'reason'], registers }),
    upstreamNodeState: new Gauge({ name: 'chgate_upstream_node_state', help: 'Health state of each node: 1 for its current state (healthy, recovering, ejected), 0 for the others.', labelNames: ['node', 'state'], registers }),
    upstreamHealthTransitions: new Counter({ name: 'chgate_upstream_health_transitions_total', help: 'Node health state changes (ejections, returns), by node and new state.', labelNames: ['node', 'to'], registers }),
    killedQueries: new Counter({ name: 'chgate_killed_queries_total', help: 'Queries chgate killed on ClickHouse (KILL QUERY), by reason.', labelNames: ['reason'], registers }),
    limitsHit: new Counter({ name: 'chgate_limits_hit_total', help: 'Requests refused or stopped by a limit, by proxy user and the limit\'s config key (max_concurrent_queries, max_queue_wait_ms, cluster_max_concurrent_queries, cluster_max_queue_wait_ms, requests_per_minute, max_body_bytes, max_execution_time_ms, max_result_bytes).', labelNames: ['user', 'limit'], registers }),
    upstreamConnectionsOpened: new Counter({ name: 'chgate_upstream_connections_opened_total', help: 'TCP connections opened to ClickHouse nodes.', labelNames: ['node'], registers }),
    upstreamConnectionsOpen: new Gauge({ name: 'chgate_upstream_connections_open', help: 'TCP connections to ClickHouse nodes open now.', labelNames: ['node'], registers }),
    upstreamQueueLength: poolGauge('chgate_upstream_queue_length', 'Requests waiting for a free connection to a node (all connections_per_node busy).', (sample) => sample.queued),
    upstreamQueueRejected: new Counter({ name: 'chgate_upstream_queue_rejected_total', help: 'Requests refused with TOO_MANY_SIMULTANEOUS_QUERIES, by node and reason (full: max_queue reached, timeout: waited queue_timeout_ms).', labelNames: ['node', 'reason'], registers }),
    upstreamQueueWait: new Histogram({ name: 'chgate_upstream_queue_wait_seconds', help: 'How long requests that found every connection to a node busy waited for one, by node (refused ones count in chgate_upstream_queue_rejected_total).', labelNames: ['node'], buckets: durationBuckets, registers }),
    upstreamStaleSocketRetries: new Counter({ name: 'chgate_upstream_stale_socket_retries_total', help: 'Requests sent again at once because a reused keep-alive socket broke before any response byte.', labelNames: ['node'], registers }),
    configReloads: new Counter({ name: 'chgate_config_reloads_total', help: 'Config reloads (SIGHUP), by result (success, failure: the running config stays).', labelNames: ['result'], registers }),
    errors: new Counter({ name: 'chgate_errors_total', help: 'Errors chgate answered itself, by ClickHouse error name.', labelNames: ['error'], registers }),
    ruleMatches: new Counter({ name: 'chgate_rule_matches_total', help: 'Statements a query rule (top-level rules:) decided something for, by rule name and action (deny, route, cache, settings, rewrite).', labelNames: ['rule', 'action'], registers }),
    cacheRequests: new Counter({ name: 'chgate_cache_requests_total', help: 'Requests by cache result (hit, miss, bypass) and bypass reason, per proxy user.', labelNames: ['user', 'result', 'reason'], registers, collect: flushDeferred }),
    cacheFastHits: new Counter({ name: 'chgate_cache_fast_hits_total', help: 'Cache hits answered by the fast path (a request seen before, nothing to decide anew); also counted in chgate_cache_requests_total.', registers, collect: flushDeferred }),
    cacheStores: new Counter({ name: 'chgate_cache_stores_total', help: 'Responses stored in the cache.', registers }),
    cacheStoredBytes: new Counter({ name: 'chgate_cache_stored_bytes_total', help: 'Bytes of the responses stored in the cache.', registers }),
    cacheNotStored: new Counter({ name: 'chgate_cache_not_stored_total', help: 'Cacheable misses that were not stored, by reason.', labelNames: ['reason'], registers }),
    cacheEvictions: new Counter({ name: 'chgate_cache_evictions_total', help: 'Entries evicted from the memory tier to stay within max_memory_bytes.', registers }),
    cacheInvalidations: new Counter({ name: 'chgate_cache_invalidations_total', help: 'Invalidations by cause (write-start, write-complete, mutation-done, external, purge) and scope (tables, databases, everything).', labelNames: ['cause', 'scope'], registers }),
    cacheStoreErrors: new Counter({ name: 'chgate_cache_store_errors_total', help: 'Cache store operations that failed (served as misses, never as errors).', labelNames: ['operation'], registers }),
    cacheStoreAvailable: new Gauge({ name: 'chgate_cache_store_available', help: 'cache.store.kind redis: 1 while Redis answers and is synced, 0 while reads bypass the cache (reason store-unavailable). Always 1 for the other stores.', registers }),
    cacheExternalPolls: new Counter({ name: 'chgate_cache_external_polls_total', help: 'Polls of a writer\'s system tables for changes chgate did not make (cache.external_changes), by node and result (ok, error).', labelNames: ['node', 'result'], registers }),
    cacheExternalChanges: new Counter({ name: 'chgate_cache_external_changes_total', help: 'Tables found changed outside chgate, by what showed it (parts, mutations, tables); a first poll counts every table it lists.', labelNames: ['source'], registers }),
    cacheExternalDetectionDelay: new Histogram({ name: 'chgate_cache_external_detection_delay_seconds', help: 'Age of the newest active part of tables whose parts changed, when the change was found (server clock, whole seconds).', buckets: [0.5, 1, 2, 3, 5, 10, 30, 60], registers }),
    cacheDependencyRefreshes: new Counter({ name: 'chgate_cache_dependency_refreshes_total', help: 'Reads of the dependency graph from system.tables (cache.learn_dependencies), by result (ok, error).', labelNames: ['result'], registers }),
    cacheEntries: new Gauge({ name: 'chgate_cache_entries', help: 'Entries in the memory tier.', registers }),
    cacheBytes: new Gauge({ name: 'chgate_cache_bytes', help: 'Bytes accounted in the memory tier.', registers }),
    upstreamInFlight: poolGauge('chgate_upstream_in_flight', 'Requests accepted by a node\'s pool and not finished (waiting for a connection, or sent and their body not read to the end).', (sample) => sample.inFlight),
    upstreamConnectionsIdle: poolGauge('chgate_upstream_connections_idle', 'Open connections to a node that no request uses now.', (sample) => sample.idleConnections),
    upstreamReplicaLag: poolGauge('chgate_upstream_replica_lag_seconds', 'Replica lag from the last health check (max absolute_delay of system.replicas); absent for writers and when unknown.', (sample) => sample.lagSeconds),
    queryDigestFingerprints: new Gauge({ name: 'chgate_query_digest_fingerprints', help: 'Distinct statement fingerprints the query digest holds (at most digest.max_fingerprints).', registers }),
    queryDigestEvictions: new Counter({ name: 'chgate_query_digest_evictions_total', help: 'Fingerprints dropped from the query digest (the least recently seen) to make room for a new one.', registers }),
    endpointRefused: new Counter({ name: 'chgate_endpoint_refused_total', help: 'Requests to /metrics or /status refused because the peer is outside the allowed networks (status: and gave no admin credentials), by endpoint.', labelNames: ['endpoint'], registers }),
    observePools(source) {
      pools = source;
    },
    initNodeSeries(node) {
      for (const kind of ['connect', 'timeout', 'socket', 'other', 'overload']) this.upstreamErrors.inc({ node, kind }, 0);
      for (const reason of ['full', 'timeout']) this.upstreamQueueRejected.inc({ node, reason }, 0);
      for (const to of ['ejected', 'recovering', 'healthy']) this.upstreamHealthTransitions.inc({ node, to }, 0);
      this.upstreamQueueWait.zero({ node });
    },
  };
}
