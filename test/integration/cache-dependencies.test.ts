/**
 * Learned dependencies (issue #8): chgate reads system.tables, so an INSERT into T through chgate invalidates the
 * cached results of a view over T, of a materialized view's TO target fed by T (and of the MV itself), of a
 * Distributed and a Merge table over T; an INSERT into the Distributed table invalidates T; a view created
 * through chgate is known before its CREATE is acknowledged. No cache.table_dependencies are configured.
 * Reproduce by hand with the demo running (cache on):
 *   curl -s  --data "CREATE VIEW default.v AS SELECT count() AS c FROM default.t" http://127.0.0.1:8124/
 *   curl -si --data "SELECT c FROM default.v" http://127.0.0.1:8124/ | grep X-Cache    # MISS, then HIT
 *   curl -s  --data "INSERT INTO default.t VALUES (4, 40)" http://127.0.0.1:8124/
 *   curl -si --data "SELECT c FROM default.v" http://127.0.0.1:8124/ | grep X-Cache    # MISS with the new count
 */
import { expect } from 'chai';
import { CLUSTER_NAME, queryNode, waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { baseCacheBlock, createReplicated, expectHit, expectMiss, send, withCache } from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';
import { counterSum } from '../helpers/metric-values.js';

const DB = 'cache_dependencies_db';

describe('query cache: learned table dependencies', function () {
  this.timeout(90_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;

  /** As admin on every node, so reads sent to any replica find the table. */
  const everywhere = async (sql: string): Promise<void> => {
    for (const node of cluster.nodes) await queryNode(node, sql, cluster.users.admin);
  };

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const node of cluster.nodes) {
      await queryNode(node, `DROP DATABASE IF EXISTS ${DB}`, cluster.users.admin);
      await queryNode(node, `CREATE DATABASE ${DB}`, cluster.users.admin);
    }
    await createReplicated(cluster, `${DB}.t`, 'id UInt64, v UInt64', 'id');
    await createReplicated(cluster, `${DB}.totals`, 'id UInt64, s UInt64', 'id', 'ReplicatedSummingMergeTree');
    await createReplicated(cluster, `${DB}.unrelated`, 'id UInt64', 'id');
    await everywhere(`CREATE VIEW ${DB}.v AS SELECT count() AS c, sum(v) AS s FROM ${DB}.t`);
    await everywhere(`CREATE VIEW ${DB}.v_of_v AS SELECT c * 10 AS c10 FROM ${DB}.v`);
    // An MV fires only where the INSERT lands (the writer); the target replicates to the others.
    await everywhere(`CREATE MATERIALIZED VIEW ${DB}.mv TO ${DB}.totals AS SELECT id, v AS s FROM ${DB}.t`);
    await everywhere(`CREATE TABLE ${DB}.dist AS ${DB}.t ENGINE = Distributed(${CLUSTER_NAME}, ${DB}, t)`);
    await everywhere(`CREATE TABLE ${DB}.merged AS ${DB}.t ENGINE = Merge(${DB}, '^t$')`);
    chgate = await startTestChgate(cluster, { editConfig: withCache({ cache: baseCacheBlock({ replica_lag_window_ms: 3_000 }) }) });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (!cluster) return;
    for (const node of cluster.nodes) await queryNode(node, `DROP DATABASE IF EXISTS ${DB}`, cluster.users.admin).catch(() => undefined);
  });

  const q = (sql: string, params: Record<string, string | number> = {}) => send(chgate.url, sql, { params });

  /** Each read answered `expected` and then served from the cache. */
  async function cacheAll(reads: Record<string, string>): Promise<void> {
    for (const [sql, expected] of Object.entries(reads)) {
      const first = await q(sql);
      expect(first.status, first.text).to.equal(200);
      expect(first.text.trim(), sql).to.equal(expected);
      const hit = await q(sql);
      expectHit(hit, sql);
      expect(hit.text.trim(), sql).to.equal(expected);
    }
  }

  /** Each read is a MISS with its new answer. */
  async function expectFresh(reads: Record<string, string>): Promise<void> {
    for (const [sql, expected] of Object.entries(reads)) {
      const response = await q(sql);
      expectMiss(response, sql);
      expect(response.text.trim(), sql).to.equal(expected);
    }
  }

  const reads = (rows: number, sum: number): Record<string, string> => ({
    [`SELECT c, s FROM ${DB}.v`]: `${rows}\t${sum}`,
    [`SELECT c10 FROM ${DB}.v_of_v`]: `${rows * 10}`,
    [`SELECT sum(s) FROM ${DB}.totals`]: `${sum}`,
    [`SELECT sum(s) FROM ${DB}.mv`]: `${sum}`,
    [`SELECT count(), sum(v) FROM ${DB}.dist`]: `${rows}\t${sum}`,
    [`SELECT count(), sum(v) FROM ${DB}.merged`]: `${rows}\t${sum}`,
  });

  it('learns the graph at start', async () => {
    expect(await counterSum(chgate.running.metrics.cacheDependencyRefreshes, 'result', 'ok')).to.be.greaterThan(0);
  });

  it('an INSERT into T through chgate invalidates a view over T (and a view over that), the MV target fed by T, the MV, Distributed and Merge tables over T; not an unrelated table', async () => {
    await cacheAll({ ...reads(0, 0), [`SELECT count() FROM ${DB}.unrelated`]: '0' });
    const insert = await q(`INSERT INTO ${DB}.t VALUES (1, 5), (2, 7)`);
    expect(insert.status, insert.text).to.equal(200);
    await expectFresh(reads(2, 12));
    expectHit(await q(`SELECT count() FROM ${DB}.unrelated`), 'a table nothing links to T keeps its entry');
  });

  it('an INSERT into the Distributed table invalidates its local table', async () => {
    const local = `SELECT count(), sum(v) FROM ${DB}.t`;
    await cacheAll({ [local]: '2\t12' });
    // Synchronous, so the rows are in T when the INSERT is acknowledged (asynchronous Distributed inserts land
    // later: only external change detection sees those).
    const insert = await q(`INSERT INTO ${DB}.dist VALUES (3, 1)`, { insert_distributed_sync: 1 });
    expect(insert.status, insert.text).to.equal(200);
    await expectFresh({ [local]: '3\t13' });
  });

  it('a view created through chgate is in the graph before its CREATE is acknowledged', async () => {
    const create = await q(`CREATE VIEW ${DB}.v_new ON CLUSTER ${CLUSTER_NAME} AS SELECT max(v) AS m FROM ${DB}.t`);
    expect(create.status, create.text).to.equal(200);
    // ON CLUSTER: wait until every node has it, so the read finds it wherever it goes.
    for (const node of cluster.nodes) {
      await waitUntil(`${node.name} to have v_new`, async () => (await queryNode(node, `EXISTS TABLE ${DB}.v_new`, cluster.users.admin)).trim() === '1', { timeoutMs: 20_000, intervalMs: 100 });
    }
    const sql = `SELECT m FROM ${DB}.v_new`;
    await cacheAll({ [sql]: '7', [`SELECT count() FROM ${DB}.unrelated`]: '0' });
    const insert = await q(`INSERT INTO ${DB}.t VALUES (4, 100)`);
    expect(insert.status, insert.text).to.equal(200);
    await expectFresh({ [sql]: '100' });
    expectHit(await q(`SELECT count() FROM ${DB}.unrelated`), 'the graph was trusted again after the CREATE: no bump of everything');
  });
});
