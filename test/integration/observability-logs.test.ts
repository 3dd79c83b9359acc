/**
 * Structured logs (issue 7): chgate as operators run it (`bin/chgate.js serve`, no --log-level, so `log:` decides;
 * lines to log.file) in front of the real cluster with the cache on, sent a mix: a read miss, the same read as a
 * full-path hit and as a fast-path hit, DDL and an INSERT, an INSERT refused to a readonly user, a wrong password,
 * a ClickHouse error, a two-statement body and a query slower than slow_query_ms. After SIGTERM (which must flush
 * the buffered lines) every line of the file parses as JSON, every request sent has exactly one access line (found
 * by its query_id) with every field and the right values, and only the slow one is a `slow query` line at warn.
 * By hand, with the demo running: `curl -s --data 'SELECT 1' 'http://127.0.0.1:8124/?query_id=x'` and look for
 * `"reqId":"x"` in chgate's stderr (or log.file).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type LocalCluster } from '../../scripts/local-cluster.js';
import { baseCacheBlock, send, withCache, type CachedResponse, type SendOptions } from '../helpers/cache-helpers.js';
import { spawnChgate, TEST_CHGATE_LOG_DIR, type ChgateProcess } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

// Offsets no other test file uses.
const CHGATE_PORT = TEST_BASE_PORT + 83;
const RELOAD_CHGATE_PORT = TEST_BASE_PORT + 84;
const SLOW_QUERY_MS = 700;
const READONLY_USER = 'logs_readonly';
const ACCESS_FIELDS = [
  'level', 'time', 'msg', 'reqId', 'user', 'client', 'statements', 'types', 'routes', 'fingerprints', 'cache', 'cacheReason',
  'upstream', 'status', 'error', 'errorCode', 'clickhouseErrorCode', 'durationMs', 'bytes', 'fastPath',
];

type Line = Record<string, unknown>;

/** The config text with its `log:` block replaced. */
function withLog(yaml: string, log: Record<string, unknown>): string {
  const document = parse(yaml) as Record<string, unknown>;
  document.log = log;
  return stringify(document);
}

/** Every line of a log file, each parsed (a line that is not JSON fails the test). */
function readLines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        throw new Error(`${file} line ${index + 1} is not JSON: ${line}`);
      }
    });
}

describe('observability: structured request logs', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: ChgateProcess | undefined;
  const logFile = join(TEST_CHGATE_LOG_DIR, `access-${randomBytes(4).toString('hex')}.log`);
  const table = `default.logs_${randomBytes(4).toString('hex')}`;
  const replicaNames = new Set<string>();
  let writerName = '';

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    writerName = cluster.writer.name;
    for (const replica of cluster.replicas) replicaNames.add(replica.name);
    mkdirSync(TEST_CHGATE_LOG_DIR, { recursive: true });
    chgate = await spawnChgate(cluster, CHGATE_PORT, {
      logLevel: null,
      editConfig: (yaml) => {
        const document = parse(withCache({ cache: baseCacheBlock() })(yaml)) as Record<string, Record<string, unknown>>;
        document.log = { level: 'info', file: logFile, requests: true, slow_query_ms: SLOW_QUERY_MS };
        (document.users as Record<string, unknown>)[READONLY_USER] = { cluster: 'local', networks: ['127.0.0.0/8', '::1/128'], readonly: true };
        return stringify(document);
      },
    });
  });

  after(async () => {
    await chgate?.stop();
  });

  it('writes one parseable access line per request, with every field and the right values', async () => {
    const url = chgate?.url ?? '';
    const sent = new Map<string, { name: string; response: CachedResponse }>();
    const ask = async (name: string, sql: string, options: SendOptions = {}): Promise<CachedResponse> => {
      const queryId = `logs-${name}-${randomBytes(6).toString('hex')}`;
      const response = await send(url, sql, { ...options, params: { ...options.params, query_id: queryId } });
      sent.set(name, { name: queryId, response });
      return response;
    };
    const read = 'SELECT number, cityHash64(number) FROM numbers(7)';
    expect((await ask('miss', read)).cache).to.equal('MISS');
    expect((await ask('hit', read)).cache).to.equal('HIT');
    expect((await ask('fast', read)).cache).to.equal('HIT');
    expect((await ask('create', `CREATE TABLE ${table} (id UInt32) ENGINE = Memory`)).status).to.equal(200);
    expect((await ask('insert', `INSERT INTO ${table} VALUES (1), (2)`)).status).to.equal(200);
    expect((await ask('readonly', `INSERT INTO ${table} VALUES (3)`, { user: READONLY_USER })).status).to.equal(403);
    expect((await ask('password', 'SELECT 1', { user: READONLY_USER, password: 'not-the-password' })).status).to.equal(401);
    expect((await ask('clickhouse-error', 'SELECT * FROM default.logs_no_such_table')).status).to.equal(404);
    expect((await ask('multi', `SELECT count() FROM ${table}; SELECT 2`)).status).to.equal(200);
    expect((await ask('slow', `SELECT sleep(${(SLOW_QUERY_MS + 300) / 1000})`)).status).to.equal(200);
    await ask('drop', `DROP TABLE ${table}`);
    // SIGTERM: the lines still buffered must reach the file before the process exits.
    await chgate?.stop();
    chgate = undefined;

    expect(readFileSync(logFile, 'utf8').endsWith('\n'), 'the last line is complete').to.equal(true);
    const lines = readLines(logFile);
    for (const line of lines) expect(line).to.include.keys('level', 'time', 'msg');
    const access = lines.filter((line) => line.msg === 'request' || line.msg === 'slow query');
    expect(access, 'access lines: one per request sent').to.have.length(sent.size);

    const lineOf = (name: string): Line => {
      const queryId = sent.get(name)?.name;
      const found = access.filter((line) => line.reqId === queryId);
      expect(found, `${name}: exactly one line for ${queryId}`).to.have.length(1);
      const [line] = found as [Line];
      expect(line, name).to.include.keys(...ACCESS_FIELDS);
      expect(line.client, name).to.equal('127.0.0.1');
      expect(line.bytes, `${name}: bytes sent`).to.be.greaterThan(0);
      // Slow exactly when it took slow_query_ms or longer.
      const slow = (line.durationMs as number) >= SLOW_QUERY_MS;
      expect([line.msg, line.level, line.slow ?? false], name).to.deep.equal(slow ? ['slow query', 'warn', true] : ['request', 'info', false]);
      return line;
    };
    const replicaOrWriter = (line: Line): void => {
      expect(line.upstream).to.have.length(1);
      expect([...replicaNames, writerName]).to.include((line.upstream as string[])[0]);
    };

    const miss = lineOf('miss');
    expect(miss).to.deep.include({ user: 'default', statements: 1, types: ['select'], routes: ['read'], cache: 'miss', cacheReason: null, status: 200, error: null, errorCode: null, fastPath: false });
    expect((miss.fingerprints as string[])[0]).to.match(/numbers/);
    replicaOrWriter(miss);
    expect(lineOf('hit')).to.deep.include({ types: ['select'], cache: 'hit', upstream: [], status: 200, fastPath: false, fingerprints: miss.fingerprints });
    expect(lineOf('fast')).to.deep.include({ user: 'default', types: ['select'], routes: ['read'], cache: 'hit', upstream: [], status: 200, fastPath: true, fingerprints: miss.fingerprints });
    expect(lineOf('create')).to.deep.include({ types: ['create'], routes: ['write'], cache: 'bypass', cacheReason: 'write-in-body', upstream: [writerName], status: 200, error: null });
    expect(lineOf('insert')).to.deep.include({ types: ['insert'], routes: ['write'], upstream: [writerName], status: 200 });
    expect(lineOf('readonly')).to.deep.include({ user: READONLY_USER, types: ['insert'], routes: ['write'], cache: 'off', upstream: [], status: 403, error: 'READONLY', errorCode: 164 });
    expect(lineOf('password')).to.deep.include({ user: 'unauthenticated', statements: 0, types: [], upstream: [], status: 401, error: 'AUTHENTICATION_FAILED', errorCode: 516 });
    const failed = lineOf('clickhouse-error');
    // ClickHouse's own error passes through: chgate adds no error name of its own.
    // 60: UNKNOWN_TABLE, as ClickHouse answered it.
    expect(failed).to.deep.include({ types: ['select'], status: 404, error: null, clickhouseErrorCode: 60 });
    replicaOrWriter(failed);
    const multi = lineOf('multi');
    expect(multi).to.deep.include({ statements: 2, types: ['select', 'select'], routes: ['read', 'read'], cache: 'bypass', cacheReason: 'multi-statement', status: 200 });
    expect(multi.upstream).to.have.length(2);
    const slow = lineOf('slow');
    expect(slow).to.deep.include({ msg: 'slow query', level: 'warn', slow: true, status: 200, cache: 'bypass', cacheReason: 'not-cacheable' });
    replicaOrWriter(slow);
    expect(slow.durationMs).to.be.at.least(SLOW_QUERY_MS);
    lineOf('drop');
  });
  it('applies log.level, requests and slow_query_ms on SIGHUP; log.file keeps its place until a restart', async () => {
    const file = join(TEST_CHGATE_LOG_DIR, `reload-${randomBytes(4).toString('hex')}.log`);
    const moved = `${file}.moved`;
    const reloading = await spawnChgate(cluster, RELOAD_CHGATE_PORT, {
      logLevel: null,
      editConfig: (yaml) => withLog(yaml, { level: 'warn', file, requests: true, slow_query_ms: 0 }),
    });
    const ids = { quiet: `logs-quiet-${randomBytes(6).toString('hex')}`, slow: `logs-reloaded-${randomBytes(6).toString('hex')}` };
    try {
      expect((await send(reloading.url, 'SELECT 1', { params: { query_id: ids.quiet } })).status).to.equal(200);
      writeFileSync(reloading.configPath, withLog(readFileSync(reloading.configPath, 'utf8'), { level: 'info', file: moved, requests: false, slow_query_ms: 200 }));
      reloading.child.kill('SIGHUP');
      const deadline = Date.now() + 10_000;
      // The warning about log.file (at warn, written whatever the new level) says the reload has been applied.
      while (!readFileSync(file, 'utf8').includes('need a restart')) {
        if (Date.now() > deadline) throw new Error('no reload warning within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // requests: false now, so a fast request has no line; this one takes over slow_query_ms.
      expect((await send(reloading.url, 'SELECT 2', { params: { query_id: `logs-fast-${randomBytes(6).toString('hex')}` } })).status).to.equal(200);
      expect((await send(reloading.url, 'SELECT sleep(0.3)', { params: { query_id: ids.slow } })).status).to.equal(200);
    } finally {
      await reloading.stop();
    }
    const lines = readLines(file);
    const access = lines.filter((line) => line.msg === 'request' || line.msg === 'slow query');
    // At warn, the first request (not slow: slow_query_ms was 0) had no line; after the reload only slow ones have
    // (the quick one too, should the machine have made it take 200 ms).
    expect(access.filter((line) => line.reqId === ids.quiet)).to.deep.equal([]);
    expect(access.filter((line) => line.msg !== 'slow query' || (line.durationMs as number) < 200)).to.deep.equal([]);
    expect(access.filter((line) => line.reqId === ids.slow).map((line) => [line.msg, line.level])).to.deep.equal([['slow query', 'warn']]);
    const restartOnly = lines.find((line) => line.msg === 'config changes that need a restart were not applied');
    expect(restartOnly?.keys).to.deep.equal(['log.file']);
    // The level is info from then on: the shutdown's own line is there.
    expect(lines.some((line) => line.msg === 'stopping' && line.level === 'info')).to.equal(true);
    expect(existsSync(moved), 'the log file does not move on a reload').to.equal(false);
  });
});
