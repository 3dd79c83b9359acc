import { z } from 'zod';
import { statementTypes } from '../rules/query-rule.js';
import { describePasswordHashProblem } from '../auth/password-hash.js';

/**
 * The YAML file as written (snake_case, ClickHouse's names where one exists). Every object is strict:
 * a misspelled key is an error at load, never silently ignored.
 */
const credentialsSchema = z
  .object({
    user: z.string().min(1),
    password: z.string().default(''),
  })
  .strict();

// HTTPS to ClickHouse nodes (https:// URLs): the server's certificate is verified against ca_file (absent: the
// system's CAs) unless verify is false, which is logged as a warning at start.
const upstreamTlsSchema = z
  .object({
    ca_file: z.string().min(1).optional(),
    verify: z.boolean().default(true),
    // The name the certificate must be for (SNI too); absent: the URL's host.
    server_name: z.string().min(1).optional(),
  })
  .strict();

const nodeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    url: z
      .string()
      .url()
      .refine((value) => /^https?:\/\//.test(value), 'must be an http:// or https:// URL'),
    weight: z.number().int().min(1).max(1000).default(1),
    // Overrides the cluster's tls for this node.
    tls: upstreamTlsSchema.optional(),
  })
  .strict();

const poolSchema = z
  .object({
    connections_per_node: z.number().int().min(1).max(4096).default(16),
    // ClickHouse closes idle keep-alive sockets after 3 s; closing ours first avoids writing into a dying socket.
    keep_alive_timeout_ms: z.number().int().min(100).max(600_000).default(2_000),
    // A server that announces its idle timeout (ClickHouse's `Keep-Alive: timeout=3`) has our idle sockets closed
    // this long before it: min(announced - margin, keep_alive_timeout_ms). At or above the announced timeout, a
    // socket of that server is never reused.
    keep_alive_margin_ms: z.number().int().min(0).max(60_000).default(1_000),
    // Requests that wait for a connection when all connections_per_node are busy; one more is refused at once
    // with TOO_MANY_SIMULTANEOUS_QUERIES (code 202, HTTP 503). 0: no waiting.
    max_queue: z.number().int().min(0).max(1_000_000).default(256),
    // Longest wait in that queue; then the request is refused the same way.
    queue_timeout_ms: z.number().int().min(1).max(600_000).default(5_000),
    connect_timeout_ms: z.number().int().min(100).max(600_000).default(3_000),
    headers_timeout_ms: z.number().int().min(0).default(600_000),
    // The same, for reads only (absent: headers_timeout_ms). A read that times out is retried once on another
    // node, so a frozen replica costs a client this long once; keep it above your slowest query's first block.
    read_headers_timeout_ms: z.number().int().min(0).optional(),
    body_timeout_ms: z.number().int().min(0).default(300_000),
  })
  .strict();

const healthSchema = z
  .object({
    enabled: z.boolean().default(true),
    // Active check of every node: GET /ping, then SELECT 1 as the node's user, then replica lag on readers.
    interval_ms: z.number().int().min(100).default(1_000),
    timeout_ms: z.number().int().min(50).default(1_000),
    // Connection failures, timeouts or non-query 5xx in a row, from real traffic, that eject a node.
    consecutive_failures: z.number().int().min(1).default(3),
    // Successful active checks in a row that let an ejected node back.
    healthy_checks_to_return: z.number().int().min(1).default(2),
    // A returning node's share of traffic grows from 10 % to 100 % over this long.
    recovery_ms: z.number().int().min(0).default(5_000),
    // A replica lagging more (system.replicas absolute_delay) gets no reads until it catches up. Absent: no limit.
    max_replica_lag_seconds: z.number().min(0).optional(),
  })
  .strict();

// Limits (README "Limits"). max_concurrent_queries: queries running at once (past the cache); up to max_queued
// more wait for a slot (first come, first served), each at most max_queue_wait_ms; beyond either the request is
// refused with TOO_MANY_SIMULTANEOUS_QUERIES (code 202, HTTP 503).
const concurrencyLimitKeys = {
  max_concurrent_queries: z.number().int().min(1).max(1_000_000).optional(),
  max_queued: z.number().int().min(0).max(1_000_000).default(0),
  max_queue_wait_ms: z.number().int().min(1).max(600_000).default(10_000),
};

const clusterLimitsSchema = z.object(concurrencyLimitKeys).strict();

const userLimitsSchema = z
  .object({
    ...concurrencyLimitKeys,
    // Requests (cache hits too) per minute, as a token bucket (bursts up to a minute's worth); over it: QUOTA_EXCEEDED
    // (code 201, HTTP 429).
    requests_per_minute: z.number().int().min(1).optional(),
    // Request body bytes as received (before Content-Encoding is decoded); over it: QUERY_IS_TOO_LARGE (413).
    max_body_bytes: z.number().int().min(1).optional(),
    // Sent to ClickHouse as max_execution_time (the next whole second past it, a backstop behind chgate's own timer;
    // a smaller client value is kept), and enforced by
    // chgate: the query is killed (KILL QUERY) and the client gets TIMEOUT_EXCEEDED (code 159).
    max_execution_time_ms: z.number().int().min(1).optional(),
    // Response bytes streamed to the client; past it the rest is cut, the query killed, and the body ends with
    // TOO_MANY_ROWS_OR_BYTES (code 396).
    max_result_bytes: z.number().int().min(1).optional(),
  })
  .strict();

const clusterSchema = z
  .object({
    write_user: credentialsSchema,
    read_user: credentialsSchema,
    writers: z.array(nodeSchema).min(1),
    readers: z.array(nodeSchema).default([]),
    pool: poolSchema.default({}),
    // When no reader can take a read, it goes to a writer, still as read_user.
    reads_fallback_to_writer: z.boolean().default(true),
    // A read refused by a replica with UNKNOWN_TABLE / UNKNOWN_DATABASE (a table that exists only on the writer)
    // is run again on a writer.
    retry_unknown_table_on_writer: z.boolean().default(true),
    // A read's answer is held back from the client until it ends, grows past these bytes or is this old, so that a
    // node dying in the middle of it (before the end of its chunked body) is replaced by another: the client has
    // seen nothing yet. 0 bytes: every byte is passed on as it comes.
    read_failover_buffer_bytes: z.number().int().min(0).max(64 * 1024 * 1024).default(64 * 1024),
    read_failover_buffer_ms: z.number().int().min(0).max(60_000).default(100),
    // An INSERT into a Replicated*MergeTree table whose whole body is at most this many bytes is kept in memory
    // and sent once more after a failure that leaves its fate unknown (ClickHouse deduplicates it). 0: never.
    insert_retry_max_body_bytes: z.number().int().min(0).max(256 * 1024 * 1024).default(1024 * 1024),
    // How long a write that must be sent again waits for a writer (to connect again, or to come back).
    write_retry_wait_ms: z.number().int().min(0).max(600_000).default(10_000),
    health: healthSchema.default({}),
    tls: upstreamTlsSchema.optional(),
    // Limits over all users of the cluster (README "Limits").
    limits: clusterLimitsSchema.optional(),
    // Content-Encodings the cluster's ClickHouse makes when asked (enable_http_compression=1), in order of
    // preference: 18.16 makes gzip and deflate; newer servers also br, zstd, xz, lz4, bz2, snappy.
    compression_encodings: z.array(z.enum(['gzip', 'deflate', 'br', 'zstd', 'xz', 'lz4', 'bz2', 'snappy'])).default(['gzip', 'deflate']),
  })
  .strict();

const userSchema = z
  .object({
    // Salted: scrypt$N$r$p$<salt b64>$<hash b64> or sha256$<salt hex>$<hash hex> (`chgate hash-password`).
    password_hash: z
      .string()
      .superRefine((value, context) => {
        const problem = describePasswordHashProblem(value);
        if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .optional(),
    // Deprecated (unsalted): use password_hash.
    password_sha256_hex: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (SHA-256 of the password)')
      .optional(),
    networks: z.array(z.string().min(1)).min(1).default(['127.0.0.0/8', '::1/128']),
    cluster: z.string().min(1),
    // May use the /admin endpoints (cache purge).
    admin: z.boolean().default(false),
    // Rights, checked before anything reaches ClickHouse: readonly allows only reads, SET and USE; deny_ddl
    // refuses CREATE / ALTER / DROP / RENAME / TRUNCATE and the like.
    readonly: z.boolean().default(false),
    deny_ddl: z.boolean().default(false),
    // Per-user limits (README "Limits"); every key absent means no limit.
    limits: userLimitsSchema.optional(),
  })
  .strict();

// One cache.rules entry; the checks that span keys (valid regex, ttl_ms with cache_non_deterministic) are in
// findCacheRuleProblems, shared with the cache itself.
const cacheRuleSchema = z
  .object({
    name: z.string().min(1),
    users: z.array(z.string().min(1)).min(1).optional(),
    tables: z.array(z.string().min(1)).min(1).optional(),
    match: z.string().min(1).optional(),
    ttl_ms: z.number().int().min(1).optional(),
    cache_non_deterministic: z.boolean().default(false),
    no_cache: z.boolean().default(false),
  })
  .strict();

const cacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    max_memory_bytes: z.number().int().min(1024 * 1024).default(256 * 1024 * 1024),
    max_entry_bytes: z.number().int().min(1).default(10 * 1024 * 1024),
    default_ttl_ms: z.number().int().min(1).default(300_000),
    store: z
      .object({
        kind: z.enum(['sqlite', 'memory', 'redis']).default('sqlite'),
        path: z.string().min(1).default('.chgate/cache.sqlite'),
        max_bytes: z.number().int().min(1024 * 1024).default(2 * 1024 * 1024 * 1024),
        prune_interval_ms: z.number().int().min(1000).default(60_000),
        url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
        key_prefix: z.string().min(1).default('chgate:'),
        connect_timeout_ms: z.number().int().min(10).default(1_000),
        command_timeout_ms: z.number().int().min(10).default(500),
      })
      .strict()
      .default({}),
    single_flight_wait_ms: z.number().int().min(0).default(30_000),
    replica_lag_window_ms: z.number().int().min(0).default(5_000),
    mutation_poll_interval_ms: z.number().int().min(50).default(1_000),
    shared_groups: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
    table_dependencies: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
    learn_dependencies: z.boolean().default(true),
    dependencies_refresh_ms: z.number().int().min(1_000).default(60_000),
    external_changes: z
      .object({
        enabled: z.boolean().default(false),
        interval_ms: z.number().int().min(100).default(1_000),
        databases: z.array(z.string().min(1)).default([]),
        tables: z.array(z.string().min(1)).default([]),
        exclude: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({}),
    rules: z.array(cacheRuleSchema).default([]),
  })
  .strict();

const serverTlsSchema = z
  .object({
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    // Absent: the listener at listen_port speaks HTTPS only. Present: HTTP stays at listen_port, HTTPS is here.
    listen_port: z.number().int().min(0).max(65535).optional(),
  })
  .strict();

const serverSchema = z
  .object({
    listen_host: z.string().min(1).default('127.0.0.1'),
    listen_port: z.number().int().min(0).max(65535).default(8124),
    // A body is read this far to find its statements; past it only INSERT data may follow (and streams).
    max_query_head_bytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024),
    // Parentheses / brackets nested deeper, or one expression chaining more than 1000 operators, are refused with
    // TOO_DEEP_RECURSION before a node sees them: ClickHouse 18.16 crashes at about 1000 levels.
    max_query_depth: z.number().int().min(1).max(100_000).default(256),
    // On SIGTERM: stop accepting, let requests in flight finish for at most this long, then close what is left.
    shutdown_timeout_ms: z.number().int().min(0).default(30_000),
    // Hardening against slow or hostile clients (README "Hardening"). A client that has not sent its whole
    // request line and headers in headers_timeout_ms, or its whole request (body included) in request_timeout_ms
    // (0: no limit), gets a 408 and its connection is closed.
    headers_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    request_timeout_ms: z.number().int().min(0).default(600_000),
    // An idle keep-alive client connection is closed after this long.
    keep_alive_timeout_ms: z.number().int().min(100).max(600_000).default(5_000),
    // Request line plus headers; more gets a 431 and the connection is closed.
    max_header_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    // The URL (path and query string, where GET queries carry their SQL); longer gets a 414.
    max_url_bytes: z.number().int().min(256).max(16 * 1024 * 1024).default(128 * 1024),
    // Open client connections; connections beyond it are closed as soon as they are accepted.
    max_connections: z.number().int().min(1).max(1_000_000).default(4_096),
    // Peers (CIDRs) whose X-Forwarded-For header is believed for users' allowed networks; from anyone else it is ignored.
    trusted_proxies: z.array(z.string().min(1)).default([]),
    // HTTPS listener; see README "TLS".
    tls: serverTlsSchema.optional(),
    // Responses compressed for clients that send Accept-Encoding (README "Compression").
    response_compression: z
      .object({
        enabled: z.boolean().default(true),
        // Brotli made by chgate (when ClickHouse makes none the client accepts): 0 (fast) .. 11 (small, slow).
        brotli_quality: z.number().int().min(0).max(11).default(1),
      })
      .strict()
      .default({}),
  })
  .strict();

// HTTP sessions (`session_id`): chgate holds their SET / USE state; see README "Sessions".
const sessionsSchema = z
  .object({
    // session_timeout when the client sends none (ClickHouse's default_session_timeout).
    default_timeout_seconds: z.number().int().min(1).default(60),
    // A larger session_timeout is refused with INVALID_SESSION_TIMEOUT, as ClickHouse does (max_session_timeout).
    max_timeout_seconds: z.number().int().min(1).default(3600),
    // Live sessions held at once; a new session beyond that is refused until idle ones expire.
    max_sessions: z.number().int().min(1).default(10_000),
  })
  .strict()
  .refine((sessions) => sessions.default_timeout_seconds <= sessions.max_timeout_seconds, {
    message: 'default_timeout_seconds must not exceed max_timeout_seconds',
    path: ['default_timeout_seconds'],
  });

// One entry of the top-level `rules:` (README "Query rules"); the checks that span keys (valid regexes, an action
// present, ttl_ms with cache_non_deterministic, known users) are in findQueryRuleProblems.
const settingValueSchema = z.union([z.string(), z.number(), z.boolean()]).transform((value) => (typeof value === 'boolean' ? (value ? '1' : '0') : String(value)));
const queryRuleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    users: z.array(z.string().min(1)).min(1).optional(),
    statement_types: z.array(z.enum(statementTypes)).min(1).optional(),
    tables: z.array(z.string().min(1)).min(1).optional(),
    fingerprints: z.array(z.string().min(1)).min(1).optional(),
    match: z.string().min(1).optional(),
    deny: z.string().min(1).optional(),
    route: z.enum(['writer', 'readers']).optional(),
    cache: z
      .object({
        ttl_ms: z.number().int().min(1).optional(),
        no_cache: z.boolean().optional(),
        cache_non_deterministic: z.boolean().optional(),
      })
      .strict()
      .optional(),
    settings: z
      .object({
        set: z.record(z.string().min(1), settingValueSchema).default({}),
        cap: z.record(z.string().min(1), z.number().int().min(1)).default({}),
      })
      .strict()
      .optional(),
    rewrite: z.object({ pattern: z.string().min(1), replacement: z.string() }).strict().optional(),
  })
  .strict();

// Observability (README "Status page, query digest and /metrics"). Networks are checked against the TCP peer.
const metricsSchema = z
  .object({
    // With listen_port, /metrics is served on a listener of its own (and no longer on server.listen_port).
    listen_host: z.string().min(1).default('127.0.0.1'),
    listen_port: z.number().int().min(0).max(65535).optional(),
    // Peers that may scrape /metrics (on whichever listener serves it); absent: any peer.
    allowed_networks: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const statusSchema = z
  .object({
    enabled: z.boolean().default(true),
    // Peers served /status and /status.json without credentials; others need an admin user's Basic auth.
    allowed_networks: z.array(z.string().min(1)).default(['127.0.0.0/8', '::1/128']),
    // How often the page fetches /status.json again.
    refresh_seconds: z.number().int().min(1).max(3600).default(5),
    // Failed requests the page lists (newest first).
    recent_errors: z.number().int().min(1).max(10_000).default(50),
  })
  .strict();

const digestSchema = z
  .object({
    // Distinct statement fingerprints kept; past it the least recently seen is dropped.
    max_fingerprints: z.number().int().min(1).max(1_000_000).default(1_000),
  })
  .strict();

// Logs (README "Logs"). level, requests and slow_query_ms apply on SIGHUP; file needs a restart.
const logSchema = z
  .object({
    // `serve --log-level` overrides it.
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    // Appended to (directories created); absent: stderr.
    file: z.string().min(1).optional(),
    // The access log: a line per request at info. false: only slow queries are logged.
    requests: z.boolean().default(true),
    // Requests at least this long are logged at warn as `slow query`; 0: never.
    slow_query_ms: z.number().int().min(0).default(1_000),
  })
  .strict();

export const configFileSchema = z
  .object({
    server: serverSchema.default({}),
    sessions: sessionsSchema.default({}),
    clusters: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), clusterSchema),
    users: z.record(z.string().min(1), userSchema),
    cache: cacheSchema.default({}),
    rules: z.array(queryRuleSchema).default([]),
    log: logSchema.default({}),
    metrics: metricsSchema.default({}),
    status: statusSchema.default({}),
    digest: digestSchema.default({}),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
