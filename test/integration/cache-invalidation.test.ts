/**
 * A write through chgate invalidates every cached read of the tables it wrote, however the read names them (issue 4):
 * `t` / `default.t` / `?database=db` + `t` / `db.t`, a WITH subquery, a JOIN, an IN (subquery); and every kind of
 * write: INSERT, ALTER DELETE (async mutation: not stored while in flight) and UPDATE, TRUNCATE, RENAME, DROP,
 * OPTIMIZE, EXCHANGE and CREATE OR REPLACE (newer servers only). Reads right after a write go to the writer, so a
 * lagging replica can never put an old result into the cache. Reproduce by hand with the demo running (cache on):
 *   curl -si --data "SELECT count() FROM t" http://127.0.0.1:8124/ | grep X-Cache    # MISS, then HIT
 *   curl -s  --data "INSERT INTO default.t VALUES (4, 40)" http://127.0.0.1:8124/
 *   curl -si --data "SELECT count() FROM t" http://127.0.0.1:8124/ | grep X-Cache    # MISS with the new row
 */
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { queryNode, waitForRowCount, waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import {
  baseCacheBlock,
  createReplicated,
  dropEverywhere,
  expectBypass,
  expectHit,
  expectMiss,
  newQueryId,
  onWriter,
  seedRows,
  send,
  serverVersion,
  sleep,
  systemOnNodes,
  uniqueTable,
  withCache,
  type CachedResponse,
  type SendOptions,
} from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const DATABASE = 'cache_invalidation_db';

describe('query cache: invalidation by writes through chgate', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let version: [number, number];
  const tables = new Set<string>();

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    version = await serverVersion(cluster);
    for (const node of cluster.nodes) await queryNode(node, `CREATE DATABASE IF NOT EXISTS ${DATABASE}`, cluster.users.admin);
    chgate = await startTestChgate(cluster, { editConfig: withCache({ cache: baseCacheBlock() }) });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (!cluster) return;
    // Fetches and merges may have been stopped by a test that failed half-way.
    for (const table of tables) {
      for (const statement of [`SYSTEM START FETCHES ${table}`, `SYSTEM START MERGES ${table}`]) {
        await systemOnNodes(cluster, cluster.nodes, statement).catch(() => undefined);
      }
    }
    await dropEverywhere(cluster, tables);
    for (const node of cluster.nodes) {
      await queryNode(node, `DROP DATABASE IF EXISTS ${DATABASE}`, cluster.users.admin).catch(() => undefined);
    }
  });

  const q = (sql: string, options: SendOptions = {}) => send(chgate.url, sql, options);

  async function table(what: string, options: { database?: string; columns?: string; engine?: string } = {}): Promise<string> {
    const name = uniqueTable(what, options.database);
    tables.add(name);
    await createReplicated(cluster, name, options.columns ?? 'id UInt64, v UInt64', 'id', options.engine);
    return name;
  }

  const bare = (qualified: string): string => qualified.slice(qualified.indexOf('.') + 1);

  /** MISS then HIT with the same bytes; returns the cached text. */
  async function prime(sql: string, options: SendOptions = {}): Promise<string> {
    const first = await q(sql, options);
    expectMiss(first, `priming ${sql}:`);
    const second = await q(sql, options);
    expectHit(second, `priming ${sql}:`);
    expect(second.text).to.equal(first.text);
    return first.text;
  }

  /** After a write: a MISS whose result is what the writer itself now answers, then a HIT with it. */
  async function expectFresh(sql: string, options: SendOptions = {}, what = ''): Promise<CachedResponse> {
    const truth = await onWriter(cluster, sql, (options.params ?? {}) as Record<string, string | number>);
    const response = await q(sql, options);
    expectMiss(response, `${what} ${sql} after the write:`);
    expect(response.text, `${what} ${sql} after the write`).to.equal(truth);
    const again = await q(sql, options);
    expectHit(again, `${what} ${sql} read twice after the write:`);
    expect(again.text).to.equal(truth);
    return response;
  }

  /** Until every node lists the table's one mutation as done (a fresh mutation shows up only after a moment). */
  async function waitForMutationDone(table: string): Promise<void> {
    const [database, name] = table.split('.') as [string, string];
    const sql = `SELECT countIf(is_done = 1), countIf(is_done = 0) FROM system.mutations WHERE database = '${database}' AND table = '${name}'`;
    for (const node of cluster.nodes) {
      await waitUntil(`${node.name} to finish the mutation of ${table}`, async () => (await queryNode(node, sql, cluster.users.admin)) === '1\t0\n', {
        timeoutMs: 40_000,
        intervalMs: 200,
      });
    }
  }

  async function write(sql: string, options: SendOptions = {}): Promise<void> {
    const response = await q(sql, options);
    expect(response.status, `${sql}: ${response.text}`).to.equal(200);
  }

  it('an INSERT into T makes the next read of T a MISS with the new rows, while a read of U stays a HIT', async () => {
    const t = await table('insert_t');
    const u = await table('insert_u');
    await seedRows(cluster, t, '(1, 10), (2, 20), (3, 30)', 3);
    await seedRows(cluster, u, '(1, 1)', 1);
    const readT = `SELECT count(), sum(v) FROM ${t}`;
    const readU = `SELECT count(), sum(v) FROM ${u}`;
    expect(await prime(readT)).to.equal('3\t60\n');
    const cachedU = await prime(readU);

    await write(`INSERT INTO ${t} VALUES (4, 40)`);
    const afterT = await q(readT);
    expectMiss(afterT, 'T after the insert:');
    expect(afterT.text).to.equal('4\t100\n');
    expectHit(await q(readT), 'T read twice after the insert:');

    const queryId = newQueryId('u-after-insert');
    const afterU = await q(readU, { params: { query_id: queryId } });
    expectHit(afterU, 'U is not written by an INSERT into T:');
    expect(afterU.text).to.equal(cachedU);
  });

  it('invalidates t, default.t, a WITH subquery, a JOIN and an IN (subquery) over T, whichever name the INSERT uses', async () => {
    const t = await table('forms_t');
    const u = await table('forms_u', { columns: 'id UInt64, w UInt64' });
    await seedRows(cluster, t, '(1, 10), (2, 20), (3, 30)', 3);
    await seedRows(cluster, u, Array.from({ length: 10 }, (_, i) => `(${i + 1}, ${100 + i})`).join(', '), 10);
    // 18.16 has only the WITH <expression> AS name form; WITH name AS (subquery) came with 20.x.
    const withForm =
      version[0] >= 21
        ? `WITH x AS (SELECT v FROM ${bare(t)}) SELECT sum(v) FROM x`
        : `WITH (SELECT sum(v) FROM ${bare(t)}) AS s SELECT s, 1`;
    const reads = [
      `SELECT count(), sum(v) FROM ${bare(t)}`,
      `SELECT count(), sum(v) FROM ${t}`,
      withForm,
      `SELECT count(), sum(w) FROM ${u} ALL INNER JOIN ${bare(t)} USING id`,
      `SELECT count(), sum(w) FROM ${u} WHERE id IN (SELECT id FROM ${t})`,
    ];
    const readOfU = `SELECT count(), sum(w) FROM ${u}`;
    for (const sql of [...reads, readOfU]) await prime(sql);

    await write(`INSERT INTO ${t} VALUES (4, 40)`);
    for (const sql of reads) await expectFresh(sql, {}, 'insert into db.t:');
    expectHit(await q(readOfU), 'a read of U alone is not invalidated by a write to T:');

    // Every read is cached again (expectFresh ends on a HIT); now the INSERT names the table without its database.
    await write(`INSERT INTO ${bare(t)} VALUES (5, 50)`);
    for (const sql of reads) await expectFresh(sql, {}, 'insert into t:');
  });

  it('treats ?database=db + t and db.t as the same table, both ways', async () => {
    const d = await table('db_param', { database: DATABASE });
    await seedRows(cluster, d, '(1, 1), (2, 2)', 2);
    const inDb: SendOptions = { params: { database: DATABASE } };
    const viaParam = `SELECT count(), sum(v) FROM ${bare(d)}`;
    const qualified = `SELECT count(), sum(v) FROM ${d}`;
    await prime(viaParam, inDb);
    await prime(qualified);

    await write(`INSERT INTO ${bare(d)} VALUES (3, 3)`, inDb);
    await expectFresh(viaParam, inDb, 'insert with ?database=:');
    await expectFresh(qualified, {}, 'insert with ?database=:');

    await write(`INSERT INTO ${d} VALUES (4, 4)`);
    await expectFresh(viaParam, inDb, 'insert into db.t:');
    await expectFresh(qualified, {}, 'insert into db.t:');
  });

  it('ALTER DELETE: reads bypass the cache while the mutation runs, and are fresh once it has finished', async () => {
    const t = await table('mutation');
    await seedRows(cluster, t, Array.from({ length: 10 }, (_, i) => `(${i + 1}, ${i + 1})`).join(', '), 10);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    expect(await prime(read)).to.equal('10\t55\n');
    const [database, name] = t.split('.') as [string, string];
    const pendingMutations = `SELECT count() FROM system.mutations WHERE database = '${database}' AND table = '${name}' AND is_done = 0`;

    // With merges stopped everywhere the mutation cannot run: it stays in flight for as long as the test needs.
    await systemOnNodes(cluster, cluster.nodes, `SYSTEM STOP MERGES ${t}`);
    try {
      await write(`ALTER TABLE ${t} DELETE WHERE id <= 5`);
      const duringRead = async (what: string) => {
        const during = await q(read);
        expectBypass(during, 'mutation-in-flight', `${what}:`);
        expect(during.text, 'the mutation has not run yet: ClickHouse still has every row').to.equal('10\t55\n');
      };
      // A replicated table's mutation reaches system.mutations only once the node has loaded it from ZooKeeper,
      // moments after the ALTER returned: a read in that gap must not be stored either.
      await duringRead('a read right after the ALTER returned');
      await waitUntil('the mutation to show in the writer’s system.mutations', async () => (await onWriter(cluster, pendingMutations)).trim() === '1', {
        timeoutMs: 10_000,
      });
      // Several mutation polls later (mutation_poll_interval_ms is 200 here) it is still in flight.
      await sleep(1_000);
      for (let i = 0; i < 3; i += 1) await duringRead(`read #${i + 1} while the mutation is pending`);
    } finally {
      await systemOnNodes(cluster, cluster.nodes, `SYSTEM START MERGES ${t}`);
    }
    await waitForMutationDone(t);
    const after = await waitUntil(
      'chgate to notice that the mutation finished',
      async () => {
        const response = await q(read);
        return response.cache === 'BYPASS' ? undefined : response;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expectMiss(after, 'the first cached read after the mutation:');
    expect(after.text).to.equal('5\t40\n');
    const again = await q(read);
    expectHit(again, 'after the mutation:');
    expect(again.text).to.equal('5\t40\n');
  }).timeout(120_000);

  it('ALTER UPDATE: once the mutation has finished, the read is fresh', async () => {
    const t = await table('update');
    await seedRows(cluster, t, '(1, 1), (2, 2), (3, 3)', 3);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    expect(await prime(read)).to.equal('3\t6\n');
    await write(`ALTER TABLE ${t} UPDATE v = v * 100 WHERE id = 1`);
    await waitForMutationDone(t);
    const after = await waitUntil(
      'chgate to notice that the mutation finished',
      async () => {
        const response = await q(read);
        return response.cache === 'BYPASS' ? undefined : response;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(after.cache, 'never served from a cached pre-UPDATE entry').to.equal('MISS');
    expect(after.text).to.equal('3\t105\n');
  }).timeout(90_000);

  it('TRUNCATE invalidates', async () => {
    const t = await table('truncate');
    await seedRows(cluster, t, '(1, 1), (2, 2)', 2);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    expect(await prime(read)).to.equal('2\t3\n');
    await write(`TRUNCATE TABLE ${t}`);
    const after = await expectFresh(read);
    expect(after.text).to.equal('0\t0\n');
  });

  it('RENAME invalidates the old and the new names (a swap through a temporary name)', async () => {
    const a = await table('rename_a');
    const b = await table('rename_b');
    const temporary = uniqueTable('rename_tmp');
    tables.add(temporary);
    await seedRows(cluster, a, '(1, 1)', 1);
    await seedRows(cluster, b, '(1, 1), (2, 2), (3, 3)', 3);
    const readA = `SELECT count() FROM ${a}`;
    const readB = `SELECT count() FROM ${bare(b)}`;
    expect(await prime(readA)).to.equal('1\n');
    expect(await prime(readB)).to.equal('3\n');

    const swap = `RENAME TABLE ${a} TO ${temporary}, ${b} TO ${a}, ${temporary} TO ${b}`;
    // RENAME is local to a server: the replicas get it directly (chgate knows nothing of that), the writer through chgate.
    for (const replica of cluster.replicas) await queryNode(replica, swap, cluster.users.admin);
    await write(swap);
    expect((await expectFresh(readA)).text).to.equal('3\n');
    expect((await expectFresh(readB)).text).to.equal('1\n');
  });

  it('EXCHANGE TABLES invalidates both tables (newer servers only)', async function () {
    // EXCHANGE needs an Atomic database, the default since 20.10; 18.16 has neither.
    if (version[0] < 20 || (version[0] === 20 && version[1] < 10)) this.skip();
    const a = await table('exchange_a');
    const b = await table('exchange_b');
    await seedRows(cluster, a, '(1, 1)', 1);
    await seedRows(cluster, b, '(1, 1), (2, 2)', 2);
    const readA = `SELECT count() FROM ${a}`;
    const readB = `SELECT count() FROM ${b}`;
    await prime(readA);
    await prime(readB);
    const exchange = `EXCHANGE TABLES ${a} AND ${b}`;
    for (const replica of cluster.replicas) await queryNode(replica, exchange, cluster.users.admin);
    await write(exchange);
    expect((await expectFresh(readA)).text).to.equal('2\n');
    expect((await expectFresh(readB)).text).to.equal('1\n');
  });

  it('CREATE OR REPLACE TABLE invalidates (newer servers only)', async function () {
    if (version[0] < 20 || (version[0] === 20 && version[1] < 10)) this.skip();
    const t = uniqueTable('replace');
    tables.add(t);
    for (const node of cluster.nodes) {
      await queryNode(node, `CREATE TABLE ${t} ENGINE = MergeTree ORDER BY id AS SELECT number AS id FROM numbers(3)`, cluster.users.admin);
    }
    const read = `SELECT count() FROM ${t}`;
    expect(await prime(read)).to.equal('3\n');
    const replace = `CREATE OR REPLACE TABLE ${t} ENGINE = MergeTree ORDER BY id AS SELECT number AS id FROM numbers(7)`;
    for (const replica of cluster.replicas) await queryNode(replica, replace, cluster.users.admin);
    await write(replace);
    expect((await expectFresh(read)).text).to.equal('7\n');
  });

  it('DROP invalidates: a table re-created behind chgate’s back is read fresh', async () => {
    const t = await table('drop');
    await seedRows(cluster, t, '(1, 1)', 1);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    expect(await prime(read)).to.equal('1\t1\n');
    for (const replica of cluster.replicas) await queryNode(replica, `DROP TABLE ${t}`, cluster.users.admin);
    await write(`DROP TABLE ${t}`);
    // Re-created and filled directly on the nodes: only the DROP's invalidation can make chgate read it again.
    await createReplicated(cluster, t, 'id UInt64, v UInt64', 'id');
    await seedRows(cluster, t, '(1, 5), (2, 5)', 2);
    expect((await expectFresh(read)).text).to.equal('2\t10\n');
  });

  it('OPTIMIZE ... FINAL invalidates (a ReplacingMergeTree collapses its duplicates)', async () => {
    const t = await table('optimize', { engine: 'ReplicatedReplacingMergeTree' });
    await systemOnNodes(cluster, cluster.nodes, `SYSTEM STOP MERGES ${t}`);
    try {
      await seedRows(cluster, t, '(1, 1), (2, 2)', 2);
      await seedRows(cluster, t, '(1, 10), (2, 20)', 4);
      expect(await prime(`SELECT count() FROM ${t}`)).to.equal('4\n');
    } finally {
      await systemOnNodes(cluster, cluster.nodes, `SYSTEM START MERGES ${t}`);
    }
    await write(`OPTIMIZE TABLE ${t} FINAL`);
    expect((await expectFresh(`SELECT count() FROM ${t}`)).text).to.equal('2\n');
  });

  it('after an INSERT, reads of T go to the writer and see the new rows even when every replica lags', async () => {
    const t = await table('lag');
    const u = await table('lag_u');
    await seedRows(cluster, t, '(1, 1)', 1);
    await seedRows(cluster, u, '(1, 1)', 1);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    expect(await prime(read)).to.equal('1\t1\n');
    await systemOnNodes(cluster, cluster.replicas, `SYSTEM STOP FETCHES ${t}`);
    try {
      await write(`INSERT INTO ${t} VALUES (2, 2)`);
      // The lag is real: no replica has the new row.
      for (const replica of cluster.replicas) {
        expect((await queryNode(replica, `SELECT count() FROM ${t}`, cluster.users.admin)).trim(), replica.name).to.equal('1');
      }
      const after = await q(read);
      expectMiss(after, 'read right after the insert:');
      expect(after.text).to.equal('2\t3\n');
      expect(after.upstream).to.equal(cluster.writer.name);
      const uncached = await q(read, { params: { no_cache: 1 } });
      expect(uncached.text).to.equal('2\t3\n');
      expect(uncached.upstream, 'an uncached read in the window goes to the writer too').to.equal(cluster.writer.name);
      const again = await q(read);
      expectHit(again);
      expect(again.text).to.equal('2\t3\n');
      // A table nobody wrote keeps going to the replicas.
      const other = await q(`SELECT count() FROM ${u}`);
      expect(cluster.replicas.map((r) => r.name)).to.include(other.upstream);
    } finally {
      await systemOnNodes(cluster, cluster.replicas, `SYSTEM START FETCHES ${t}`);
    }
  });

  it('a replica still lagging after the window serves its old rows but never stores them; fresh rows are cached once it caught up', async () => {
    // A short window and frequent lag checks: the window runs out while both replicas still lack the write.
    const lagging = await startTestChgate(cluster, {
      editConfig: (yaml) => {
        const document = parse(withCache({ cache: baseCacheBlock({ replica_lag_window_ms: 300 }) })(yaml)) as { clusters: Record<string, Record<string, unknown>> };
        for (const each of Object.values(document.clusters)) each.health = { interval_ms: 200, timeout_ms: 1000 };
        return stringify(document);
      },
    });
    const t = await table('lag_after_window');
    await seedRows(cluster, t, '(1, 1)', 1);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    const viaLagging = (sql: string, options: SendOptions = {}) => send(lagging.url, sql, options);
    try {
      await readsStaleButNeverStores();
      await waitForRowCount(cluster.replicas, t, 2, 30_000);
      // Once a lag check taken after the catch-up says so, a replica's answer is stored again.
      await waitUntil('a fresh read to be cached', async () => {
        const response = await viaLagging(read);
        return response.cache === 'HIT' && response.text === '2\t3\n';
      }, { timeoutMs: 15_000, intervalMs: 200 });
    } finally {
      await lagging.stop();
    }

    async function readsStaleButNeverStores(): Promise<void> {
      expectMiss(await viaLagging(read));
      expectHit(await viaLagging(read));
      await systemOnNodes(cluster, cluster.replicas, `SYSTEM STOP FETCHES ${t}`);
      try {
        const insert = await viaLagging(`INSERT INTO ${t} VALUES (2, 2)`);
        expect(insert.status, insert.text).to.equal(200);
        await sleep(1500);
        // Past the window the read goes to a replica, which still has the old rows: the client gets them (the
        // window is the read-your-writes promise), but they must not be stored under the post-write key.
        for (let i = 0; i < 3; i += 1) {
          const stale = await viaLagging(read);
          expect(cluster.replicas.map((r) => r.name)).to.include(stale.upstream);
          expect(stale.text).to.equal('1\t1\n');
          expectMiss(stale, `read ${i + 1} while the replicas lag:`);
        }
        const metrics = await (await fetch(`${lagging.url}/metrics`)).text();
        expect(metrics).to.match(/^chgate_cache_not_stored_total\{reason="replica-behind"\} [1-9]/m);
      } finally {
        await systemOnNodes(cluster, cluster.replicas, `SYSTEM START FETCHES ${t}`);
      }
    }
  });
});
