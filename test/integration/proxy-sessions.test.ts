/**
 * HTTP sessions (`session_id`) through chgate on a real cluster: chgate holds SET / USE, so the session's reads run on
 * replicas with that state applied; a temporary table pins the session to the writer that has it. Reproduce by hand
 * with the demo running:
 *   curl --data "SET max_result_rows = 7" 'http://127.0.0.1:8124/?session_id=s1'
 *   curl -i --data "SELECT value FROM system.settings WHERE name = 'max_result_rows'" 'http://127.0.0.1:8124/?session_id=s1'
 *     → 7, X-Chgate-Upstream: replica1 (or replica2)
 *   curl --data "CREATE TEMPORARY TABLE t (x UInt8)" 'http://127.0.0.1:8124/?session_id=s1'
 *   curl -i --data "SELECT count() FROM t" 'http://127.0.0.1:8124/?session_id=s1'     → 0, X-Chgate-Upstream: writer
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isAlive,
  queryNode,
  requestNode,
  restartNode,
  startLocalCluster,
  stopManagedProcess,
  waitForHttpOk,
  waitForRowCount,
  waitUntil,
  type LocalCluster,
  type ManagedProcess,
  type NodeResponse,
  type QueryOptions,
} from '../../scripts/local-cluster.js';
import { createReplicatedTable, findExecutions } from '../helpers/clickhouse-side.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

describe('HTTP sessions on a real cluster', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  const database = 'sessions_db';
  const table = `${database}.items`;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const node of cluster.nodes) await queryNode(node, `CREATE DATABASE IF NOT EXISTS ${database}`, cluster.users.admin);
    await createReplicatedTable(cluster, table, 'id UInt64', 'id');
    await queryNode(cluster.writer, `INSERT INTO ${table} VALUES (1), (2), (3), (4)`, cluster.users.admin);
    await waitForRowCount(cluster.nodes, table, 4);
    // A second proxy user, to show that users sharing a session_id do not share the session.
    chgate = await startTestChgate(cluster, {
      editConfig: (yaml) => yaml.replace('\nusers:\n', '\nusers:\n  other:\n    cluster: local\n    networks: ["127.0.0.0/8", "::1/128"]\n'),
    });
  });
  after(async () => chgate?.stop());

  const send = (sql: string, session: Record<string, string | number>, options: QueryOptions = {}): Promise<NodeResponse> =>
    requestNode({ url: chgate.url }, sql, { ...options, params: { ...session, ...options.params } });
  const ok = async (sql: string, session: Record<string, string | number>, options: QueryOptions = {}): Promise<NodeResponse> => {
    const response = await send(sql, session, options);
    expect(response.status, `${sql}: ${response.body}`).to.equal(200);
    return response;
  };
  const settingQuery = (name: string) => `SELECT value FROM system.settings WHERE name = '${name}'`;
  const replicaNames = () => cluster.replicas.map((node) => node.name);
  /** Runs a read with its own query_id and returns where ClickHouse's query_log says it ran, and as whom. */
  const traced = async (sql: string, session: Record<string, string | number>) => {
    const queryId = randomUUID();
    const response = await ok(sql, session, { params: { query_id: queryId } });
    const executions = await findExecutions(cluster, queryId);
    expect(executions, `query_log entries of ${sql}`).to.have.length(1);
    return { body: response.body.trim(), upstream: response.headers['x-chgate-upstream'], ...(executions[0] as { node: string; user: string }) };
  };

  it('keeps SET and USE across requests, reads on replicas, until a temporary table pins the session to the writer', async () => {
    const session = { session_id: randomUUID() };
    const set = await ok('SET max_result_rows = 7', session);
    expect(set.headers['x-chgate-route']).to.equal('session');
    expect(set.headers['x-chgate-upstream']).to.equal('-');
    await ok(`USE ${database}`, session);

    // Later requests: the replicas see the SET and the USE, which only chgate can have given them.
    const setting = await traced(settingQuery('max_result_rows'), session);
    expect(setting.body).to.equal('7');
    expect(replicaNames()).to.include(setting.node);
    expect(setting.user).to.equal(cluster.users.reader.user);
    expect(setting.upstream).to.equal(setting.node);
    const count = await traced('SELECT count() FROM items', session);
    expect(count.body).to.equal('4');
    expect(replicaNames()).to.include(count.node);

    // A temporary table pins the session: from then on every statement runs on the writer, in one ClickHouse session.
    const create = await ok('CREATE TEMPORARY TABLE tmp (x UInt8)', session);
    expect(create.headers['x-chgate-upstream']).to.equal(cluster.writer.name);
    const insert = await ok('INSERT INTO tmp VALUES (1), (2), (3)', session);
    expect(insert.headers['x-chgate-upstream']).to.equal(cluster.writer.name);
    const sum = await traced('SELECT sum(x) FROM tmp', session);
    expect(sum.body).to.equal('6');
    expect([sum.node, sum.user]).to.deep.equal([cluster.writer.name, cluster.users.writer.user]);
    // The state chgate holds still applies on the pinned node, and a later SET too.
    const pinnedSetting = await traced(settingQuery('max_result_rows'), session);
    expect([pinnedSetting.body, pinnedSetting.node]).to.deep.equal(['7', cluster.writer.name]);
    await ok('SET max_result_rows = 9', session);
    const join = await ok(`SELECT count() FROM items WHERE id IN (SELECT toUInt64(x) FROM tmp); ${settingQuery('max_result_rows')}`, session);
    expect(join.body.trim().split('\n')).to.deep.equal(['3', '9']);
    expect(join.headers['x-chgate-upstream']).to.equal(`${cluster.writer.name}, ${cluster.writer.name}`);
    // The request's own URL setting wins over the session's for that request, as in ClickHouse.
    const overridden = await ok(settingQuery('max_result_rows'), session, { params: { max_result_rows: 12 } });
    expect(overridden.body.trim()).to.equal('12');
  });

  it('runs a temporary table created and used in one body', async () => {
    const session = { session_id: randomUUID() };
    const response = await ok('CREATE TEMPORARY TABLE t2 (x UInt8); INSERT INTO t2 VALUES (5); SELECT x FROM t2', session);
    expect(response.body.trim()).to.equal('5');
    expect(response.headers['x-chgate-upstream']).to.equal([cluster.writer.name, cluster.writer.name, cluster.writer.name].join(', '));
    expect((await ok('SELECT count() FROM t2', session)).body.trim()).to.equal('1');
  });

  it('refuses a second request while one runs in the session (SESSION_IS_LOCKED), then serves the next', async () => {
    const session = { session_id: randomUUID() };
    const slow = send('SELECT sleep(2)', session);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const concurrent = await send('SELECT 1', session);
    expect(concurrent.status).to.equal(500);
    expect(concurrent.headers['x-clickhouse-exception-code']).to.equal('373');
    expect(concurrent.body).to.match(/Session is locked by a concurrent client.*SESSION_IS_LOCKED/);
    expect((await slow).status).to.equal(200);
    expect((await ok('SELECT 1', session)).body.trim()).to.equal('1');
    // Another session is not held up.
    expect((await ok('SELECT 2', { session_id: randomUUID() })).body.trim()).to.equal('2');
  });

  it('answers session_check=1 for an unknown session with SESSION_NOT_FOUND', async () => {
    const id = randomUUID();
    const unknown = await send('SELECT 1', { session_id: id, session_check: 1 });
    expect(unknown.status).to.equal(500);
    expect(unknown.headers['x-clickhouse-exception-code']).to.equal('372');
    expect(unknown.body).to.include('Session not found');
    await ok('SELECT 1', { session_id: id });
    expect((await ok('SELECT 1', { session_id: id, session_check: 1 })).body.trim()).to.equal('1');
  });

  it('does not share a session between proxy users that use the same session_id', async () => {
    const session = { session_id: randomUUID() };
    await ok('SET max_result_rows = 21', session);
    await ok('CREATE TEMPORARY TABLE mine (x UInt8)', session);
    const other = { user: 'other', password: '' };
    expect((await send('SELECT 1', { ...session, session_check: 1 }, other)).headers['x-clickhouse-exception-code']).to.equal('372');
    expect((await ok(settingQuery('max_result_rows'), session, other)).body.trim()).to.equal('0');
    const theirs = await send('SELECT count() FROM mine', session, other);
    expect(theirs.status, theirs.body).to.equal(404);
    expect((await ok(settingQuery('max_result_rows'), session)).body.trim()).to.equal('21');
  });

  it('expires an idle session after its session_timeout, temporary tables included', async () => {
    const session = { session_id: randomUUID(), session_timeout: 1 };
    await ok('SET max_result_rows = 31', session);
    await ok('CREATE TEMPORARY TABLE gone (x UInt8)', session);
    expect((await ok(settingQuery('max_result_rows'), session)).body.trim()).to.equal('31');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await send('SELECT 1', { ...session, session_check: 1 })).headers['x-clickhouse-exception-code']).to.equal('372');
    const fresh = await traced(settingQuery('max_result_rows'), session);
    expect(fresh.body).to.equal('0');
    expect(replicaNames()).to.include(fresh.node);
    expect((await send('SELECT count() FROM gone', session)).status).to.equal(404);
  });

  it("refuses a session_timeout ClickHouse would refuse, with ClickHouse's error", async () => {
    const response = await send('SELECT 1', { session_id: randomUUID(), session_timeout: 'abc' });
    expect(response.status).to.equal(500);
    expect(response.headers['x-clickhouse-exception-code']).to.equal('374');
    expect(response.body).to.include("Invalid session timeout: 'abc'");
  });
});

/** Its own writer + 1 replica cluster (ports 20300+), because it kills and restarts the writer. */
describe('a pinned session whose writer goes down', function () {
  this.timeout(60_000);
  let baseDir: string;
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let restarted: ManagedProcess | undefined;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    baseDir = mkdtempSync(join(tmpdir(), 'chgate-sessions-'));
    cluster = await startLocalCluster({ baseDir, basePort: 20300, replicas: 1, sampleTable: false });
    chgate = await startTestChgate(cluster);
  });
  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (restarted) await stopManagedProcess(restarted, 10_000);
    await cluster?.stop();
    rmSync(baseDir, { recursive: true, force: true });
  });

  const send = (sql: string, params: Record<string, string>) => requestNode({ url: chgate.url }, sql, { params, timeoutMs: 20_000 });

  it('fails the session\'s statements while the node is down, and with SESSION_NOT_FOUND once it lost the session', async () => {
    const session = { session_id: randomUUID() };
    expect((await send('CREATE TEMPORARY TABLE t (x UInt8); INSERT INTO t VALUES (1)', session)).status).to.equal(200);
    expect((await send('SELECT count() FROM t', session)).body.trim()).to.equal('1');

    process.kill(cluster.writer.pid, 'SIGKILL');
    await waitUntil('the writer to be gone', async () => !isAlive(cluster.writer.pid), { timeoutMs: 10_000, intervalMs: 50 });
    const down = await send('SELECT count() FROM t', session);
    expect(down.status, down.body).to.be.within(500, 599);
    expect(down.headers['x-chgate-upstream']).to.equal(cluster.writer.name);
    // Only the pinned session is tied to the writer: another session's reads still run on the replica.
    const elsewhere = await send('SELECT 1', { session_id: randomUUID() });
    expect([elsewhere.status, elsewhere.headers['x-chgate-upstream']]).to.deep.equal([200, cluster.replicas[0]?.name]);

    restarted = restartNode(cluster.writer);
    await waitForHttpOk(`${cluster.writer.url}/ping`, restarted, 30_000);
    const lost = await send('SELECT count() FROM t', session);
    expect(lost.status, lost.body).to.equal(500);
    expect(lost.body).to.match(/Code: 372/);
  });
});
