/**
 * What the query cache serves, to whom, and what it refuses to store (issue 4), on a real cluster: a repeated read
 * is a HIT that never reaches ClickHouse (query_log) with the same bytes and headers; keys cover format, settings,
 * params and compression but not layout; non-deterministic, bypassed and multi-statement requests are never cached;
 * users do not share entries unless grouped; oversized and failed-after-streaming responses are not stored;
 * identical concurrent misses run once; the admin purge endpoint. Reproduce by hand with the demo running (cache on):
 *   curl -si --data "SELECT count() FROM table_name" http://127.0.0.1:8124/ | grep -i -e x-cache -e age   # MISS
 *   curl -si --data "SELECT count() FROM table_name" http://127.0.0.1:8124/ | grep -i -e x-cache -e age   # HIT, Age
 *   curl -si --data "SELECT now()" http://127.0.0.1:8124/ | grep -i x-cache                            # BYPASS
 *   curl -si -X POST -u admin:secret 'http://127.0.0.1:8124/admin/cache/purge?table=default.table_name'
 */
import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import {
  baseCacheBlock,
  countExecutions,
  createReplicated,
  describeResponse,
  dropEverywhere,
  expectBypass,
  expectHit,
  expectMiss,
  expectNeverExecuted,
  expectSameClickHouseHeaders,
  newQueryId,
  seedRows,
  send,
  serverVersion,
  uniqueTable,
  waitForExecutions,
  withCache,
  type SendOptions,
} from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const MAX_ENTRY_BYTES = 8 * 1024 * 1024;
const USERS = {
  alice: { name: 'cache_alice', password: 'alice-secret' },
  bob: { name: 'cache_bob', password: 'bob-secret' },
  grafana: { name: 'grafana', password: 'grafana-secret' },
  metabase: { name: 'metabase', password: 'metabase-secret' },
  admin: { name: 'cache_admin', password: 'admin-secret', admin: true },
} as const;

describe('query cache: hits, keys, bypasses, limits', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let version: [number, number];
  const tables = new Set<string>();

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    version = await serverVersion(cluster);
    chgate = await startTestChgate(cluster, {
      editConfig: withCache({
        cache: baseCacheBlock({ max_entry_bytes: MAX_ENTRY_BYTES, shared_groups: { dashboards: [USERS.grafana.name, USERS.metabase.name] } }),
        users: Object.values(USERS),
      }),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (cluster) await dropEverywhere(cluster, tables);
  });

  const q = (sql: string, options: SendOptions = {}) => send(chgate.url, sql, options);

  // A HIT that did not come is explained by why the MISS before it was not stored: say it in the output.
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !chgate) return;
    const metrics = await (await fetch(`${chgate.url}/metrics`)).text();
    const wanted = /^chgate_(cache_not_stored_total|cache_invalidations_total|upstream_node_state|upstream_replica_lag_seconds|cache_requests_total)\b/;
    console.log(`      chgate's metrics after the failure:\n${metrics.split('\n').filter((line) => wanted.test(line) && !line.endsWith(' 0')).map((line) => `        ${line}`).join('\n')}`);
  });
  const as = (user: { name: string; password: string }): SendOptions => ({ user: user.name, password: user.password });

  /** A replicated (id UInt64, v UInt64) table with rows (1, 10), (2, 20), (3, 30) on every node. */
  async function seededTable(what: string): Promise<string> {
    const name = uniqueTable(what);
    tables.add(name);
    await createReplicated(cluster, name, 'id UInt64, v UInt64', 'id');
    await seedRows(cluster, name, '(1, 10), (2, 20), (3, 30)', 3);
    return name;
  }

  /** Sends `sql` with no_cache=1 and its own query id: a query that surely runs, for expectNeverExecuted. */
  const control = (sql: string, options: SendOptions = {}) => async () => {
    const queryId = newQueryId('control');
    const response = await q(sql, { ...options, params: { ...options.params, no_cache: 1, query_id: queryId } });
    expect(response.status, describeResponse(response)).to.equal(200);
    return queryId;
  };

  describe('hits', () => {
    it('serves a repeated read from the cache without reaching ClickHouse, same bytes and headers', async () => {
      const t = await seededTable('repeat');
      const sql = `SELECT id, v FROM ${t} ORDER BY id`;
      const missId = newQueryId('miss');
      const miss = await q(sql, { params: { query_id: missId } });
      expectMiss(miss);
      expect(miss.text).to.equal('1\t10\n2\t20\n3\t30\n');
      expect(cluster.replicas.map((r) => r.name)).to.include(miss.upstream);
      expect(await waitForExecutions(cluster, [missId], 1), 'the miss ran on ClickHouse').to.equal(1);

      const hitId = newQueryId('hit');
      const hit = await q(sql, { params: { query_id: hitId } });
      expectHit(hit);
      expect(hit.body.equals(miss.body), 'identical body bytes').to.equal(true);
      expectSameClickHouseHeaders(hit, miss);
      expect(hit.headers['x-clickhouse-query-id'], 'a hit answers with its own query id').to.equal(hitId);
      await expectNeverExecuted(cluster, hitId, control(sql));
    });

    it('hits for GET as well as POST of the same query (GET is read-only in ClickHouse either way)', async () => {
      const t = await seededTable('get');
      const sql = `SELECT sum(v) FROM ${t}`;
      expectMiss(await q(sql, { method: 'GET' }));
      const hit = await q(sql, { method: 'GET' });
      expectHit(hit);
      expect(hit.text).to.equal('60\n');
    });
  });

  describe('fast path', () => {
    const fastHits = async (): Promise<number> => {
      const text = await (await fetch(`${chgate.url}/metrics`)).text();
      return Number(/^chgate_cache_fast_hits_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    };

    it('answers a request seen before without deciding anew: same bytes and headers, its own query id, no ClickHouse', async () => {
      const t = await seededTable('fast');
      const sql = `SELECT id, v FROM ${t} ORDER BY id`;
      const miss = await q(sql, as(USERS.alice));
      expectMiss(miss);
      expectHit(await q(sql, as(USERS.alice)), 'second (full path):');
      const before = await fastHits();
      const hitId = newQueryId('fast');
      const hit = await q(sql, { ...as(USERS.alice), params: { query_id: hitId } });
      expectHit(hit, 'third (fast path):');
      expect(await fastHits(), 'served by the fast path').to.equal(before + 1);
      expect(hit.body.equals(miss.body)).to.equal(true);
      expectSameClickHouseHeaders(hit, miss);
      expect(hit.headers['x-clickhouse-query-id']).to.equal(hitId);
      expect(hit.headers['x-chgate-route']).to.equal('read');
      await expectNeverExecuted(cluster, hitId, control(sql, as(USERS.alice)));
      // The same bytes from another user are another request: bob is not served alice's entry.
      expectMiss(await q(sql, as(USERS.bob)), 'bob:');
    });

    it('a write through chgate turns the next fast-path request into a MISS with the new rows', async () => {
      const t = await seededTable('fastwrite');
      const sql = `SELECT count(), sum(v) FROM ${t}`;
      expectMiss(await q(sql));
      expectHit(await q(sql));
      const before = await fastHits();
      expectHit(await q(sql));
      expect(await fastHits()).to.equal(before + 1);
      const insert = await q(`INSERT INTO ${t} VALUES (4, 40)`);
      expect(insert.status, describeResponse(insert)).to.equal(200);
      const after = await q(sql);
      expectMiss(after, 'after the INSERT:');
      expect(after.text).to.equal('4\t100\n');
      for (let i = 0; i < 3; i += 1) {
        const again = await q(sql);
        expectHit(again);
        expect(again.text).to.equal('4\t100\n');
      }
    });

    it('serves GET requests and ignores only query_id among the parameters', async () => {
      const t = await seededTable('fastget');
      const sql = `SELECT sum(v) FROM ${t}`;
      expectMiss(await q(sql, { method: 'GET', params: { query_id: newQueryId('g1') } }));
      expectHit(await q(sql, { method: 'GET', params: { query_id: newQueryId('g2') } }));
      const before = await fastHits();
      const hit = await q(sql, { method: 'GET', params: { query_id: newQueryId('g3') } });
      expectHit(hit);
      expect(hit.text).to.equal('60\n');
      expect(await fastHits()).to.equal(before + 1);
      expectMiss(await q(sql, { method: 'GET', params: { max_threads: 1 } }), 'another setting:');
    });
  });

  describe('keys', () => {
    it('whitespace, comments and keyword case reach the same entry; a different literal does not', async () => {
      const t = await seededTable('layout');
      const first = await q(`SELECT count(), sum(v) FROM ${t} WHERE id > 1`);
      expectMiss(first);
      for (const variant of [
        `select   count(),\n\tsum(v)\nfrom ${t}   where id > 1`,
        `/* dashboard 7 */ SELECT count(), sum(v) FROM ${t} WHERE id > 1 -- trailing comment`,
        `SeLeCt count(), sum(v) FrOm ${t} WhErE id > 1`,
      ]) {
        const response = await q(variant);
        expectHit(response, JSON.stringify(variant));
        expect(response.body.equals(first.body)).to.equal(true);
      }
      expectMiss(await q(`SELECT count(), sum(v) FROM ${t} WHERE id > 2`), 'another literal:');
      expectMiss(await q("SELECT 'a  b'"), 'string literal:');
      const spaced = await q("SELECT 'a b'");
      expectMiss(spaced, 'whitespace inside a string literal is data:');
      expect(spaced.text).to.equal('a b\n');
    });

    it('default_format and a FORMAT clause give separate entries, each replaying its own Content-Type', async () => {
      const t = await seededTable('format');
      const sql = `SELECT id, v FROM ${t} ORDER BY id`;
      const variants: Array<[string, SendOptions, string]> = [
        [sql, {}, '1\t10\n2\t20\n3\t30\n'],
        [sql, { params: { default_format: 'JSONEachRow' } }, '{"id":"1","v":"10"}\n{"id":"2","v":"20"}\n{"id":"3","v":"30"}\n'],
        [`${sql} FORMAT CSV`, {}, '1,10\n2,20\n3,30\n'],
        [sql, { params: { default_format: 'CSVWithNames' } }, '"id","v"\n1,10\n2,20\n3,30\n'],
      ];
      const misses = [];
      for (const [text, options, expected] of variants) {
        const miss = await q(text, options);
        expectMiss(miss, `${text} ${JSON.stringify(options)}:`);
        // JSON quotes 64-bit integers on 18.16 (newer servers may not): compare numbers loosely there.
        expect(miss.text.replace(/"(\d+)"/g, '$1')).to.equal(expected.replace(/"(\d+)"/g, '$1'));
        misses.push(miss);
      }
      for (const [i, [text, options]] of variants.entries()) {
        const hit = await q(text, options);
        expectHit(hit, `${text} ${JSON.stringify(options)}:`);
        expect(hit.body.equals(misses[i]!.body)).to.equal(true);
        expectSameClickHouseHeaders(hit, misses[i]!);
      }
    });

    it('settings that change results are part of the key (max_result_rows + break, extremes)', async () => {
      const sql = 'SELECT number FROM numbers(100)';
      const base = { max_block_size: 10 };
      const full = await q(sql, { params: base });
      expectMiss(full);
      expect(full.text.trim().split('\n')).to.have.length(100);
      const truncated = await q(sql, { params: { ...base, max_result_rows: 10, result_overflow_mode: 'break' } });
      expectMiss(truncated, 'with max_result_rows:');
      expect(truncated.text.trim().split('\n').length).to.be.lessThan(100);
      const extremes = await q(sql, { params: { ...base, extremes: 1 } });
      expectMiss(extremes, 'with extremes=1:');
      expect(extremes.text).to.not.equal(full.text);

      const hitFull = await q(sql, { params: base });
      expectHit(hitFull);
      expect(hitFull.text).to.equal(full.text);
      const hitTruncated = await q(sql, { params: { result_overflow_mode: 'break', max_result_rows: 10, ...base } });
      expectHit(hitTruncated, 'the same settings in another order:');
      expect(hitTruncated.text).to.equal(truncated.text);
    });

    it('param_* values give separate entries (servers with query parameters only)', async function () {
      // Query parameters ({name:Type} and param_name=) came with 19.15; 18.16 refuses param_* as unknown settings.
      if (version[0] < 19 || (version[0] === 19 && version[1] < 15)) this.skip();
      const sql = 'SELECT {p:UInt32} * 2';
      const one = await q(sql, { params: { param_p: 1 } });
      expectMiss(one);
      expect(one.text).to.equal('2\n');
      const two = await q(sql, { params: { param_p: 2 } });
      expectMiss(two, 'another param value:');
      expect(two.text).to.equal('4\n');
      expect((await q(sql, { params: { param_p: 1 } })).text).to.equal('2\n');
      expectHit(await q(sql, { params: { param_p: 2 } }));
    });

    it('enable_http_compression=1 with Accept-Encoding: gzip is its own entry, replayed compressed', async () => {
      const t = await seededTable('gzip');
      const sql = `SELECT id, v FROM ${t} ORDER BY id`;
      const gzip: SendOptions = { params: { enable_http_compression: 1 }, headers: { 'accept-encoding': 'gzip' } };
      const plain = await q(sql);
      expectMiss(plain);
      const compressed = await q(sql, gzip);
      expectMiss(compressed, 'gzip:');
      expect(compressed.headers['content-encoding']).to.equal('gzip');
      expect(gunzipSync(compressed.body).equals(plain.body)).to.equal(true);

      const hitCompressed = await q(sql, gzip);
      expectHit(hitCompressed, 'gzip:');
      expect(hitCompressed.headers['content-encoding']).to.equal('gzip');
      expect(hitCompressed.body.equals(compressed.body)).to.equal(true);
      const hitPlain = await q(sql);
      expectHit(hitPlain, 'plain:');
      expect(hitPlain.headers['content-encoding']).to.equal(undefined);
      expect(hitPlain.body.equals(plain.body)).to.equal(true);
    });
  });

  describe('bypasses', () => {
    it('never caches SELECT now() or a system table', async () => {
      for (const sql of ['SELECT now()', 'SELECT name FROM system.databases ORDER BY name']) {
        const ids = [newQueryId('now'), newQueryId('now')];
        for (const queryId of ids) expectBypass(await q(sql, { params: { query_id: queryId } }), 'not-cacheable', sql);
        expect(await waitForExecutions(cluster, ids, 2), `${sql} ran every time`).to.equal(2);
      }
    });

    it('no_cache=1 bypasses, is not forwarded to ClickHouse, and stores nothing', async () => {
      const t = await seededTable('no_cache');
      const sql = `SELECT count(), sum(v) FROM ${t}`;
      const firstId = newQueryId('no-cache');
      // ClickHouse would refuse an unknown setting `no_cache` (code 115): a 200 shows it was not forwarded.
      const bypassed = await q(sql, { params: { no_cache: 1, query_id: firstId } });
      expectBypass(bypassed, 'no-cache-param');
      expect(bypassed.text).to.equal('3\t60\n');
      expectMiss(await q(sql), 'after a bypass (it stored nothing):');
      expectHit(await q(sql));
      const secondId = newQueryId('no-cache');
      expectBypass(await q(sql, { params: { no_cache: 1, query_id: secondId } }), 'no-cache-param', 'with an entry present:');
      expect(await waitForExecutions(cluster, [firstId, secondId], 2), 'both no_cache requests ran').to.equal(2);
    });

    it('does not cache a multi-statement body, a body with a write, or a request with session_id', async () => {
      const t = await seededTable('multi');
      for (let i = 0; i < 2; i += 1) {
        const multi = await q(`SELECT count() FROM ${t}; SELECT sum(v) FROM ${t}`);
        expectBypass(multi, 'multi-statement', `multi-statement #${i + 1}:`);
        expect(multi.text).to.equal('3\n60\n');
      }
      const withWrite = await q(`INSERT INTO ${t} VALUES (4, 40); SELECT count() FROM ${t}`);
      expectBypass(withWrite, 'write-in-body');
      const session = { params: { session_id: `cache-test-${randomInt(1e9)}` } };
      for (let i = 0; i < 2; i += 1) expectBypass(await q(`SELECT sum(v) FROM ${t}`, session), 'http-session');
    });
  });

  describe('users', () => {
    it('users A and B do not share entries', async () => {
      const t = await seededTable('users');
      const sql = `SELECT count(), sum(v) FROM ${t}`;
      expectMiss(await q(sql, as(USERS.alice)), 'alice:');
      expectHit(await q(sql, as(USERS.alice)), 'alice again:');
      const bobId = newQueryId('bob');
      expectMiss(await q(sql, { ...as(USERS.bob), params: { query_id: bobId } }), 'bob after alice:');
      expect(await waitForExecutions(cluster, [bobId], 1), "bob's read ran on ClickHouse").to.equal(1);
      expectMiss(await q(sql), 'default after alice and bob:');
      expectHit(await q(sql, as(USERS.bob)), 'bob again:');
    });

    it('two users of one shared group do share entries', async () => {
      const t = await seededTable('group');
      const sql = `SELECT count(), sum(v) FROM ${t}`;
      const miss = await q(sql, as(USERS.grafana));
      expectMiss(miss, 'grafana:');
      const hitId = newQueryId('metabase');
      const hit = await q(sql, { ...as(USERS.metabase), params: { query_id: hitId } });
      expectHit(hit, 'metabase after grafana:');
      expect(hit.body.equals(miss.body)).to.equal(true);
      await expectNeverExecuted(cluster, hitId, control(sql, as(USERS.metabase)));
      expectMiss(await q(sql, as(USERS.alice)), 'a user outside the group:');
    });
  });

  describe('what is never stored', () => {
    it('a result over max_entry_bytes streams whole and is not stored; a smaller one is', async () => {
      const expected = (rows: number) => {
        const lines: string[] = [];
        for (let i = 0; i < rows; i += 1) lines.push(`${i}\t${i}\n`);
        return Buffer.from(lines.join(''));
      };
      const small = 'SELECT number, toString(number) FROM numbers(200000)';
      const smallBody = expected(200_000);
      expect(smallBody.length).to.be.within(1024 * 1024, MAX_ENTRY_BYTES);
      const smallMiss = await q(small);
      expectMiss(smallMiss);
      expect(smallMiss.body.equals(smallBody)).to.equal(true);
      const smallHit = await q(small);
      expectHit(smallHit, 'a 2.5 MB result under the limit:');
      expect(smallHit.body.equals(smallBody)).to.equal(true);

      const big = 'SELECT number, toString(number) FROM numbers(1000000)';
      const bigBody = expected(1_000_000);
      expect(bigBody.length).to.be.greaterThan(MAX_ENTRY_BYTES);
      for (let i = 0; i < 2; i += 1) {
        const queryId = newQueryId('big');
        const response = await q(big, { params: { query_id: queryId } });
        expectMiss(response, `over the limit, request #${i + 1}:`);
        expect(response.body.length).to.equal(bigBody.length);
        expect(response.body.equals(bigBody), 'the whole result, byte for byte').to.equal(true);
        expect(await waitForExecutions(cluster, [queryId], 1), 'ran on ClickHouse').to.equal(1);
      }
    });

    it('a 200 response that ends in a ClickHouse exception is not stored; the same size without one is', async () => {
      const failing = 'SELECT number, throwIf(number = 300000) FROM numbers(400000) SETTINGS max_block_size = 65536';
      for (let i = 0; i < 2; i += 1) {
        const queryId = newQueryId('throw');
        const response = await q(failing, { params: { query_id: queryId } });
        expect(response.status, describeResponse(response)).to.equal(200);
        expect(response.body.length, 'streamed before failing').to.be.greaterThan(1024 * 1024);
        expect(response.body.length).to.be.lessThan(MAX_ENTRY_BYTES);
        expect(response.text).to.match(/Code: 395[.,] [^\n]*DB::Exception[^\n]*\n$/);
        expect(response.cache, `request #${i + 1}: ${describeResponse(response)}`).to.not.equal('HIT');
        expect(await waitForExecutions(cluster, [queryId], 1), `request #${i + 1} ran on ClickHouse`).to.equal(1);
      }
      const succeeding = 'SELECT number, throwIf(number = 99999999) FROM numbers(400000) SETTINGS max_block_size = 65536';
      const miss = await q(succeeding);
      expectMiss(miss);
      const hit = await q(succeeding);
      expectHit(hit, 'the same query without the exception:');
      expect(hit.body.equals(miss.body)).to.equal(true);
    });
  });

  describe('single flight', () => {
    it('identical concurrent misses run once on ClickHouse and all get the same bytes', async () => {
      // About a second of CPU on one node; sleep() would be simpler but is rightly not cacheable.
      const sql = `SELECT sum(cityHash64(number)) FROM numbers(${300_000_000 + randomInt(1_000_000)})`;
      const ids = Array.from({ length: 6 }, () => newQueryId('flight'));
      const started = Date.now();
      const responses = await Promise.all(ids.map((queryId) => q(sql, { params: { query_id: queryId } })));
      const elapsed = Date.now() - started;
      for (const response of responses) {
        expect(response.status, describeResponse(response)).to.equal(200);
        expect(response.cache, describeResponse(response)).to.be.oneOf(['MISS', 'HIT']);
        expect(response.body.equals(responses[0]!.body)).to.equal(true);
      }
      expect(responses[0]!.text).to.match(/^\d+\n$/);
      // Give every query that did run time to be logged before counting.
      await waitForExecutions(cluster, ids, ids.length, 3_000);
      expect(await countExecutions(cluster, ids), `executions in query_log (all answered in ${elapsed} ms)`).to.equal(1);
      expectHit(await q(sql), 'afterwards:');
    });
  });

  describe('admin purge', () => {
    const purge = (table: string | undefined, options: SendOptions) =>
      send(chgate.url, '', { ...options, path: '/admin/cache/purge', params: table === undefined ? {} : { table } });

    it('needs valid credentials (401) of an admin user (403)', async () => {
      const noCredentials = await purge(undefined, {});
      // Without credentials ClickHouse clients are `default`, which here is a user without admin: 403 or 401.
      expect(noCredentials.status, noCredentials.text).to.be.oneOf([401, 403]);
      const wrongPassword = await purge(undefined, { user: USERS.admin.name, password: 'not-the-password' });
      expect(wrongPassword.status, wrongPassword.text).to.equal(401);
      const unknownUser = await purge(undefined, { user: 'nobody_here', password: 'x' });
      expect(unknownUser.status, unknownUser.text).to.equal(401);
      const notAdmin = await purge(undefined, as(USERS.alice));
      expect(notAdmin.status, notAdmin.text).to.equal(403);
      const notAdminBasic = await purge(undefined, { basic: { user: USERS.alice.name, password: USERS.alice.password } });
      expect(notAdminBasic.status, notAdminBasic.text).to.equal(403);
    });

    it('purging T makes reads of T a MISS while U stays a HIT; purging all empties everything', async () => {
      const t = await seededTable('purge_t');
      const u = await seededTable('purge_u');
      const readT = `SELECT count(), sum(v) FROM ${t}`;
      const readU = `SELECT count(), sum(v) FROM ${u}`;
      for (const sql of [readT, readU]) {
        expectMiss(await q(sql));
        expectHit(await q(sql));
      }
      const purged = await purge(t, as(USERS.admin));
      expect(purged.status, purged.text).to.equal(200);
      expect(String(purged.headers['content-type'])).to.match(/json/);
      expect(() => JSON.parse(purged.text) as unknown).to.not.throw();
      expectMiss(await q(readT), 'T after purging T:');
      expectHit(await q(readU), 'U after purging T:');

      const all = await purge(undefined, { basic: { user: USERS.admin.name, password: USERS.admin.password } });
      expect(all.status, all.text).to.equal(200);
      expect(() => JSON.parse(all.text) as unknown).to.not.throw();
      expectMiss(await q(readT), 'T after purging all:');
      expectMiss(await q(readU), 'U after purging all:');
    });
  });
});
