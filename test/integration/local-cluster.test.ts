/**
 * The local cluster itself (scripts/local-cluster.ts): everything the chgate integration tests rely on.
 * Reproduce by hand: `npx tsx -e "import('./scripts/local-cluster.ts').then(m => m.startLocalCluster({baseDir: '/tmp/c', basePort: 19500}))"`
 * then e.g. `curl -H 'X-ClickHouse-User: chgate_reader' -H 'X-ClickHouse-Key: reader-secret' --data 'SELECT 1' http://127.0.0.1:19520`.
 */
import { expect } from 'chai';
import {
  ClickHouseHttpError,
  SAMPLE_ROWS,
  queryNode,
  requestNode,
  waitForRowCount,
  type ClusterNode,
  type LocalCluster,
} from '../../scripts/local-cluster.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const DB = 'local_cluster_test';
const TABLE = `${DB}.events`;

async function expectClickHouseError(promise: Promise<unknown>): Promise<ClickHouseHttpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ClickHouseHttpError);
    return error as ClickHouseHttpError;
  }
  expect.fail('expected ClickHouse to refuse the query');
}

describe('local ClickHouse cluster (scripts/local-cluster.ts)', function () {
  let cluster: LocalCluster;
  let writer: ClusterNode;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    writer = cluster.writer;
    await queryNode(writer, `CREATE DATABASE IF NOT EXISTS ${DB} ON CLUSTER ${cluster.clusterName}`);
    await queryNode(
      writer,
      `CREATE TABLE IF NOT EXISTS ${TABLE} ON CLUSTER ${cluster.clusterName} (id UInt64, note String) ` +
        `ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${DB}/events', '{replica}') ORDER BY id`,
    );
  });

  after(async function () {
    this.timeout(60_000);
    if (cluster) await queryNode(cluster.writer, `DROP DATABASE IF EXISTS ${DB} ON CLUSTER ${cluster.clusterName}`);
  });

  it('runs a writer and two replicas, each answering with its display name', async () => {
    expect(cluster.nodes.map((n) => [n.name, n.role])).to.deep.equal([
      ['writer', 'writer'],
      ['replica1', 'replica'],
      ['replica2', 'replica'],
    ]);
    for (const node of cluster.nodes) {
      const response = await requestNode(node, 'SELECT 1');
      expect(response.status).to.equal(200);
      expect(response.body).to.equal('1\n');
      expect(response.headers['x-clickhouse-server-display-name']).to.equal(node.name);
    }
  });

  it('has the sample table with its rows on every node', async () => {
    for (const node of cluster.nodes) {
      const ids = await queryNode(node, `SELECT id FROM ${cluster.sampleTable} WHERE id <= 3 ORDER BY id`, cluster.users.reader);
      expect(ids).to.equal(`${SAMPLE_ROWS.map((r) => r.id).join('\n')}\n`);
    }
  });

  it('replicates a row inserted on the writer to both replicas', async function () {
    this.timeout(40_000);
    const id = Date.now();
    await queryNode(writer, `INSERT INTO ${TABLE} VALUES (${id}, 'replicated')`, cluster.users.writer);
    await waitForRowCount(cluster.replicas, TABLE, 1, 30_000, `id = ${id}`);
    for (const replica of cluster.replicas) {
      const note = await queryNode(replica, `SELECT note FROM ${TABLE} WHERE id = ${id}`, cluster.users.reader);
      expect(note).to.equal('replicated\n');
    }
  });

  it('refuses an INSERT by chgate_reader with code 164', async () => {
    for (const node of [writer, ...cluster.replicas]) {
      const error = await expectClickHouseError(
        queryNode(node, `INSERT INTO ${TABLE} VALUES (1, 'must not land')`, cluster.users.reader),
      );
      expect(error.code).to.equal(164);
      expect(error.status).to.equal(500);
    }
  });

  it('lets chgate_reader SELECT with a max_execution_time URL setting (readonly=2)', async () => {
    const replica = cluster.replicas[0]!;
    const readonly = await queryNode(replica, "SELECT value FROM system.settings WHERE name = 'readonly'", {
      ...cluster.users.reader,
      params: { max_execution_time: 10 },
    });
    expect(readonly).to.equal('2\n');
    const count = await queryNode(replica, `SELECT count() FROM ${cluster.sampleTable}`, {
      ...cluster.users.reader,
      params: { max_execution_time: 10, max_result_rows: 1000 },
    });
    expect(Number(count)).to.be.at.least(SAMPLE_ROWS.length);
  });

  it('lets chgate_writer insert, and logs who ran what in system.query_log', async () => {
    const id = Date.now() + 1;
    const queryId = `local-cluster-test-${id}`;
    await queryNode(writer, `INSERT INTO ${TABLE} VALUES (${id}, 'by writer')`, {
      ...cluster.users.writer,
      params: { query_id: queryId },
    });
    expect(await queryNode(writer, `SELECT note FROM ${TABLE} WHERE id = ${id}`)).to.equal('by writer\n');
    const readonly = await queryNode(writer, "SELECT value FROM system.settings WHERE name = 'readonly'", cluster.users.writer);
    expect(readonly).to.equal('0\n');

    await queryNode(writer, 'SYSTEM FLUSH LOGS');
    const users = await queryNode(writer, `SELECT DISTINCT user FROM system.query_log WHERE query_id = '${queryId}'`);
    expect(users).to.equal(`${cluster.users.writer.user}\n`);
  });

  it('sends ON CLUSTER DDL to every node', async () => {
    await queryNode(writer, `CREATE TABLE ${DB}.ddl_probe ON CLUSTER ${cluster.clusterName} (x UInt8) ENGINE = Memory`);
    for (const node of cluster.nodes) {
      expect(await queryNode(node, `EXISTS TABLE ${DB}.ddl_probe`), node.name).to.equal('1\n');
    }
    await queryNode(writer, `DROP TABLE ${DB}.ddl_probe ON CLUSTER ${cluster.clusterName}`);
    for (const node of cluster.nodes) {
      expect(await queryNode(node, `EXISTS TABLE ${DB}.ddl_probe`), node.name).to.equal('0\n');
    }
  });
});
