import type { CacheConfig } from '../cache/cache-config.js';
import type { QueryRule } from '../rules/query-rule.js';

/** chgate's configuration after loading: validated, defaults filled, camelCase. */

export interface BackendCredentials {
  user: string;
  password: string;
}

export interface NodeConfig {
  name: string;
  url: string;
  weight: number;
  /** For https:// URLs: the node's own tls, else its cluster's. */
  tls?: UpstreamTlsConfig;
}

/** HTTPS to a ClickHouse node. */
export interface UpstreamTlsConfig {
  /** PEM of ca_file, read at load (absent: the system's CAs). */
  ca?: string;
  caFile?: string;
  /** False only when the config says so explicitly: then any certificate is accepted (logged as a warning). */
  verify: boolean;
  serverName?: string;
}

export interface PoolConfig {
  connectionsPerNode: number;
  keepAliveTimeoutMs: number;
  /** Idle sockets close this long before the idle timeout the server announces. */
  keepAliveMarginMs: number;
  /** Requests that may wait for a busy node's connection; beyond that they are refused. */
  maxQueue: number;
  queueTimeoutMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** For reads: a timeout here is retried on another node. */
  readHeadersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export interface HealthConfig {
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
  consecutiveFailures: number;
  healthyChecksToReturn: number;
  recoveryMs: number;
  maxReplicaLagSeconds: number | undefined;
}

export interface ReadFailoverBufferConfig {
  bytes: number;
  ms: number;
}

export interface WriteRetryConfig {
  insertMaxBodyBytes: number;
  waitMs: number;
}

export interface ClusterConfig {
  name: string;
  writeUser: BackendCredentials;
  readUser: BackendCredentials;
  writers: NodeConfig[];
  /** Empty means reads go to the writers, still as the read-only user. */
  readers: NodeConfig[];
  pool: PoolConfig;
  readsFallbackToWriter: boolean;
  retryUnknownTableOnWriter: boolean;
  /** A read's answer is held back until it ends or passes one of these, so a node dying mid-answer can be replaced. */
  readFailoverBuffer: ReadFailoverBufferConfig;
  /** Writes sent again: the INSERT body size kept in memory for a deduplicated resend (0: none), the wait for a writer. */
  writeRetry: WriteRetryConfig;
  health: HealthConfig;
  /** Absent: no cluster-wide limit. */
  limits?: ClusterLimitsConfig;
  /** Content-Encodings its ClickHouse makes with enable_http_compression=1, preferred first. */
  compressionEncodings: string[];
}

/** Queries at once, with a bounded first-come-first-served queue (README "Limits"). */
export interface ConcurrencyLimitConfig {
  maxConcurrentQueries: number;
  maxQueued: number;
  maxQueueWaitMs: number;
}

export interface ClusterLimitsConfig {
  concurrency?: ConcurrencyLimitConfig;
}

/** Per-user limits; an absent key is no limit. */
export interface UserLimitsConfig {
  concurrency?: ConcurrencyLimitConfig;
  requestsPerMinute?: number;
  /** Request body bytes as received (before Content-Encoding is decoded). */
  maxBodyBytes?: number;
  maxExecutionTimeMs?: number;
  /** Response bytes streamed to the client. */
  maxResultBytes?: number;
}

export interface ProxyUserConfig {
  name: string;
  /** Salted hash (`scrypt$...` or `sha256$...`). Absent, with passwordSha256Hex absent too: no password. */
  passwordHash?: string;
  /** Deprecated unsalted SHA-256 (hex). */
  passwordSha256Hex?: string;
  networks: string[];
  cluster: string;
  /** May use the /admin endpoints. */
  isAdmin: boolean;
  /** Only reads, SET and USE. */
  readonly: boolean;
  /** No DDL; INSERT allowed. */
  denyDdl: boolean;
  /** Absent when the config sets none. */
  limits?: UserLimitsConfig;
}

export interface ServerConfig {
  listenHost: string;
  listenPort: number;
  maxQueryHeadBytes: number;
  /** Parentheses / brackets nested deeper are refused (TOO_DEEP_RECURSION) before a node sees the query. */
  maxQueryDepth: number;
  shutdownTimeoutMs: number;
  headersTimeoutMs: number;
  /** 0: no limit. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
  maxUrlBytes: number;
  maxConnections: number;
  /** CIDRs whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** HTTPS listener; certificate and key are read again on SIGHUP. */
  tls?: ServerTlsConfig;
  responseCompression: ResponseCompressionConfig;
}

/** Compression of responses for clients that send Accept-Encoding (README "Compression"). */
export interface ResponseCompressionConfig {
  enabled: boolean;
  /** Quality of the brotli chgate makes itself (0..11). */
  brotliQuality: number;
}

export interface ServerTlsConfig {
  certFile: string;
  keyFile: string;
  /** Absent: listen_port speaks HTTPS only; present: HTTPS here and HTTP stays at listen_port. */
  listenPort?: number;
}

export interface SessionsConfig {
  defaultTimeoutSeconds: number;
  maxTimeoutSeconds: number;
  maxSessions: number;
}

export interface Config {
  server: ServerConfig;
  sessions: SessionsConfig;
  cache: CacheConfig;
  clusters: Map<string, ClusterConfig>;
  users: Map<string, ProxyUserConfig>;
  /** Top-level `rules:`, in order (README "Query rules"). Absent or empty: none. */
  rules?: QueryRule[];
  log: LogConfig;
  metrics: MetricsConfig;
  status: StatusConfig;
  digest: DigestConfig;
}

export interface MetricsConfig {
  listenHost: string;
  /** Present: /metrics has a listener of its own and is not served on server.listen_port. */
  listenPort?: number;
  /** Absent: any peer may scrape. */
  allowedNetworks?: string[];
}

export interface StatusConfig {
  enabled: boolean;
  /** Peers served the status page without credentials (others need an admin user's Basic auth). */
  allowedNetworks: string[];
  refreshSeconds: number;
  recentErrors: number;
}

export interface DigestConfig {
  maxFingerprints: number;
}

export interface LogConfig {
  level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Absent: stderr. */
  file?: string;
  /** The access log (a line per request); false: slow queries only. */
  requests: boolean;
  /** 0: no slow-query lines. */
  slowQueryMs: number;
}
