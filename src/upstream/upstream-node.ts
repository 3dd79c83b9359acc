import type { Readable } from 'node:stream';
import { Pool, buildConnector, type Dispatcher } from 'undici';
import type { NodeConfig, PoolConfig } from '../config/config.js';
import type { HealthState, NodeHealth } from './node-health.js';

export type NodeRole = 'writer' | 'reader';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path and query string, e.g. `/?database=x&query_id=...`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | Readable | null;
  signal?: AbortSignal;
  /** Overrides the pool's time to response headers for this request. */
  headersTimeoutMs?: number;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface ConnectionStats {
  /** TCP connections opened since start. */
  opened: number;
  /** Connections open now, idle or busy. */
  open: number;
  /** The most connections that were open at one time. */
  peakOpen: number;
}

/** One ClickHouse node behind a keep-alive pool. Knows nothing about SQL or proxy users. */
export interface UpstreamNode {
  readonly name: string;
  /** Time to response headers for reads, from the pool config. */
  readonly readHeadersTimeoutMs: number;
  readonly role: NodeRole;
  readonly url: string;
  readonly weight: number;
  /** Absent when health checks are off: the node is then always available. */
  readonly health: NodeHealth | undefined;
  /** Requests sent and whose response body has not finished yet. */
  inFlight(): number;
  connectionStats(): ConnectionStats;
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamNodeHooks {
  onConnectionOpened?(node: string): void;
  onConnectionClosed?(node: string): void;
  onHealthChange?(node: string, from: HealthState, to: HealthState, reason: string): void;
}

export function createUpstreamNode(
  config: NodeConfig,
  role: NodeRole,
  pool: PoolConfig,
  hooks: UpstreamNodeHooks = {},
  health?: NodeHealth,
): UpstreamNode {
  const stats: ConnectionStats = { opened: 0, open: 0, peakOpen: 0 };
  let inFlight = 0;
  const connect = buildConnector({ timeout: pool.connectTimeoutMs });
  const dispatcher = new Pool(new URL(config.url).origin, {
    connections: pool.connectionsPerNode,
    pipelining: 1,
    keepAliveTimeout: pool.keepAliveTimeoutMs,
    keepAliveMaxTimeout: pool.keepAliveTimeoutMs,
    headersTimeout: pool.headersTimeoutMs,
    bodyTimeout: pool.bodyTimeoutMs,
    connect(options, callback) {
      connect(options, (error, socket) => {
        if (socket) {
          stats.opened += 1;
          stats.open += 1;
          stats.peakOpen = Math.max(stats.peakOpen, stats.open);
          hooks.onConnectionOpened?.(config.name);
          socket.once('close', () => {
            stats.open -= 1;
            hooks.onConnectionClosed?.(config.name);
          });
        }
        if (error) callback(error, null);
        else if (socket) callback(null, socket);
      });
    },
  });
  const basePath = new URL(config.url).pathname.replace(/\/$/, '');

  return {
    name: config.name,
    readHeadersTimeoutMs: pool.readHeadersTimeoutMs,
    role,
    url: config.url,
    weight: config.weight,
    health,
    inFlight: () => inFlight,
    connectionStats: () => ({ ...stats }),
    async request(request) {
      inFlight += 1;
      let settled = false;
      const release = (): void => {
        if (!settled) {
          settled = true;
          inFlight -= 1;
        }
      };
      try {
        const options: Dispatcher.RequestOptions = {
          method: request.method,
          path: `${basePath}${request.path}`,
          headers: request.headers,
          body: request.body,
          signal: request.signal,
          ...(request.headersTimeoutMs !== undefined ? { headersTimeout: request.headersTimeoutMs } : {}),
        };
        const response = await dispatcher.request(options);
        response.body.once('close', release);
        response.body.once('end', release);
        response.body.once('error', release);
        return { statusCode: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        release();
        throw error;
      }
    },
    close: () => dispatcher.close(),
  };
}
