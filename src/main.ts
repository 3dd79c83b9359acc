import { readFile } from 'node:fs/promises';
import type { Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin/create-admin-handler.js';
import { createPeerCheck } from './auth/allowed-peers.js';
import { ChgateError } from './errors/error-catalogue.js';
import { createAuthenticator, type Authenticator } from './auth/create-authenticator.js';
import { openQueryCache, type CacheHooks } from './cache/create-query-cache.js';
import { createChangeTracking, type ChangeTrackingHooks } from './cache/external-changes-setup.js';
import type { WriterTarget } from './cache/external-changes.js';
import { readBounded } from './response/read-bounded.js';
import { sendError } from './response/send-plain.js';
import type { Config, ServerConfig, ServerTlsConfig } from './config/config.js';
import { findRestartOnlyChanges } from './config/restart-only-changes.js';
import { createRequestLimits } from './limits/create-request-limits.js';
import { createLogger, openLogDestination, type Logger } from './log/create-logger.js';
import { backendPasswords } from './log/backend-secrets.js';
import { withMaskedSecrets } from './log/masking-logger.js';
import { createRepeatedFailureLog } from './log/repeated-failure-log.js';
import { createMetrics, type Metrics, type PoolSample } from './metrics/create-metrics.js';
import { createQueryDigest } from './observability/query-digest.js';
import { createAccessLog } from './observability/access-log.js';
import { combineRequestObservers, type RequestObserver } from './observability/request-record.js';
import { createStatusHandler } from './observability/status-handler.js';
import { createRecentErrors } from './observability/status-recent-errors.js';
import { buildStatusSnapshot } from './observability/status-snapshot.js';
import { createTrafficWindow } from './observability/status-traffic.js';
import { createPipeline } from './pipeline.js';
import { compileRules } from './rules/compile-rules.js';
import { applyServerLimits, createHttpServer, type QueryHandler, type ServerLimits, type TlsKeyPair } from './server/create-server.js';
import { createMetricsHandler } from './server/metrics-endpoint.js';
import { createSessionRegistry } from './session/session-registry.js';
import { createSqlClassifier } from './sql/create-sql-classifier.js';
import { sendAsBackendUser } from './upstream/backend-user.js';
import { createUpstreamCluster, type NodeChoice, type UpstreamCluster, type UpstreamClusterHooks } from './upstream/upstream-cluster.js';

/** One read-only statement of chgate's own on one node; rejects unless ClickHouse answers 200. */
async function queryNodeAs(choice: NodeChoice, sql: string): Promise<string> {
  const response = await sendAsBackendUser(choice, sql);
  const text = await readBounded(response.body, 16 * 1024 * 1024);
  if (response.statusCode !== 200) throw new Error(`${choice.node.name} answered ${response.statusCode}: ${text.toString('utf8').trim()}`);
  return text.toString('utf8');
}

/** Runs a read-only statement on the writer of every cluster (as the read user) and joins the answers. */
async function queryEveryWriter(clusters: ReadonlyMap<string, UpstreamCluster>, sql: string): Promise<string> {
  const answers = await Promise.all([...clusters.values()].map((cluster) => queryNodeAs(cluster.pick('writer', 'read'), sql)));
  return answers.join('');
}

/** Every writer node of every cluster, each on its own (external changes: parts differ per node), as the read user. */
function writerTargets(clusters: ReadonlyMap<string, UpstreamCluster>, config: Config): WriterTarget[] {
  return [...clusters.values()].flatMap((cluster) => {
    const credentials = config.clusters.get(cluster.name)?.readUser;
    if (!credentials) return [];
    return cluster.nodes
      .filter((node) => node.role === 'writer')
      .map((node) => ({ name: `${cluster.name}/${node.name}`, query: (sql: string) => queryNodeAs({ node, credentials }, sql) }));
  });
}

function changeTrackingHooks(metrics: Metrics, logger: Logger): ChangeTrackingHooks {
  // Both retry every second or so while a writer is down: a line a minute is enough.
  const dependencyFailures = createRepeatedFailureLog(logger, { failing: 'reading table dependencies from system.tables failed', recovered: 'reading table dependencies works again' });
  const pollFailures = createRepeatedFailureLog(logger, { failing: 'polling for external changes failed', recovered: 'polling for external changes works again' });
  return {
    onDependencyRefresh: (result, error) => {
      metrics.cacheDependencyRefreshes.inc({ result });
      if (error !== undefined) dependencyFailures.failed('', { error: String(error) });
      else dependencyFailures.succeeded('');
    },
    onExternalPoll: (writer, result, error) => {
      metrics.cacheExternalPolls.inc({ node: writer, result });
      if (error !== undefined) pollFailures.failed(writer, { node: writer, error: String(error) });
      else pollFailures.succeeded(writer, { node: writer });
    },
    onExternalChange: (change, delayMs) => {
      for (const [source, count] of Object.entries(change.bySource)) if (count > 0) metrics.cacheExternalChanges.inc({ source }, count);
      if (delayMs !== undefined) metrics.cacheExternalDetectionDelay.observe(delayMs / 1000);
    },
  };
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
    onStoreAvailability: (available, reason) => {
      metrics.cacheStoreAvailable.set(available ? 1 : 0);
      if (available) logger.info('cache store available again', { reason });
      else logger.warn('cache store unavailable: reads bypass the cache', { reason });
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

function serverLimits(server: ServerConfig): ServerLimits {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxHeaderBytes, maxUrlBytes, maxConnections } = server;
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxHeaderBytes, maxUrlBytes, maxConnections };
}

async function readKeyPair(tls: ServerTlsConfig): Promise<TlsKeyPair> {
  const [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
  return { cert, key };
}

/** `verify: false` is allowed only when written out, and never silently. */
function warnUnverifiedTls(config: Config, logger: Logger): void {
  for (const cluster of config.clusters.values()) {
    for (const node of [...cluster.writers, ...cluster.readers]) {
      if (node.tls?.verify === false && node.url.startsWith('https:')) {
        logger.warn('TLS certificate verification is off for a ClickHouse node (tls.verify: false)', { cluster: cluster.name, node: node.name });
      }
    }
  }
}

export type ReloadOutcome =
  | { result: 'success'; added: string[]; removed: string[]; needsRestart: string[] }
  | { result: 'failure'; error: string };

export interface RunningChgate {
  /** host:port actually bound (the port may have been 0); HTTPS when server.tls has no listen_port of its own. */
  address: AddressInfo;
  /** The HTTPS listener's address when it listens beside HTTP (server.tls.listen_port). */
  secureAddress: AddressInfo | undefined;
  /** The /metrics listener's address when it has its own (metrics.listen_port). */
  metricsAddress: AddressInfo | undefined;
  metrics: Metrics;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  /**
   * Loads a config and applies it without dropping a request: clusters, nodes, pools, health and users. A config
   * that fails to load changes nothing. Reloads run one at a time. Never rejects.
   */
  reload(load: () => Promise<Config>): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

/** A path this listener does not serve (the /metrics listener answers only /metrics and /ping). */
const notServedHere: QueryHandler = async (request, response, url) => {
  request.resume();
  sendError(response, new ChgateError('NOT_FOUND', `there is no handler for ${url.pathname} here`));
};

/** The one composition root: build every module from the config, wire them, listen. */
export async function startChgate(config: Config, options: { logger?: Logger; metrics?: Metrics } = {}): Promise<RunningChgate> {
  // The running config: reload() replaces it.
  let current = config;
  // Without a logger from the caller, chgate logs as `log:` says (its level follows reloads; flushed at close).
  const ownLogger = options.logger ? undefined : createLogger(config.log.level, openLogDestination(config.log.file));
  // Backend passwords of the running config never appear in a log line, whatever logs them.
  // Asked for every log line (an access line per request): worked out again only when a reload changed the config.
  let secrets = { of: current, passwords: backendPasswords(current) };
  const currentSecrets = (): string[] => {
    if (secrets.of !== current) secrets = { of: current, passwords: backendPasswords(current) };
    return secrets.passwords;
  };
  const logger = withMaskedSecrets(options.logger ?? (ownLogger as Logger), currentSecrets);
  const metrics = options.metrics ?? createMetrics();
  // Mutated in place by reload(): the pipeline and the cache see the same map.
  const clusters = new Map<string, UpstreamCluster>();
  const upstreamHooks = upstreamMetricHooks(metrics, logger, clusters);
  for (const cluster of config.clusters.values()) clusters.set(cluster.name, createUpstreamCluster(cluster, upstreamHooks));
  metrics.observePools(() => poolSamples(clusters));
  // Learned dependencies and external changes (cache.learn_dependencies, cache.external_changes).
  // One SQL engine (and its statement cache) for the pipeline and for reading views' SELECTs.
  const classifier = createSqlClassifier();
  const tracking = createChangeTracking(config.cache, {
    queryWriter: (sql) => queryEveryWriter(clusters, sql),
    writers: () => writerTargets(clusters, current),
    classify: (sql) => classifier.classify(sql),
    hooks: changeTrackingHooks(metrics, logger),
  });
  // Redis turns it to 1 once connected and synced.
  metrics.cacheStoreAvailable.set(config.cache.store.kind === 'redis' ? 0 : 1);
  const cache = await openQueryCache(
    // Disabled: nothing is read or stored, but writes are still tracked, so no file is needed. Redis stays: the
    // instances that cache must see this one's writes.
    config.cache.enabled || config.cache.store.kind === 'redis' ? config.cache : { ...config.cache, store: { ...config.cache.store, kind: 'memory' } },
    { queryWriter: (sql) => queryEveryWriter(clusters, sql), hooks: cacheMetricHooks(metrics, logger), ...(tracking.schema ? { schema: tracking.schema } : {}) },
  );
  await tracking.start(cache);
  // Swapped by reload(); a request authenticates against the users of the moment it arrived.
  let users = createAuthenticator(config.users.values(), { trustedProxies: config.server.trustedProxies });
  const authenticator: Authenticator = {
    authenticate: (credentials, remoteAddress, forwardedFor) => users.authenticate(credentials, remoteAddress, forwardedFor),
    authenticateKnown: (credentials, remoteAddress, forwardedFor) => users.authenticateKnown(credentials, remoteAddress, forwardedFor),
  };
  // Each finished request is shown to these (access log, query digest, status page).
  const requestObservers: RequestObserver[] = [];
  // The query digest and the status page's last minute and recent errors (README "Status page, query digest").
  const digest = createQueryDigest({
    maxFingerprints: config.digest.maxFingerprints,
    onEviction: () => metrics.queryDigestEvictions.inc(),
    onSizeChange: (size) => metrics.queryDigestFingerprints.set(size),
  });
  const traffic = createTrafficWindow();
  const recentErrors = createRecentErrors({ capacity: config.status.recentErrors });
  requestObservers.push(digest.observe, traffic.observe, recentErrors.observe);
  // The access log and slow-query log (README "Logs"), with the `log:` settings of the moment.
  const accessLog = createAccessLog(logger, () => current.log);
  requestObservers.push(accessLog);
  const startedAtMs = Date.now();
  const handleQuery = createPipeline({
    observeRequest: combineRequestObservers(requestObservers, (error) => logger.error('request observer failed', { error: String(error) })),
    authenticator,
    cache,
    classifier,
    clusters,
    metrics,
    logger,
    maxQueryHeadBytes: config.server.maxQueryHeadBytes,
    get responseCompression() {
      return current.server.responseCompression;
    },
    get maxQueryDepth() {
      return current.server.maxQueryDepth;
    },
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
  const handleAdmin = createAdminHandler({ authenticator, cache: { purge: (table) => cache.purge(table) }, digest });
  // Swapped by reload(), like the users.
  let metricsPeers = createPeerCheck(config.metrics.allowedNetworks);
  let statusPeers = createPeerCheck(config.status.allowedNetworks);
  const handleMetrics = createMetricsHandler({ metrics, logger, isAllowedPeer: (address) => metricsPeers(address) });
  const handleStatus = createStatusHandler({
    isAllowedPeer: (address) => statusPeers(address),
    authenticator,
    snapshot: () => buildStatusSnapshot({ clusters, traffic, recentErrors, digest, startedAtMs }, { refreshSeconds: current.status.refreshSeconds }),
    onRefused: () => metrics.endpointRefused.inc({ endpoint: 'status' }),
  });
  // status.enabled is read per request, so a reload can turn the page off or on.
  const routeStatus: QueryHandler = (request, response, url) => (current.status.enabled ? handleStatus(request, response, url) : notServedHere(request, response, url));
  const metricsHasOwnListener = config.metrics.listenPort !== undefined;
  const cacheGauges = setInterval(() => {
    const stats = cache.stats();
    metrics.cacheEntries.set(stats.memoryEntries);
    metrics.cacheBytes.set(stats.memoryBytes);
  }, 1000);
  cacheGauges.unref();
  warnUnverifiedTls(config, logger);
  const serverDeps = { handleQuery, handleAdmin, handleMetrics: metricsHasOwnListener ? undefined : handleMetrics, handleStatus: routeStatus, metrics, logger, limits: serverLimits(config.server) };
  const tlsConfig = config.server.tls;
  const keyPair = tlsConfig ? await readKeyPair(tlsConfig) : undefined;
  // listen_port speaks HTTPS unless HTTPS has a port of its own.
  const server = createHttpServer({ ...serverDeps, ...(keyPair && tlsConfig?.listenPort === undefined ? { tls: keyPair } : {}) });
  const secureServer = keyPair && tlsConfig?.listenPort !== undefined ? createHttpServer({ ...serverDeps, tls: keyPair }) : undefined;
  // metrics.listen_port: /metrics (and /ping) alone, with the main listener's timeouts and limits.
  const metricsServer = metricsHasOwnListener
    ? createHttpServer({ handleQuery: notServedHere, handleAdmin: notServedHere, handleMetrics, metrics, logger, limits: serverLimits(config.server) })
    : undefined;
  const servers: (Server | HttpsServer)[] = [server, ...(secureServer ? [secureServer] : []), ...(metricsServer ? [metricsServer] : [])];
  // Responses not yet started when shutdown begins say `Connection: close`, so no client sends another request on a
  // connection that is about to close.
  let stopping = false;
  const openResponses = new Set<ServerResponse>();
  for (const each of servers) {
    each.prependListener('request', (_request, response) => {
      if (stopping) response.shouldKeepAlive = false;
      openResponses.add(response);
      response.once('close', () => openResponses.delete(response));
    });
  }

  const listen = (each: Server | HttpsServer, port: number, host = config.server.listenHost): Promise<AddressInfo> =>
    new Promise<AddressInfo>((resolve, reject) => {
      each.once('error', reject);
      each.listen(port, host, () => {
        each.off('error', reject);
        resolve(each.address() as AddressInfo);
      });
    });
  const address = await listen(server, config.server.listenPort);
  const secureAddress = secureServer && tlsConfig?.listenPort !== undefined ? await listen(secureServer, tlsConfig.listenPort) : undefined;
  const metricsAddress = metricsServer && config.metrics.listenPort !== undefined ? await listen(metricsServer, config.metrics.listenPort, config.metrics.listenHost) : undefined;
  logger.info('chgate listening', {
    host: address.address,
    port: address.port,
    protocol: secureServer || !keyPair ? 'http' : 'https',
    ...(secureAddress ? { httpsPort: secureAddress.port } : {}),
    ...(metricsAddress ? { metricsHost: metricsAddress.address, metricsPort: metricsAddress.port } : {}),
    clusters: [...clusters.keys()],
  });

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
    metricsPeers = createPeerCheck(next.metrics.allowedNetworks);
    statusPeers = createPeerCheck(next.status.allowedNetworks);
    for (const [name, cluster] of clusters) {
      if (next.clusters.has(name)) continue;
      // No user maps to it any more; requests already on it finish before its pools close.
      clusters.delete(name);
      removed.push(...cluster.nodes.map((node) => node.name));
      void cluster.close();
    }
    const needsRestart = findRestartOnlyChanges(current, next);
    for (const each of servers) applyServerLimits(each, { ...serverLimits(next.server), maxHeaderBytes: current.server.maxHeaderBytes });
    warnUnverifiedTls(next, logger);
    // Lines of requests finished before the swap are masked with the secrets they were served under.
    accessLog.flush();
    // What needs a restart keeps its running value, so the running config stays true to what runs.
    current = {
      ...next,
      cache: current.cache,
      metrics: { ...next.metrics, listenHost: current.metrics.listenHost, listenPort: current.metrics.listenPort },
      digest: current.digest,
      // The log file stays open where it is.
      log: { ...next.log, file: current.log.file },
      status: { ...next.status, recentErrors: current.status.recentErrors },
      server: {
        ...next.server,
        listenHost: current.server.listenHost,
        listenPort: current.server.listenPort,
        maxQueryHeadBytes: current.server.maxQueryHeadBytes,
        maxHeaderBytes: current.server.maxHeaderBytes,
        // Whether and where HTTPS listens is fixed; the files named are read on the next reload.
        ...(current.server.tls && next.server.tls ? { tls: { ...next.server.tls, listenPort: current.server.tls.listenPort } } : current.server.tls ? { tls: current.server.tls } : { tls: undefined }),
      },
    };
    ownLogger?.setLevel(current.log.level);
    return { result: 'success', added, removed, needsRestart };
  };
  let reloading: Promise<unknown> = Promise.resolve();

  return {
    address,
    secureAddress,
    metricsAddress,
    metrics,
    clusters,
    reload(load) {
      const outcome = reloading.then(async (): Promise<ReloadOutcome> => {
        let result: ReloadOutcome;
        try {
          const next = await load();
          // The certificate and key are read again (renewed files under the same names); a pair that cannot be read
          // or does not match fails the reload before anything changes.
          const tlsFiles = current.server.tls && next.server.tls ? next.server.tls : undefined;
          if (tlsFiles) {
            const renewed = await readKeyPair(tlsFiles);
            for (const each of servers) if ('setSecureContext' in each) each.setSecureContext(renewed);
          }
          result = apply(next);
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
      await Promise.all(
        servers.map(
          (each) =>
            new Promise<void>((resolve) => {
              each.close(() => resolve());
              each.closeIdleConnections();
              const sweeper = setInterval(() => each.closeIdleConnections(), 100);
              const deadline = setTimeout(() => each.closeAllConnections(), current.server.shutdownTimeoutMs);
              each.once('close', () => {
                clearInterval(sweeper);
                clearTimeout(deadline);
              });
            }),
        ),
      );
      // Requests cut at the deadline abort on the next turns of the event loop and send their KILL QUERY then;
      // the pools below wait for those, but only if they were queued before the pools close.
      await new Promise((resolve) => setTimeout(resolve, 50));
      clearInterval(cacheGauges);
      await tracking.close();
      await cache.close();
      await Promise.all([...clusters.values()].map((cluster) => cluster.close()));
      accessLog.flush();
      ownLogger?.flush();
    },
  };
}
