/**
 * Reads reach a replica as the read-only user and writes reach the writer as the write user, as ClickHouse's own
 * query_log records it. Reproduce by hand with the demo running:
 *   curl -H 'X-ClickHouse-User: default' --data "SELECT 1" 'http://127.0.0.1:8124/?query_id=q1'
 *   clickhouse-client --port <replica tcp> -q "SYSTEM FLUSH LOGS; SELECT user FROM system.query_log WHERE query_id='q1'"
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { requestNode, waitForRowCount, type LocalCluster } from '../../scripts/local-cluster.js';
import { createReplicatedTable, findExecutions } from '../helpers/clickhouse-side.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

describe('routing on a real cluster', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  const table = 'default.routing_events';

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    await createReplicatedTable(cluster, table, 'id UInt64, note String', 'id');
    chgate = await startTestChgate(cluster);
  });
  after(async () => chgate?.stop());

  const send = (sql: string, options: Parameters<typeof requestNode>[2] = {}) =>
    requestNode({ url: chgate.url }, sql, options);

  const replicaNames = () => cluster.replicas.map((node) => node.name);

  it('runs a SELECT on a replica as the read-only user', async () => {
    const queryId = randomUUID();
    const response = await send('SELECT count() FROM default.table_name', { params: { query_id: queryId } });
    expect(response.status).to.equal(200);
    expect(response.body.trim()).to.equal('3');
    const executions = await findExecutions(cluster, queryId);
    expect(executions).to.have.length(1);
    expect(replicaNames()).to.include(executions[0]?.node);
    expect(executions[0]?.user).to.equal(cluster.users.reader.user);
    expect(response.headers['x-chgate-route']).to.equal('read');
    expect(response.headers['x-chgate-upstream']).to.equal(executions[0]?.node);
  });

  it('the statement itself sees readonly=2 on reads', async () => {
    const response = await send("SELECT value FROM system.settings WHERE name = 'readonly'");
    expect(response.body.trim()).to.equal('2');
  });

  it('runs an INSERT on the writer as the write user', async () => {
    const queryId = randomUUID();
    const response = await send(`INSERT INTO ${table} VALUES (1, 'plain')`, { params: { query_id: queryId } });
    expect(response.status, response.body).to.equal(200);
    const executions = await findExecutions(cluster, queryId);
    expect(executions.map((e) => [e.node, e.user])).to.deep.equal([[cluster.writer.name, cluster.users.writer.user]]);
    expect(response.headers['x-chgate-route']).to.equal('write');
  });

  it('sends a write behind a comment that looks like a read to the writer', async () => {
    const queryId = randomUUID();
    const response = await send(`/* SELECT * FROM x */ -- SELECT\nINSERT INTO ${table} VALUES (2, 'commented')`, {
      params: { query_id: queryId },
    });
    expect(response.status, response.body).to.equal(200);
    const executions = await findExecutions(cluster, queryId);
    expect(executions.map((e) => [e.node, e.user])).to.deep.equal([[cluster.writer.name, cluster.users.writer.user]]);
  });

  it('runs INSERT then SELECT of one body each on its route, outputs in order; a read of the written table sees the write', async () => {
    const queryId = randomUUID();
    const response = await send(`INSERT INTO ${table} VALUES (3, 'multi'); SELECT 'after insert'; SELECT count() FROM ${table} WHERE id = 3`, {
      params: { query_id: queryId },
    });
    expect(response.status, response.body).to.equal(200);
    // The count runs on the writer (as the read-only user): a replica may not have fetched the part yet.
    expect(response.body.trim().split('\n')).to.deep.equal(['after insert', '1']);
    expect(response.headers['x-chgate-route']).to.equal('write, read, read');
    const executions = await findExecutions(cluster, queryId, 3);
    const insert = executions.filter((e) => e.query.startsWith('INSERT'));
    const constant = executions.filter((e) => e.query.startsWith("SELECT 'after insert'"));
    const count = executions.filter((e) => e.query.startsWith('SELECT count()'));
    expect(insert.map((e) => [e.node, e.user])).to.deep.equal([[cluster.writer.name, cluster.users.writer.user]]);
    expect(constant).to.have.length(1);
    expect(replicaNames()).to.include(constant[0]?.node);
    expect(constant[0]?.user).to.equal(cluster.users.reader.user);
    expect(count.map((e) => [e.node, e.user])).to.deep.equal([[cluster.writer.name, cluster.users.reader.user]]);
    await waitForRowCount(cluster.nodes, table, 1, 30_000, 'id = 3');
  });

  it('applies USE and SET inside a body to the statements after them', async () => {
    const response = await send(
      "USE system; SET max_threads = 3; SELECT value FROM settings WHERE name = 'max_threads'; SELECT currentDatabase()",
    );
    expect(response.status, response.body).to.equal(200);
    expect(response.body.trim().split('\n')).to.deep.equal(['3', 'system']);
    expect(response.headers['x-chgate-route']).to.equal('session, session, read, read');
  });

  it('answers a body of only SET / USE itself, with an empty 200', async () => {
    const response = await send('SET max_threads = 2; USE system');
    expect(response.status, response.body).to.equal(200);
    expect(response.body).to.equal('');
    expect(response.headers['x-chgate-route']).to.equal('session, session');
    expect(response.headers['x-chgate-upstream']).to.equal('-, -');
  });

  it('forwards every URL setting and the database parameter', async () => {
    const response = await send("SELECT value FROM system.settings WHERE name = 'max_threads'", {
      params: { max_threads: 5, max_execution_time: 30 },
    });
    expect(response.body.trim()).to.equal('5');
    const database = await send('SELECT currentDatabase()', { params: { database: 'system' } });
    expect(database.body.trim()).to.equal('system');
  });

  it('translates X-ClickHouse-Database and X-ClickHouse-Format for servers that ignore them', async () => {
    const response = await send('SELECT currentDatabase() AS db', {
      headers: { 'X-ClickHouse-Database': 'system', 'X-ClickHouse-Format': 'JSONEachRow' },
    });
    expect(response.body.trim()).to.equal('{"db":"system"}');
  });

  it('keeps the client query_id, and generates one when absent', async () => {
    const given = await send('SELECT 1', { params: { query_id: 'client-chosen-id' } });
    expect(given.headers['x-clickhouse-query-id']).to.equal('client-chosen-id');
    const generated = await send('SELECT 1');
    const id = String(generated.headers['x-clickhouse-query-id']);
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const executions = await findExecutions(cluster, id);
    expect(executions).to.have.length(1);
  });

  it('stops a body at the first failing statement; an error before output keeps its status', async () => {
    const queryId = randomUUID();
    const response = await send(`SELECT * FROM default.no_such_table; INSERT INTO ${table} VALUES (99, 'never')`, {
      params: { query_id: queryId },
    });
    expect(response.status).to.equal(404);
    expect(response.body).to.match(/Code: 60/);
    const executions = await findExecutions(cluster, queryId);
    expect(executions.filter((e) => e.query.startsWith('INSERT'))).to.have.length(0);
  });

  it('reports an error after output the way ClickHouse does: status 200, exception at the end of the body', async () => {
    const response = await send('SELECT 42; SELECT * FROM default.no_such_table; SELECT 43');
    expect(response.status).to.equal(200);
    expect(response.body.startsWith('42\n')).to.equal(true);
    expect(response.body).to.match(/Code: 60/);
    expect(response.body).to.not.include('43');
  });

  it('stops the batch when a statement fails after its output began streaming', async () => {
    const response = await send(
      "SELECT number, throwIf(number = 300000) FROM system.numbers LIMIT 400000 SETTINGS max_block_size = 65536; SELECT 'never runs'",
    );
    expect(response.status).to.equal(200);
    expect(response.body.startsWith('0\t0\n1\t0\n')).to.equal(true);
    expect(response.body).to.match(/Code: 395[.,] [^\n]*DB::Exception[^\n]*\n$/);
    expect(response.body).to.not.include('never runs');
  });

  it('splits ; inside strings and comments correctly', async () => {
    const response = await send("SELECT 'a;b' /* ; */; -- ;\nSELECT 'c'");
    expect(response.body).to.equal('a;b\nc\n');
  });

  it('answers GET reads through the query parameter, and GET keeps ClickHouse read-only semantics for writes', async () => {
    const read = await send('SELECT 7', { method: 'GET' });
    expect(read.status).to.equal(200);
    expect(read.body).to.equal('7\n');
    const write = await send(`INSERT INTO ${table} VALUES (100, 'via get')`, { method: 'GET' });
    expect(write.status).to.not.equal(200);
    expect(write.body).to.match(/Code: 164/);
  });

  it('joins ?query= with the body like ClickHouse does (INSERT data in the body)', async () => {
    const response = await send(`INSERT INTO ${table} FORMAT TSV`, { data: "200\tfrom body\n201\tsecond\n" });
    expect(response.status, response.body).to.equal(200);
    await waitForRowCount([cluster.writer], table, 2, 10_000, 'id >= 200');
  });

  it('accepts a gzip request body', async () => {
    const { gzipSync } = await import('node:zlib');
    const response = await fetch(chgate.url, { method: 'POST', body: gzipSync('SELECT 11'), headers: { 'content-encoding': 'gzip' } });
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('11\n');
  });

  it('forwards the node display name header and its own routing headers', async () => {
    const response = await send('SELECT 1');
    expect(replicaNames()).to.include(response.headers['x-clickhouse-server-display-name']);
    expect(response.headers['x-chgate-upstream']).to.equal(response.headers['x-clickhouse-server-display-name']);
  });
});
