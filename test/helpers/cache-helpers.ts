/**
 * Helpers for the query-cache integration tests (test/integration/cache-*.test.ts): a raw-bytes client that reads
 * chgate's X-Cache headers, config edits that add the `cache:` block and extra proxy users, and ClickHouse-side
 * evidence (query_log) that a hit never reached a server.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { queryNode, waitForRowCount, type LocalCluster } from '../../scripts/local-cluster.js';
import { findExecutions } from './clickhouse-side.js';

export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received (not decompressed). */
  body: Buffer;
  /** `body` as UTF-8. */
  text: string;
  /** X-Cache: HIT | MISS | BYPASS (undefined when chgate sent none). */
  cache: string | undefined;
  /** X-Cache-Reason (on BYPASS). */
  reason: string | undefined;
  /** X-Chgate-Upstream: a node name, or `cache` on a hit. */
  upstream: string | undefined;
}

export interface SendOptions {
  /** URL parameters: settings, database, default_format, query_id, no_cache ... */
  params?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** X-ClickHouse-User / X-ClickHouse-Key. */
  user?: string;
  password?: string;
  /** Basic authorization instead of the X-ClickHouse-* headers. */
  basic?: { user: string; password: string };
  method?: 'GET' | 'POST';
  path?: string;
  timeoutMs?: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** One request to chgate; the SQL in the POST body (or `?query=` for GET). Never throws on an HTTP status. */
export async function send(baseUrl: string, sql: string, options: SendOptions = {}): Promise<CachedResponse> {
  const url = new URL(options.path ?? '/', baseUrl);
  for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, String(value));
  const method = options.method ?? 'POST';
  if (method === 'GET') url.searchParams.set('query', sql);
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== undefined) {
    headers['x-clickhouse-user'] = options.user;
    headers['x-clickhouse-key'] = options.password ?? '';
  }
  if (options.basic) {
    headers.authorization = `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64')}`;
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await request(url, {
    method,
    headers,
    body: method === 'GET' ? undefined : sql,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const responseHeaders = response.headers as Record<string, string | string[] | undefined>;
  return {
    status: response.statusCode,
    headers: responseHeaders,
    body,
    text: body.toString('utf8'),
    cache: header(responseHeaders, 'x-cache'),
    reason: header(responseHeaders, 'x-cache-reason'),
    upstream: header(responseHeaders, 'x-chgate-upstream'),
  };
}

/** A short description of a response for assertion messages. */
export function describeResponse(response: CachedResponse): string {
  return `HTTP ${response.status}, X-Cache ${response.cache ?? '-'} ${response.reason ?? ''}, upstream ${
    response.upstream ?? '-'
  }, body ${JSON.stringify(response.text.slice(0, 300))}`;
}

/** 200 and X-Cache MISS. */
export function expectMiss(response: CachedResponse, what = ''): void {
  expect(response.status, `${what} ${describeResponse(response)}`).to.equal(200);
  expect(response.cache, `${what} should be a MISS: ${describeResponse(response)}`).to.equal('MISS');
}

/** 200, X-Cache HIT, an integer Age, served by `cache`. */
export function expectHit(response: CachedResponse, what = ''): void {
  expect(response.status, `${what} ${describeResponse(response)}`).to.equal(200);
  expect(response.cache, `${what} should be a HIT: ${describeResponse(response)}`).to.equal('HIT');
  expect(header(response.headers, 'age'), `${what} Age header on a HIT`).to.match(/^\d+$/);
  expect(response.upstream, `${what} X-Chgate-Upstream on a HIT`).to.equal('cache');
}

/** 200, X-Cache BYPASS with the given reason. */
export function expectBypass(response: CachedResponse, reason: string, what = ''): void {
  expect(response.status, `${what} ${describeResponse(response)}`).to.equal(200);
  expect(response.cache, `${what} should be a BYPASS: ${describeResponse(response)}`).to.equal('BYPASS');
  expect(response.reason, `${what} X-Cache-Reason`).to.equal(reason);
}

/** The ClickHouse headers a hit must replay exactly as the miss had them. */
export function expectSameClickHouseHeaders(hit: CachedResponse, miss: CachedResponse): void {
  for (const name of ['content-type', 'content-encoding', 'x-clickhouse-server-display-name', 'x-clickhouse-format']) {
    expect(header(hit.headers, name), `${name} replayed on the hit`).to.equal(header(miss.headers, name));
  }
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface ExtraUser {
  name: string;
  password: string;
  admin?: boolean;
}

export interface CacheTestConfig {
  /** The `cache:` block, snake_case as in the YAML file. */
  cache: Record<string, unknown>;
  /** Proxy users added next to the generated `default` (which has no password). */
  users?: ExtraUser[];
  /** Drop the generated password-less `default` user. */
  withoutDefaultUser?: boolean;
}

/** For startTestChgate/spawnChgate's `editConfig`: adds the cache block and users to the generated YAML. */
export function withCache(options: CacheTestConfig): (yaml: string) => string {
  return (yaml) => {
    const document = parse(yaml) as { users: Record<string, Record<string, unknown>>; cache?: unknown };
    const template = document.users.default;
    if (!template) throw new Error('the generated chgate config has no default user to copy');
    for (const user of options.users ?? []) {
      document.users[user.name] = {
        cluster: template.cluster,
        networks: template.networks,
        password_sha256_hex: sha256Hex(user.password),
        ...(user.admin ? { admin: true } : {}),
      };
    }
    if (options.withoutDefaultUser) delete document.users.default;
    document.cache = options.cache;
    return stringify(document);
  };
}

/** The cache block most tests use: memory store, short mutation polling, an entry limit of 8 MiB. */
export function baseCacheBlock(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    enabled: true,
    max_memory_bytes: 64 * 1024 * 1024,
    max_entry_bytes: 8 * 1024 * 1024,
    default_ttl_ms: 300_000,
    store: { kind: 'memory' },
    single_flight_wait_ms: 30_000,
    replica_lag_window_ms: 5_000,
    mutation_poll_interval_ms: 200,
    ...overrides,
  };
}

/** A table name nobody else uses: `default.cache_<what>_<random>`. */
export function uniqueTable(what: string, database = 'default'): string {
  return `${database}.cache_${what}_${randomBytes(4).toString('hex')}`;
}

/** DROP TABLE IF EXISTS on every node, as admin; never throws (cleanup). */
export async function dropEverywhere(cluster: LocalCluster, tables: Iterable<string>): Promise<void> {
  for (const table of tables) {
    for (const node of cluster.nodes) {
      await queryNode(node, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin).catch(() => undefined);
    }
  }
}

/**
 * A replicated table on every node with a given engine family (`ReplicatedMergeTree`,
 * `ReplicatedReplacingMergeTree` ...), a fresh ZooKeeper path each time.
 */
export async function createReplicated(
  cluster: LocalCluster,
  table: string,
  columns: string,
  orderBy: string,
  engine = 'ReplicatedMergeTree',
): Promise<void> {
  const zookeeperPath = `/clickhouse/tables/{shard}/${table}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  for (const node of cluster.nodes) {
    await queryNode(node, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    await queryNode(
      node,
      `CREATE TABLE ${table} (${columns}) ENGINE = ${engine}('${zookeeperPath}', '{replica}') ORDER BY ${orderBy}`,
      cluster.users.admin,
    );
  }
}

/**
 * INSERT directly on the writer (not through chgate, so chgate knows nothing of it) and wait until every replica
 * has the rows: only for setting up a table before chgate has read it.
 */
export async function seedRows(cluster: LocalCluster, table: string, valuesSql: string, expectedTotal: number): Promise<void> {
  await queryNode(cluster.writer, `INSERT INTO ${table} VALUES ${valuesSql}`, cluster.users.admin);
  await waitForRowCount(cluster.nodes, table, expectedTotal, 30_000);
}

/** The ground truth: `sql` run on the writer as admin. */
export function onWriter(cluster: LocalCluster, sql: string, params: Record<string, string | number> = {}): Promise<string> {
  return queryNode(cluster.writer, sql, { ...cluster.users.admin, params });
}

/** `[major, minor]` of the writer's ClickHouse. */
export async function serverVersion(cluster: LocalCluster): Promise<[number, number]> {
  const text = (await onWriter(cluster, 'SELECT version()')).trim();
  const [major = 0, minor = 0] = text.split('.').map(Number);
  return [major, minor];
}

export function newQueryId(what: string): string {
  return `cache-test-${what}-${randomBytes(8).toString('hex')}`;
}

/**
 * How many times ClickHouse finished (or failed) each query id, on every node, after SYSTEM FLUSH LOGS.
 * Types 2 (QueryFinish), 3 and 4 (exceptions) all mean the query reached a server.
 */
export async function countExecutions(cluster: LocalCluster, queryIds: readonly string[]): Promise<number> {
  if (queryIds.length === 0) return 0;
  const list = queryIds.map((id) => `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
  let total = 0;
  for (const node of cluster.nodes) {
    await queryNode(node, 'SYSTEM FLUSH LOGS', cluster.users.admin);
    const text = await queryNode(
      node,
      `SELECT count() FROM system.query_log WHERE query_id IN (${list}) AND type IN (2, 3, 4)`,
      cluster.users.admin,
    );
    total += Number(text.trim());
  }
  return total;
}

/**
 * Proof that `queryId` never reached ClickHouse. The query log is written after a response is sent, so an absent
 * entry alone proves little: a control query sent afterwards (`sendControl`, which must execute and return its own
 * query id) is first waited for, and only then is `queryId` looked up.
 */
export async function expectNeverExecuted(
  cluster: LocalCluster,
  queryId: string,
  sendControl: () => Promise<string>,
): Promise<void> {
  const controlId = await sendControl();
  const control = await findExecutions(cluster, controlId, 1);
  expect(control, 'the control query should appear in query_log (else this proof is void)').to.have.length.greaterThan(0);
  expect(await countExecutions(cluster, [queryId]), `query ${queryId} reached ClickHouse`).to.equal(0);
}

/** Waits until the query id has `count` executions recorded (or the deadline passes) and returns the number. */
export async function waitForExecutions(cluster: LocalCluster, queryIds: readonly string[], count: number, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await countExecutions(cluster, queryIds);
    if (found >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SYSTEM STOP/START <what> <table> on the given nodes, as admin. */
export async function systemOnNodes(
  cluster: LocalCluster,
  nodes: LocalCluster['nodes'],
  statement: string,
): Promise<void> {
  for (const node of nodes) await queryNode(node, statement, cluster.users.admin);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port nothing listens on right now (for chgate processes that need a fixed port). */
export async function findFreePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
