/**
 * Query rules (issue 6: "a denied rule, a forced route, a TTL rule"), on the real cluster: a deny rule refuses
 * `SELECT *` on one table for one proxy user with a ClickHouse-format 403 before anything runs (nothing in any
 * node's query_log, not even the INSERT before it in the same body) while other users are unaffected; a route rule
 * sends a user's reads to the writer; a cache rule gives one user's reads a short TTL; a settings rule sets
 * max_threads and caps max_result_rows (seen in system.settings as ClickHouse ran the statement); a rewrite rule
 * changes what runs (query_log has the rewritten text). Reproduce by hand with, in the demo's config:
 *   rules: [{ name: no-star, users: [default], tables: [default.table_name], match: '^SELECT \*', deny: 'name the columns' }]
 *   curl -si --data "SELECT * FROM table_name" http://127.0.0.1:8124/    # 403, Code: 497 ... (ACCESS_DENIED)
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { queryNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { baseCacheBlock, createReplicated, dropEverywhere, expectHit, expectMiss, send, sleep, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { findExecutions } from '../helpers/clickhouse-side.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const TTL_MS = 1500;
const APP = { user: 'app', password: 'app-secret' };
const GRAFANA = { user: 'grafana', password: 'grafana-secret' };

describe('query rules', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate | undefined;
  const big = uniqueTable('rules_big');
  const small = uniqueTable('rules_small');
  const routed = uniqueTable('rules_routed');

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const table of [big, small, routed]) await createReplicated(cluster, table, 'id UInt64, v UInt64', 'id');
    await queryNode(cluster.writer, `INSERT INTO ${big} VALUES (1, 10), (2, 20), (3, 30)`, cluster.users.admin);
    await queryNode(cluster.writer, `INSERT INTO ${routed} VALUES (1, 10)`, cluster.users.admin);
    const rules = [
      { name: 'no-star-big', users: ['app'], tables: [big], match: '^SELECT \\*', deny: 'SELECT * on this table is not allowed; name the columns' },
      { name: 'routed-on-writer', users: ['app'], tables: [routed], route: 'writer' },
      { name: 'dashboards', users: ['grafana'], tables: [big], cache: { ttl_ms: TTL_MS } },
      { name: 'legacy-report', users: ['app'], tables: [big], rewrite: { pattern: 'ORDER BY id$', replacement: 'ORDER BY id DESC LIMIT 1' } },
      { name: 'app-limits', users: ['app'], settings: { set: { max_threads: 3 }, cap: { max_result_rows: 1000 } } },
    ];
    const addCache = withCache({ cache: baseCacheBlock(), users: [{ name: APP.user, password: APP.password }, { name: GRAFANA.user, password: GRAFANA.password }] });
    chgate = await startTestChgate(cluster, {
      editConfig: (yaml) => {
        const document = parse(addCache(yaml)) as Record<string, unknown>;
        document.rules = rules;
        return stringify(document);
      },
    });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (cluster) await dropEverywhere(cluster, [big, small, routed]);
  });

  const as = (who: { user: string; password: string } | undefined, sql: string, params: Record<string, string> = {}) =>
    send(chgate!.url, sql, { ...(who ? { user: who.user, password: who.password } : {}), params });
  const ruleMatches = async (rule: string, action: string): Promise<number> => {
    const metric = await chgate!.running.metrics.registry.getSingleMetric('chgate_rule_matches_total')?.get();
    return metric?.values.find((value) => value.labels.rule === rule && value.labels.action === action)?.value ?? 0;
  };
  const countRows = async (table: string): Promise<number> => Number((await queryNode(cluster.writer, `SELECT count() FROM ${table}`, cluster.users.admin)).trim());

  it('denies SELECT * on the table for the app user: 403 in ClickHouse format, nothing run', async () => {
    const before = await ruleMatches('no-star-big', 'deny');
    const queryId = `rules-deny-${randomUUID()}`;
    const denied = await as(APP, `SELECT * FROM ${big}`, { query_id: queryId });
    expect(denied.status).to.equal(403);
    expect(denied.text).to.match(/^Code: 497\. DB::Exception: chgate: denied by rule no-star-big: SELECT \* on this table is not allowed; name the columns\. \(ACCESS_DENIED\)\n$/);
    expect(denied.headers['x-clickhouse-exception-code']).to.equal('497');
    await sleep(500);
    expect(await findExecutions(cluster, queryId, 0)).to.deep.equal([]);
    expect(await ruleMatches('no-star-big', 'deny')).to.equal(before + 1);
  });

  it('refuses a whole body whose later statement is denied: the INSERT before it never runs', async () => {
    const queryId = `rules-deny-body-${randomUUID()}`;
    const denied = await as(APP, `INSERT INTO ${small} VALUES (7, 70); SELECT * FROM ${big}`, { query_id: queryId });
    expect(denied.status).to.equal(403);
    expect(denied.text).to.contain('(ACCESS_DENIED)');
    await sleep(500);
    expect(await findExecutions(cluster, queryId, 0)).to.deep.equal([]);
    expect(await countRows(small)).to.equal(0);
  });

  it('leaves other users, and the app user naming columns, unaffected', async () => {
    for (const who of [undefined, GRAFANA]) {
      const response = await as(who, `SELECT * FROM ${big} ORDER BY id FORMAT TSV`);
      expect(response.status, response.text).to.equal(200);
      expect(response.text).to.equal('1\t10\n2\t20\n3\t30\n');
    }
    const named = await as(APP, `SELECT id, v FROM ${big} WHERE id = 2 FORMAT TSV`);
    expect(named.status, named.text).to.equal(200);
    expect(named.text).to.equal('2\t20\n');
  });

  it('forces the app user\'s reads of a table to the writer, as the read user', async () => {
    const sql = `SELECT id, v FROM ${routed} FORMAT TSV`;
    const forcedId = `rules-route-${randomUUID()}`;
    const forced = await as(APP, sql, { query_id: forcedId, no_cache: '1' });
    expect(forced.status, forced.text).to.equal(200);
    expect(forced.text).to.equal('1\t10\n');
    expect(forced.upstream).to.equal(cluster.writer.name);
    const [ran, ...more] = await findExecutions(cluster, forcedId);
    expect(more).to.deep.equal([]);
    expect(ran?.node).to.equal(cluster.writer.name);
    expect(ran?.user).to.equal(cluster.users.reader.user);

    // Without the rule the same read goes to a replica.
    const plainId = `rules-route-plain-${randomUUID()}`;
    const plain = await as(undefined, sql, { query_id: plainId, no_cache: '1' });
    expect(plain.status, plain.text).to.equal(200);
    const [plainRan] = await findExecutions(cluster, plainId);
    expect(cluster.replicas.map((node) => node.name)).to.include(plainRan?.node);
    expect(await ruleMatches('routed-on-writer', 'route')).to.be.greaterThan(0);
  });

  it('caches a dashboard user\'s reads for the rule\'s ttl_ms only; the default TTL for others', async () => {
    const sql = `SELECT id, v, 'ttl' FROM ${big} ORDER BY id FORMAT TSV`;
    expectMiss(await as(GRAFANA, sql), 'grafana first');
    expectMiss(await as(undefined, sql), 'default first');
    expectHit(await as(GRAFANA, sql), 'grafana within the TTL');
    await sleep(TTL_MS + 300);
    expectMiss(await as(GRAFANA, sql), 'grafana after the rule TTL');
    expectHit(await as(undefined, sql), 'default: the default TTL still holds');
    expect(await ruleMatches('dashboards', 'cache')).to.be.greaterThan(0);
  });

  it('sets max_threads and caps max_result_rows for the app user, as ClickHouse ran the statement', async () => {
    const sql = "SELECT name, value FROM system.settings WHERE name IN ('max_threads', 'max_result_rows') ORDER BY name FORMAT TSV";
    const over = await as(APP, sql, { max_result_rows: '5000', max_threads: '1' });
    expect(over.status, over.text).to.equal(200);
    expect(over.text).to.equal('max_result_rows\t1000\nmax_threads\t3\n');
    const under = await as(APP, sql, { max_result_rows: '10' });
    expect(under.text).to.equal('max_result_rows\t10\nmax_threads\t3\n');
    const other = await as(undefined, sql, { max_result_rows: '5000' });
    expect(other.text).to.match(/^max_result_rows\t5000\nmax_threads\t(?!3\n)/);
  });

  it('refuses a statement of the app user that lifts the cap in its own SETTINGS clause (it would win in ClickHouse)', async () => {
    const queryId = `rules-cap-${randomUUID()}`;
    const refused = await as(APP, `SELECT id FROM ${small} SETTINGS max_result_rows = 0`, { query_id: queryId });
    expect(refused.status).to.equal(403);
    expect(refused.text).to.match(/^Code: 497\. DB::Exception: chgate: rule app-limits caps max_result_rows: .* \(ACCESS_DENIED\)\n$/);
    await sleep(300);
    expect(await findExecutions(cluster, queryId, 0)).to.deep.equal([]);
    const other = await as(undefined, `SELECT id FROM ${small} SETTINGS max_result_rows = 0`);
    expect(other.status, other.text).to.equal(200);
  });

  it('rewrites the app user\'s statement: the rewritten SQL is what runs', async () => {
    const queryId = `rules-rewrite-${randomUUID()}`;
    const rewritten = await as(APP, `select id, v\n  from ${big}   order by id`, { query_id: queryId, default_format: 'TSV' });
    expect(rewritten.status, rewritten.text).to.equal(200);
    expect(rewritten.text).to.equal('3\t30\n');
    const [ran] = await findExecutions(cluster, queryId);
    expect(ran?.query).to.contain('ORDER BY id DESC LIMIT 1');
    const other = await as(undefined, `select id, v from ${big} order by id`, { default_format: 'TSV' });
    expect(other.text).to.equal('1\t10\n2\t20\n3\t30\n');
    expect(await ruleMatches('legacy-report', 'rewrite')).to.be.greaterThan(0);
  });
});
