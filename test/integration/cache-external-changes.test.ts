/**
 * External change detection (issue #8): a change chgate did not make — an INSERT sent straight to ClickHouse, an
 * OPTIMIZE ... FINAL that merges a ReplacingMergeTree, an ALTER DELETE run elsewhere — stops being served from
 * the cache within cache.external_changes.interval_ms plus one second. The delay is measured over several trials
 * and printed. Reproduce by hand with the demo running (cache on, external_changes: { enabled: true }):
 *   curl -si --data "SELECT count() FROM t" http://127.0.0.1:8124/ | grep X-Cache         # MISS, then HIT
 *   curl -s  --data "INSERT INTO default.t VALUES (9, 90)" http://127.0.0.1:<writer port>/   # around chgate
 *   sleep 1; curl -si --data "SELECT count() FROM t" http://127.0.0.1:8124/ | grep X-Cache # MISS, new count
 */
import { expect } from 'chai';
import { queryNode, waitForRowCount, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { baseCacheBlock, createReplicated, dropEverywhere, expectHit, onWriter, send, sleep, systemOnNodes, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';
import { counterSum } from '../helpers/metric-values.js';

const DATABASE = 'cache_external_db';
const IGNORED_DATABASE = 'cache_external_ignored_db';
const INTERVAL_MS = 1_000;
const BOUND_MS = INTERVAL_MS + 1_000;

describe('query cache: external change detection', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  const tables = new Set<string>();
  const delays: Record<string, number[]> = {};

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const database of [DATABASE, IGNORED_DATABASE]) {
      for (const node of cluster.nodes) await queryNode(node, `CREATE DATABASE IF NOT EXISTS ${database}`, cluster.users.admin);
    }
    chgate = await startTestChgate(cluster, {
      editConfig: withCache({
        cache: baseCacheBlock({ external_changes: { enabled: true, interval_ms: INTERVAL_MS, databases: [DATABASE], exclude: [`${DATABASE}.cache_excluded`] } }),
      }),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (!cluster) return;
    for (const table of tables) await systemOnNodes(cluster, cluster.nodes, `SYSTEM START MERGES ${table}`).catch(() => undefined);
    await dropEverywhere(cluster, tables);
    for (const database of [DATABASE, IGNORED_DATABASE]) {
      for (const node of cluster.nodes) await queryNode(node, `DROP DATABASE IF EXISTS ${database}`, cluster.users.admin).catch(() => undefined);
    }
    for (const [what, list] of Object.entries(delays)) {
      console.log(`      external change → not served from cache (${what}): max ${Math.max(...list)} ms over ${list.length} trial(s) [${list.join(', ')}]; interval ${INTERVAL_MS} ms, bound ${BOUND_MS} ms`);
    }
  });

  const q = (sql: string) => send(chgate.url, sql);

  async function table(what: string, engine = 'ReplicatedMergeTree', database = DATABASE, name?: string): Promise<string> {
    const qualified = name ? `${database}.${name}` : uniqueTable(what, database);
    tables.add(qualified);
    await createReplicated(cluster, qualified, 'id UInt64, v UInt64', 'id', engine);
    return qualified;
  }

  /** `sql` answered with `expected`, then a HIT of it. */
  async function cached(sql: string, expected: string): Promise<void> {
    // Wait out the detection of the set-up's own direct writes (they are external changes too).
    await sleep(BOUND_MS);
    const first = await q(sql);
    expect(first.text.trim()).to.equal(expected);
    const hit = await q(sql);
    expectHit(hit, sql);
    expect(hit.text.trim()).to.equal(expected);
  }

  /**
   * Reads `sql` through chgate until it answers `fresh`, from `since`: the time by which the change was complete
   * on the writer. Every answer before is the cached one (never anything else); returns the delay.
   */
  async function delayUntilFresh(sql: string, stale: string, fresh: string, since: number): Promise<number> {
    for (;;) {
      const response = await q(sql);
      const text = response.text.trim();
      const elapsed = Date.now() - since;
      if (text === fresh) {
        // And it stays fresh.
        for (let i = 0; i < 3; i++) expect((await q(sql)).text.trim()).to.equal(fresh);
        return elapsed;
      }
      expect(text, `answer ${elapsed} ms after the change`).to.equal(stale);
      expectHit(response, 'a stale answer can only come from the cache');
      expect(elapsed, `still served from the cache ${elapsed} ms after the change`).to.be.at.most(BOUND_MS);
      await sleep(25);
    }
  }

  /** When the writer itself first answered `expected` (a merge or mutation finishes after its statement returns). */
  async function writerAnswers(sql: string, expected: string): Promise<number> {
    let since = Date.now();
    while ((await onWriter(cluster, sql)).trim() !== expected) {
      await sleep(20);
      since = Date.now();
    }
    return since;
  }

  it('an INSERT made directly on the writer is not served from the cache after interval + 1 s (8 trials)', async () => {
    const t = await table('direct_insert');
    const sql = `SELECT count(), sum(v) FROM ${t}`;
    for (let trial = 1; trial <= 8; trial++) {
      await cached(sql, `${trial - 1}\t${((trial - 1) * trial) / 2}`);
      // Anywhere between two polls, so the worst case is among the trials.
      await sleep(Math.random() * INTERVAL_MS);
      await onWriter(cluster, `INSERT INTO ${t} VALUES (${trial}, ${trial})`);
      const since = Date.now();
      (delays['direct INSERT'] ??= []).push(await delayUntilFresh(sql, `${trial - 1}\t${((trial - 1) * trial) / 2}`, `${trial}\t${(trial * (trial + 1)) / 2}`, since));
    }
    expect(await counterSum(chgate.running.metrics.cacheInvalidations, 'cause', 'external')).to.be.greaterThan(0);
    expect(await counterSum(chgate.running.metrics.cacheExternalPolls, 'result', 'ok')).to.be.greaterThan(5);
    expect(await counterSum(chgate.running.metrics.cacheExternalChanges, 'source', 'parts')).to.be.greaterThan(0);
    const detected = (await chgate.running.metrics.cacheExternalDetectionDelay.get()).values.find((value) => value.metricName?.endsWith('_count'));
    expect(detected?.value, 'detection delays observed').to.be.at.least(8);
  });

  it('an OPTIMIZE ... FINAL that merges a ReplacingMergeTree (no write at all) invalidates the same way', async () => {
    const t = await table('replacing', 'ReplicatedReplacingMergeTree');
    // Two parts holding the same key: count() is 2 until they merge.
    await systemOnNodes(cluster, cluster.nodes, `SYSTEM STOP MERGES ${t}`);
    await onWriter(cluster, `INSERT INTO ${t} VALUES (1, 10)`);
    await onWriter(cluster, `INSERT INTO ${t} VALUES (1, 20)`);
    await waitForRowCount(cluster.nodes, t, 2);
    const sql = `SELECT count() FROM ${t}`;
    await cached(sql, '2');
    await systemOnNodes(cluster, cluster.nodes, `SYSTEM START MERGES ${t}`);
    await onWriter(cluster, `OPTIMIZE TABLE ${t} FINAL`);
    (delays['OPTIMIZE FINAL'] ??= []).push(await delayUntilFresh(sql, '2', '1', await writerAnswers(sql, '1')));
  });

  it('an ALTER DELETE run directly (a mutation chgate did not start) invalidates the same way', async () => {
    const t = await table('direct_mutation');
    await onWriter(cluster, `INSERT INTO ${t} VALUES (1, 1), (2, 2), (3, 3)`);
    await waitForRowCount(cluster.nodes, t, 3);
    const sql = `SELECT count() FROM ${t}`;
    await cached(sql, '3');
    await onWriter(cluster, `ALTER TABLE ${t} DELETE WHERE id = 2`);
    (delays['ALTER DELETE'] ??= []).push(await delayUntilFresh(sql, '3', '2', await writerAnswers(sql, '2')));
  });

  it('leaves tables that are not watched alone: an excluded table and another database stay cached (TTL only)', async () => {
    const excluded = await table('excluded', 'ReplicatedMergeTree', DATABASE, 'cache_excluded');
    const elsewhere = await table('elsewhere', 'ReplicatedMergeTree', IGNORED_DATABASE);
    for (const t of [excluded, elsewhere]) await cached(`SELECT count() FROM ${t}`, '0');
    const polls = await counterSum(chgate.running.metrics.cacheExternalPolls, 'result', 'ok');
    for (const t of [excluded, elsewhere]) await onWriter(cluster, `INSERT INTO ${t} VALUES (1, 1)`);
    await sleep(BOUND_MS + INTERVAL_MS);
    // The watcher did poll meanwhile; the operator chose not to watch these.
    expect(await counterSum(chgate.running.metrics.cacheExternalPolls, 'result', 'ok')).to.be.greaterThan(polls);
    for (const t of [excluded, elsewhere]) {
      const response = await q(`SELECT count() FROM ${t}`);
      expectHit(response, t);
      expect(response.text.trim()).to.equal('0');
    }
  });
});
