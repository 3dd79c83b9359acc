/**
 * Per-rule cache overrides (issue 4: "non-deterministic queries are not cached by default; per-rule overrides (a
 * short TTL for dashboards with now()) in config"), on a real cluster: SELECT now() is a BYPASS without a rule; a
 * cache_non_deterministic rule caches it for its ttl_ms only (HIT with the same bytes, then a MISS); a read of a
 * system table stays a BYPASS under that rule; a no_cache rule bypasses an otherwise cacheable read (reason
 * `rule`); a ttl_ms rule expires an ordinary read. Reproduce by hand with a rule in the demo's config:
 *   cache: { rules: [{ name: dashboards, match: now, cache_non_deterministic: true, ttl_ms: 1500 }] }
 *   curl -si --data "SELECT now()" http://127.0.0.1:8124/ | grep -i x-cache    # MISS, then HIT for 1.5 s
 */
import { expect } from 'chai';
import { type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import {
  baseCacheBlock,
  createReplicated,
  dropEverywhere,
  expectBypass,
  expectHit,
  expectMiss,
  seedRows,
  send,
  sleep,
  uniqueTable,
  withCache,
} from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const RULE_TTL_MS = 1500;

describe('query cache rules', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let withoutRules: TestChgate | undefined;
  let withRules: TestChgate | undefined;
  const freshTable = uniqueTable('rule_fresh');
  const shortTable = uniqueTable('rule_short');

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const table of [freshTable, shortTable]) {
      await createReplicated(cluster, table, 'id UInt64, v UInt64', 'id');
      await seedRows(cluster, table, '(1, 10), (2, 20), (3, 30)', 3);
    }
    withoutRules = await startTestChgate(cluster, { editConfig: withCache({ cache: baseCacheBlock() }) });
    withRules = await startTestChgate(cluster, {
      editConfig: withCache({
        cache: baseCacheBlock({
          rules: [
            { name: 'fresh', tables: [freshTable], no_cache: true },
            { name: 'dashboards', match: 'now', cache_non_deterministic: true, ttl_ms: RULE_TTL_MS },
            { name: 'short', tables: [shortTable], ttl_ms: RULE_TTL_MS },
          ],
        }),
      }),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await withoutRules?.stop();
    await withRules?.stop();
    if (cluster) await dropEverywhere(cluster, [freshTable, shortTable]);
  });

  const plain = (sql: string) => send(withoutRules!.url, sql);
  const ruled = (sql: string) => send(withRules!.url, sql);

  it('never caches SELECT now() without a rule', async () => {
    expectBypass(await plain('SELECT now()'), 'not-cacheable');
    expectBypass(await plain('SELECT now()'), 'not-cacheable');
  });

  it('caches SELECT now() under a cache_non_deterministic rule for its ttl_ms only', async () => {
    // rand() differs on every run: an identical body can only come from the cache.
    const sql = 'SELECT now(), rand()';
    const miss = await ruled(sql);
    expectMiss(miss, 'first read');
    await sleep(RULE_TTL_MS / 2);
    const hit = await ruled(sql);
    expectHit(hit, 'within the rule TTL');
    expect(hit.body.equals(miss.body), 'the hit replays the miss byte for byte').to.equal(true);
    await sleep(RULE_TTL_MS);
    const expired = await ruled(sql);
    expectMiss(expired, 'after the rule TTL');
    expect(expired.text, 'a fresh rand() after the TTL').to.not.equal(miss.text);
  });

  it('caches the plain SELECT now() too, and keeps system-table reads out even under the rule', async () => {
    expectMiss(await ruled('SELECT now()'));
    expectHit(await ruled('SELECT now()'));
    expectBypass(await ruled('SELECT now() FROM system.one'), 'not-cacheable');
    expectBypass(await ruled('SELECT now() FROM system.one'), 'not-cacheable');
  });

  it('bypasses an otherwise cacheable read matched by a no_cache rule, with reason rule', async () => {
    const sql = `SELECT sum(v) FROM ${freshTable}`;
    expectMiss(await plain(sql), 'cacheable without the rule');
    for (let i = 0; i < 2; i += 1) {
      const response = await ruled(sql);
      expectBypass(response, 'rule');
      expect(response.text).to.equal('60\n');
    }
  });

  it('expires an ordinary read after a ttl_ms rule', async () => {
    const sql = `SELECT id, v FROM ${shortTable} ORDER BY id`;
    const miss = await ruled(sql);
    expectMiss(miss);
    expect(miss.text).to.equal('1\t10\n2\t20\n3\t30\n');
    expectHit(await ruled(sql), 'within the rule TTL');
    await sleep(RULE_TTL_MS + 100);
    expectMiss(await ruled(sql), 'after the rule TTL');
    // The same read without the rule keeps the default TTL.
    expectMiss(await plain(sql));
    await sleep(RULE_TTL_MS + 100);
    expectHit(await plain(sql), 'default TTL');
  });
});
