import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin/create-admin-handler.js';
import { createAuthenticator } from './auth/create-authenticator.js';
import { openQueryCache, type CacheHooks } from './cache/create-query-cache.js';
import { readBounded } from './response/read-bounded.js';
import type { Config } from './config/config.js';
import { createLogger, type Logger } from './log/create-logger.js';
import { createMetrics, type Metrics } from './metrics/create-metrics.js';
import { createPipeline } from './pipeline.js';
import { createHttpServer } from './server/create-server.js';
import { createSessionRegistry } from './session/session-registry.js';
import { createSqlClassifier } from './sql/create-sql-classifier.js';
import { sendAsBackendUser } from './upstream/backend-user.js';
import { createUpstreamCluster, type UpstreamCluster } from './upstream/upstream-cluster.js';

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

export interface RunningChgate {
  /** host:port actually bound (the port may have been 0). */
  address: AddressInfo;
  metrics: Metrics;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  close(): Promise<void>;
}

/** The one composition root: build every module from the config, wire them, listen. */
export async function startChgate(config: Config, options: { logger?: Logger; metrics?: Metrics } = {}): Promise<RunningChgate> {
  const logger = options.logger ?? createLogger('info');
  const metrics = options.metrics ?? createMetrics();
  const clusters = new Map<string, UpstreamCluster>();
  for (const cluster of config.clusters.values()) {
    clusters.set(
      cluster.name,
      createUpstreamCluster(cluster, {
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
      }),
    );
  }
  for (const cluster of clusters.values()) {
    for (const node of cluster.nodes) if (node.health) metrics.upstreamNodeState.set({ node: node.name, state: node.health.state() }, 1);
  }
  const cache = await openQueryCache(
    // Disabled: nothing is read or stored, but writes are still tracked, so no file is needed.
    config.cache.enabled ? config.cache : { ...config.cache, store: { ...config.cache.store, kind: 'memory' } },
    { queryWriter: (sql) => queryEveryWriter(clusters, sql), hooks: cacheMetricHooks(metrics, logger) },
  );
  const authenticator = createAuthenticator(config.users.values());
  const handleQuery = createPipeline({
    authenticator,
    cache,
    classifier: createSqlClassifier(),
    clusters,
    metrics,
    logger,
    maxQueryHeadBytes: config.server.maxQueryHeadBytes,
    sessions: { registry: createSessionRegistry(), config: config.sessions },
  });
  const handleAdmin = createAdminHandler({ authenticator, cache: { purge: (table) => cache.purge(table) } });
  const cacheGauges = setInterval(() => {
    const stats = cache.stats();
    metrics.cacheEntries.set(stats.memoryEntries);
    metrics.cacheBytes.set(stats.memoryBytes);
  }, 1000);
  cacheGauges.unref();
  const server = createHttpServer({ handleQuery, handleAdmin, metrics, logger });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.listenPort, config.server.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info('chgate listening', { host: address.address, port: address.port, clusters: [...clusters.keys()] });

  return {
    address,
    metrics,
    clusters,
    async close() {
      // Requests in flight finish; keep-alive connections are closed as soon as they are idle; whatever is still
      // open at the deadline is cut.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const sweeper = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), config.server.shutdownTimeoutMs);
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
