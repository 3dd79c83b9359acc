import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin/create-admin-handler.js';
import { createAuthenticator, type Authenticator } from './auth/create-authenticator.js';
import { openQueryCache, type CacheHooks } from './cache/create-query-cache.js';
import { readBounded } from './response/read-bounded.js';
import type { Config } from './config/config.js';
import { findRestartOnlyChanges } from './config/restart-only-changes.js';
import { createRequestLimits } from './limits/create-request-limits.js';
import { createLogger, type Logger } from './log/create-logger.js';
import { createMetrics, type Metrics, type PoolSample } from './metrics/create-metrics.js';
import { createPipeline } from './pipeline.js';
import { compileRules } from './rules/compile-rules.js';
import { createHttpServer } from './server/create-server.js';
import { createSessionRegistry } from './session/session-registry.js';
import { createSqlClassifier } from './sql/create-sql-classifier.js';
import { sendAsBackendUser } from './upstream/backend-user.js';
import { createUpstreamCluster, type UpstreamCluster, type UpstreamClusterHooks } from './upstream/upstream-cluster.js';

/** Runs a read-only statement on the writer of every cluster (as the read user) and joins the answers. */
async function queryEveryWriter(clusters: ReadonlyMap<string, UpstreamCluster>, sql: string): Promise<string> {
  const answers = await Promise.all(
    [...clusters.values()].map(async (cluster) => {
      const choice = cluster.pick('writer', 'read');
      const response = await sendAsBackendUser(choice, sql);
      const text = await readBounded(response.body, 16 * 1024 * 1024);
      if (response.statusCode !== 200) throw new Error(`${choice.node.name} answered ${response.statusCode}: ${text.toString('utf8').trim()}`);
      return text.toString('utf8');
    }),
  );
  return answers.join('');
}

function cacheMetricHooks(metrics: Metrics, logger: Logger): CacheHooks {
  return {
    onStore: (bytes) => {
      metrics.cacheStores.inc();
      metrics.cacheStoredBytes.inc(bytes);
    },
    onNotStored: (reason) => metrics.cacheNotStored.inc({ reason }),
    onEviction: () => metrics.cacheEvictions.inc(),
    onInvalidation: (cause, scope) => metrics.cacheInvalidations.inc({ cause, scope }),
    onStoreError: (operation, error) => {
      metrics.cacheStoreErrors.inc({ operation });
      logger.warn('cache store error', { operation, error: String(error) });
    },
    onMutationPollError: (error) => logger.warn('polling system.mutations failed', { error: String(error) }),
  };
}

function upstreamMetricHooks(metrics: Metrics, logger: Logger, clusters: ReadonlyMap<string, UpstreamCluster>): UpstreamClusterHooks {
  return {
    onConnectionOpened: (node) => {
      metrics.upstreamConnectionsOpened.inc({ node });
      metrics.upstreamConnectionsOpen.inc({ node });
    },
    onConnectionClosed: (node) => metrics.upstreamConnectionsOpen.dec({ node }),
    onHealthChange: (node, from, to, reason) => {
      metrics.upstreamNodeState.set({ node, state: from }, 0);
      metrics.upstreamNodeState.set({ node, state: to }, 1);
      metrics.upstreamHealthTransitions.inc({ node, to });
      logger.warn('node health changed', { node, from, to, reason });
    },
    onQueueLength: (node, length) => metrics.upstreamQueueLength.set({ node }, length),
    onQueueRejected: (node, reason) => metrics.upstreamQueueRejected.inc({ node, reason }),
    onQueueWait: (node, seconds) => metrics.upstreamQueueWait.observe({ node }, seconds),
    onStaleSocketRetry: (node) => metrics.upstreamStaleSocketRetries.inc({ node }),
    onNodeAdded: (node) => {
      metrics.initNodeSeries(node.name);
      if (node.health) metrics.upstreamNodeState.set({ node: node.name, state: node.health.state() }, 1);
    },
    onNodeClosed: (node) => {
      // A node of the same name may have replaced it (new URL or settings): its series stay.
      const replaced = [...clusters.values()].some((cluster) => cluster.nodes.some((each) => each.name === node.name));
      if (!replaced) for (const state of ['healthy', 'recovering', 'ejected']) metrics.upstreamNodeState.remove({ node: node.name, state });
      logger.info('removed node closed', { node: node.name });
    },
  };
}

/** The per-node pool gauges, read at scrape time. Idle: open connections no request is using. */
function* poolSamples(clusters: ReadonlyMap<string, UpstreamCluster>): Generator<PoolSample> {
  for (const cluster of clusters.values()) {
    for (const node of cluster.nodes) {
      const inFlight = node.inFlight();
      const queued = node.queued();
      yield { node: node.name, inFlight, queued, idleConnections: Math.max(0, node.connectionStats().open - (inFlight - queued)), lagSeconds: node.health?.lagSeconds() };
    }
  }
}

export type ReloadOutcome =
  | { result: 'success'; added: string[]; removed: string[]; needsRestart: string[] }
  | { result: 'failure'; error: string };

export interface RunningChgate {
  /** host:port actually bound (the port may have been 0). */
  address: AddressInfo;
  metrics: Metrics;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  /**
   * Loads a config and applies it without dropping a request: clusters, nodes, pools, health and users. A config
   * that fails to load changes nothing. Reloads run one at a time. Never rejects.
   */
  reload(load: () => Promise<Config>): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

/** The one composition root: build every module from the config, wire them, listen. */
export async function startChgate(config: Config, options: { logger?: Logger; metrics?: Metrics } = {}): Promise<RunningChgate> {
  const logger = options.logger ?? createLogger('info');
  const metrics = options.metrics ?? createMetrics();
  // Mutated in place by reload(): the pipeline and the cache see the same map.
  const clusters = new Map<string, UpstreamCluster>();
  const upstreamHooks = upstreamMetricHooks(metrics, logger, clusters);
  for (const cluster of config.clusters.values()) clusters.set(cluster.name, createUpstreamCluster(cluster, upstreamHooks));
  metrics.observePools(() => poolSamples(clusters));
  let current = config;
  const cache = await openQueryCache(
    // Disabled: nothing is read or stored, but writes are still tracked, so no file is needed.
    config.cache.enabled ? config.cache : { ...config.cache, store: { ...config.cache.store, kind: 'memory' } },
    { queryWriter: (sql) => queryEveryWriter(clusters, sql), hooks: cacheMetricHooks(metrics, logger) },
  );
  // Swapped by reload(); a request authenticates against the users of the moment it arrived.
  let users = createAuthenticator(config.users.values(), { trustedProxies: config.server.trustedProxies });
  const authenticator: Authenticator = { authenticate: (credentials, remoteAddress, forwardedFor) => users.authenticate(credentials, remoteAddress, forwardedFor) };
  const handleQuery = createPipeline({
    authenticator,
    cache,
    classifier: createSqlClassifier(),
    clusters,
    metrics,
    logger,
    maxQueryHeadBytes: config.server.maxQueryHeadBytes,
    // The config of the moment: a reload applies new session limits to the next request.
    sessions: { registry: createSessionRegistry(), get config() { return current.sessions; } },
    // Restart-only (findRestartOnlyChanges): compiled once.
    rules: config.rules?.length ? compileRules(config.rules) : undefined,
    // Per-user and per-cluster limits of the moment: a reload applies to the next request.
    limits: createRequestLimits({
      metrics,
      userLimits: (name) => current.users.get(name)?.limits,
      clusterLimits: (name) => current.clusters.get(name)?.limits,
    }),
  });
  const handleAdmin = createAdminHandler({ authenticator, cache: { purge: (table) => cache.purge(table) } });
  const cacheGauges = setInterval(() => {
    const stats = cache.stats();
    metrics.cacheEntries.set(stats.memoryEntries);
    metrics.cacheBytes.set(stats.memoryBytes);
  }, 1000);
  cacheGauges.unref();
  const server = createHttpServer({ handleQuery, handleAdmin, metrics, logger });
  // Responses not yet started when shutdown begins say `Connection: close`, so no client sends another request on a
  // connection that is about to close.
  let stopping = false;
  const openResponses = new Set<ServerResponse>();
  server.prependListener('request', (_request, response) => {
    if (stopping) response.shouldKeepAlive = false;
    openResponses.add(response);
    response.once('close', () => openResponses.delete(response));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.listenPort, config.server.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info('chgate listening', { host: address.address, port: address.port, clusters: [...clusters.keys()] });

  const apply = (next: Config): ReloadOutcome => {
    const added: string[] = [];
    const removed: string[] = [];
    for (const clusterConfig of next.clusters.values()) {
      const existing = clusters.get(clusterConfig.name);
      if (existing) {
        const changes = existing.reconfigure(clusterConfig);
        added.push(...changes.added);
        removed.push(...changes.removed);
      } else {
        const cluster = createUpstreamCluster(clusterConfig, upstreamHooks);
        clusters.set(clusterConfig.name, cluster);
        added.push(...cluster.nodes.map((node) => node.name));
      }
    }
    users = createAuthenticator(next.users.values(), { trustedProxies: next.server.trustedProxies });
    for (const [name, cluster] of clusters) {
      if (next.clusters.has(name)) continue;
      // No user maps to it any more; requests already on it finish before its pools close.
      clusters.delete(name);
      removed.push(...cluster.nodes.map((node) => node.name));
      void cluster.close();
    }
    const needsRestart = findRestartOnlyChanges(current, next);
    // What needs a restart keeps its running value, so the running config stays true to what runs.
    current = { ...next, cache: current.cache, server: { ...next.server, listenHost: current.server.listenHost, listenPort: current.server.listenPort, maxQueryHeadBytes: current.server.maxQueryHeadBytes } };
    return { result: 'success', added, removed, needsRestart };
  };
  let reloading: Promise<unknown> = Promise.resolve();

  return {
    address,
    metrics,
    clusters,
    reload(load) {
      const outcome = reloading.then(async (): Promise<ReloadOutcome> => {
        let result: ReloadOutcome;
        try {
          result = apply(await load());
        } catch (error) {
          result = { result: 'failure', error: error instanceof Error ? error.message : String(error) };
        }
        metrics.configReloads.inc({ result: result.result });
        if (result.result === 'failure') logger.error('config reload failed, the running config stays', { error: result.error });
        else {
          logger.info('config reloaded', { added: result.added, removed: result.removed });
          if (result.needsRestart.length > 0) logger.warn('config changes that need a restart were not applied', { keys: result.needsRestart });
        }
        return result;
      });
      reloading = outcome;
      return outcome;
    },
    async close() {
      // Requests in flight finish; keep-alive connections are closed as soon as they are idle; whatever is still
      // open at the deadline is cut.
      stopping = true;
      for (const response of openResponses) if (!response.headersSent) response.shouldKeepAlive = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const sweeper = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), current.server.shutdownTimeoutMs);
        server.once('close', () => {
          clearInterval(sweeper);
          clearTimeout(deadline);
        });
      });
      // Requests cut at the deadline abort on the next turns of the event loop and send their KILL QUERY then;
      // the pools below wait for those, but only if they were queued before the pools close.
      await new Promise((resolve) => setTimeout(resolve, 50));
      clearInterval(cacheGauges);
      await cache.close();
      await Promise.all([...clusters.values()].map((cluster) => cluster.close()));
    },
  };
}
