import type { AddressInfo } from 'node:net';
import { createAuthenticator } from './auth/create-authenticator.js';
import type { Config } from './config/config.js';
import { createLogger, type Logger } from './log/create-logger.js';
import { createMetrics, type Metrics } from './metrics/create-metrics.js';
import { createPipeline } from './pipeline.js';
import { createHttpServer } from './server/create-server.js';
import { createSqlClassifier } from './sql/create-sql-classifier.js';
import { createUpstreamCluster, type UpstreamCluster } from './upstream/upstream-cluster.js';

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
      }),
    );
  }
  const handleQuery = createPipeline({
    authenticator: createAuthenticator(config.users.values()),
    classifier: createSqlClassifier(),
    clusters,
    metrics,
    logger,
    maxQueryHeadBytes: config.server.maxQueryHeadBytes,
  });
  const server = createHttpServer({ handleQuery, metrics, logger });

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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.all([...clusters.values()].map((cluster) => cluster.close()));
    },
  };
}
