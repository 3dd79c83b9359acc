import { expect } from 'chai';
import { Readable } from 'node:stream';
import { createDedupTables, describeTableSql, judgeTable, type TableDescription } from '../../../src/execute/dedup-tables.js';
import type { NodeChoice } from '../../../src/upstream/upstream-cluster.js';
import type { UpstreamNode, UpstreamRequest, UpstreamResponse } from '../../../src/upstream/upstream-node.js';

const replicated: TableDescription = {
  engine: 'ReplicatedMergeTree',
  engine_full: "ReplicatedMergeTree('/clickhouse/tables/t', 'w') ORDER BY id SETTINGS index_granularity = 8192",
  views: '0',
  zookeeper_paths: ['/clickhouse/tables/t'],
  defaults: [],
  server_window: '100',
  insert_deduplicate: '1',
};

describe('judgeTable', () => {
  it('trusts a Replicated*MergeTree table with deduplication on', () => {
    expect(judgeTable(replicated)).to.deep.equal({ deduplicates: true, zookeeperPath: '/clickhouse/tables/t' });
    expect(judgeTable({ ...replicated, engine: 'ReplicatedReplacingMergeTree' }).deduplicates).to.equal(true);
    expect(judgeTable({ ...replicated, defaults: ['toDate(ts)', '0'] }).deduplicates).to.equal(true);
  });

  it('refuses every other engine, and a table it could not find', () => {
    expect(judgeTable(undefined)).to.deep.equal({ deduplicates: false, reason: 'unknown' });
    for (const engine of ['MergeTree', 'ReplacingMergeTree', 'Distributed', 'Memory', 'Log', 'Buffer']) {
      expect(judgeTable({ ...replicated, engine, zookeeper_paths: [] }), engine).to.deep.equal({ deduplicates: false, reason: 'not-replicated' });
    }
    expect(judgeTable({ ...replicated, zookeeper_paths: [] }).deduplicates).to.equal(false);
  });

  it('refuses tables feeding materialized views, and non-deterministic DEFAULT / MATERIALIZED columns', () => {
    expect(judgeTable({ ...replicated, views: '1' })).to.deep.equal({ deduplicates: false, reason: 'materialized-views' });
    expect(judgeTable({ ...replicated, defaults: ['now()'] })).to.deep.equal({ deduplicates: false, reason: 'non-deterministic-default' });
    expect(judgeTable({ ...replicated, defaults: ['generateUUIDv4()'] }).deduplicates).to.equal(false);
  });

  it('refuses when deduplication is off: the table or server window at 0, insert_deduplicate=0 for the user', () => {
    const off = { deduplicates: false, reason: 'deduplication-off' };
    expect(judgeTable({ ...replicated, engine_full: `${replicated.engine_full}, replicated_deduplication_window = 0` })).to.deep.equal(off);
    expect(judgeTable({ ...replicated, server_window: '0' })).to.deep.equal(off);
    // The table's own setting wins over the server's.
    expect(judgeTable({ ...replicated, server_window: '0', engine_full: 'X SETTINGS replicated_deduplication_window = 50' }).deduplicates).to.equal(true);
    expect(judgeTable({ ...replicated, insert_deduplicate: '0' })).to.deep.equal(off);
  });
});

describe('describeTableSql', () => {
  it('quotes names and uses currentDatabase() for an unqualified table', () => {
    const sql = describeTableSql({ database: undefined, table: "o'brien" });
    expect(sql).to.include("database = currentDatabase() AND name = 'o\\'brien'");
    expect(describeTableSql({ database: 'db', table: 't' })).to.include("FROM system.tables WHERE database = 'db' AND name = 't'");
  });
});

/** A node answering the lookup with `answers` in turn (a status and a body, or an error to throw). */
function fakeNode(name: string, answers: Array<[number, string] | Error>): UpstreamNode & { requests: UpstreamRequest[] } {
  const requests: UpstreamRequest[] = [];
  return {
    name,
    role: 'writer',
    url: `http://${name}`,
    weight: 1,
    health: undefined,
    readHeadersTimeoutMs: 1000,
    requests,
    inFlight: () => 0,
    queued: () => 0,
    connectionStats: () => ({ opened: 0, open: 0, peakOpen: 0 }),
    request(request: UpstreamRequest): Promise<UpstreamResponse> {
      requests.push(request);
      const answer = answers.shift() ?? new Error('no more answers');
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({ statusCode: answer[0], headers: {}, body: Readable.from([Buffer.from(answer[1])]) });
    },
    drain: () => Promise.resolve(),
    close: () => Promise.resolve(),
  } as UpstreamNode & { requests: UpstreamRequest[] };
}

const choiceOf = (node: UpstreamNode): NodeChoice => ({ node, credentials: { user: 'w', password: 'p' } });
const row = `${JSON.stringify(replicated)}\n`;

describe('createDedupTables', () => {
  it('asks once per node and table within the TTL, as the INSERT user, and again after it', async () => {
    let now = 1_000;
    const tables = createDedupTables({ ttlMs: 100, timeoutMs: 500, now: () => now });
    const node = fakeNode('w1', [[200, row], [200, row], [200, '']]);
    const target = { database: 'db', table: 't' };
    const [first, second] = await Promise.all([tables.lookUp(choiceOf(node), target), tables.lookUp(choiceOf(node), target)]);
    expect(first).to.deep.equal({ deduplicates: true, zookeeperPath: '/clickhouse/tables/t' });
    expect(second).to.deep.equal(first);
    expect(node.requests).to.have.length(1);
    expect(node.requests[0]?.headers).to.deep.equal({ 'x-clickhouse-user': 'w', 'x-clickhouse-key': 'p' });
    now += 99;
    await tables.lookUp(choiceOf(node), target);
    expect(node.requests).to.have.length(1);
    now += 1;
    await tables.lookUp(choiceOf(node), target);
    expect(node.requests).to.have.length(2);
    // Another table is its own question; a table ClickHouse does not list is unknown.
    expect(await tables.lookUp(choiceOf(node), { database: 'db', table: 'gone' })).to.deep.equal({ deduplicates: false, reason: 'unknown' });
  });

  it('keeps answers per node object', async () => {
    const tables = createDedupTables({ ttlMs: 10_000, timeoutMs: 500 });
    const a = fakeNode('w', [[200, row]]);
    const b = fakeNode('w', [[200, `${JSON.stringify({ ...replicated, engine: 'MergeTree', zookeeper_paths: [] })}\n`]]);
    const target = { database: undefined, table: 't' };
    expect((await tables.lookUp(choiceOf(a), target)).deduplicates).to.equal(true);
    expect((await tables.lookUp(choiceOf(b), target)).deduplicates).to.equal(false);
  });

  it('answers unknown when the lookup fails, and asks again next time', async () => {
    const tables = createDedupTables({ ttlMs: 10_000, timeoutMs: 500 });
    const node = fakeNode('w1', [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), [500, 'Code: 60. DB::Exception: no'], [200, row]]);
    const target = { database: 'db', table: 't' };
    expect(await tables.lookUp(choiceOf(node), target)).to.deep.equal({ deduplicates: false, reason: 'unknown' });
    expect(await tables.lookUp(choiceOf(node), target)).to.deep.equal({ deduplicates: false, reason: 'unknown' });
    expect((await tables.lookUp(choiceOf(node), target)).deduplicates).to.equal(true);
    expect(node.requests).to.have.length(3);
  });

  it('asks again after forget() (DDL through chgate)', async () => {
    const tables = createDedupTables({ ttlMs: 10_000, timeoutMs: 500 });
    const node = fakeNode('w1', [[200, row], [200, '']]);
    const target = { database: 'db', table: 't' };
    expect((await tables.lookUp(choiceOf(node), target)).deduplicates).to.equal(true);
    tables.forget();
    expect((await tables.lookUp(choiceOf(node), target)).deduplicates).to.equal(false);
  });
});
