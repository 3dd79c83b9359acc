/**
 * Randomized consistency of the query cache (issue 4): for at least 30 s, concurrent clients send a random mix of
 * INSERTs into three replicated tables and cached reads (count/sum of one table, a JOIN of two, a UNION ALL of two)
 * through one chgate with the default sqlite store. Every read must reflect at least every INSERT chgate had
 * acknowledged before the read began, and at most what had been sent by the time it returned. Zero stale reads;
 * the run must have hit the cache, or it proves nothing. Longer runs: CHGATE_CACHE_CONSISTENCY_SECONDS=120.
 * Reproduce the core of it by hand with the demo running (cache on):
 *   curl --data "SELECT count(), sum(v) FROM t" :8124 &  curl --data "INSERT INTO t VALUES (1, 5)" :8124; wait
 *   curl --data "SELECT count(), sum(v) FROM t" :8124     # must include the acknowledged insert
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { baseCacheBlock, createReplicated, describeResponse, dropEverywhere, send, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const DURATION_MS = Number(process.env.CHGATE_CACHE_CONSISTENCY_SECONDS ?? 30) * 1000;
const CLIENTS = 8;
const WRITE_PROBABILITY = 0.15;

/** What has been sent and what chgate has acknowledged, per table: lower and upper bounds for any read. */
interface TableState {
  name: string;
  sentCount: number;
  sentSum: number;
  ackedCount: number;
  ackedSum: number;
}

interface Totals {
  /** Count and sum per table: the bounds a read's answer must lie in. */
  count: number;
  sum: number;
}

interface ReadKind {
  label: string;
  tables: TableState[];
  sql: string;
  /** The response text → count and sum per table, in `tables` order; undefined when it cannot be parsed. */
  parse(text: string): Totals[] | undefined;
}

const numbersOf = (line: string | undefined): number[] => (line ?? '').split('\t').map(Number);

describe('query cache: randomized consistency under concurrent writes', function () {
  this.timeout(DURATION_MS + 120_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let directory: string;
  const tables: TableState[] = [];

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const what of ['random_a', 'random_b', 'random_c']) {
      const name = uniqueTable(what);
      tables.push({ name, sentCount: 0, sentSum: 0, ackedCount: 0, ackedSum: 0 });
      await createReplicated(cluster, name, 'id UInt64, v UInt64', 'id');
    }
    directory = mkdtempSync(join(tmpdir(), 'chgate-cache-consistency-'));
    chgate = await startTestChgate(cluster, {
      connectionsPerNode: 32,
      editConfig: withCache({ cache: baseCacheBlock({ store: { kind: 'sqlite', path: join(directory, 'cache.sqlite') } }) }),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    if (cluster) await dropEverywhere(cluster, tables.map((t) => t.name));
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('never serves a read older than the writes acknowledged before it began', async () => {
    const [a, b, c] = tables as [TableState, TableState, TableState];
    const bare = (table: TableState) => table.name.slice(table.name.indexOf('.') + 1);
    const single = (table: TableState, name: string): ReadKind => ({
      label: `one table (${name === table.name ? 'db.t' : 't'})`,
      tables: [table],
      sql: `SELECT count(), sum(v) FROM ${name}`,
      parse: (text) => {
        const [count, sum] = numbersOf(text.trim());
        return text.trim().split('\n').length === 1 && count !== undefined && sum !== undefined ? [{ count, sum }] : undefined;
      },
    });
    const readKinds: ReadKind[] = [
      single(a, a.name),
      single(b, bare(b)),
      single(c, c.name),
      {
        label: 'join a+b',
        tables: [a, b],
        sql:
          `SELECT ca, sa, cb, sb FROM (SELECT 1 AS k, count() AS ca, sum(v) AS sa FROM ${a.name}) ` +
          `ALL INNER JOIN (SELECT 1 AS k, count() AS cb, sum(v) AS sb FROM ${bare(b)}) USING k`,
        parse: (text) => {
          const values = numbersOf(text.trim());
          if (text.trim().split('\n').length !== 1 || values.length !== 4) return undefined;
          const [ca, sa, cb, sb] = values as [number, number, number, number];
          return [{ count: ca, sum: sa }, { count: cb, sum: sb }];
        },
      },
      {
        label: 'union b+c',
        tables: [b, c],
        sql: `SELECT 'b', count(), sum(v) FROM ${b.name} UNION ALL SELECT 'c', count(), sum(v) FROM ${c.name}`,
        parse: (text) => {
          const rows = new Map(text.trim().split('\n').map((line) => [line.split('\t')[0], numbersOf(line).slice(1)] as const));
          const rb = rows.get('b');
          const rc = rows.get('c');
          if (rows.size !== 2 || rb?.length !== 2 || rc?.length !== 2) return undefined;
          return [{ count: rb[0]!, sum: rb[1]! }, { count: rc[0]!, sum: rc[1]! }];
        },
      },
    ];

    const stats = { reads: 0, hits: 0, misses: 0, bypasses: 0, writes: 0, failedWrites: 0, stale: 0, ahead: 0, badReads: 0 };
    const problems: string[] = [];
    const byKind = new Map<string, { reads: number; hits: number }>(readKinds.map((k) => [k.label, { reads: 0, hits: 0 }]));
    let nextId = 1;
    const deadline = Date.now() + DURATION_MS;

    const write = async () => {
      const table = tables[Math.floor(Math.random() * tables.length)]!;
      const rows = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({ id: nextId++, v: 1 + Math.floor(Math.random() * 1000) }));
      const sum = rows.reduce((total, row) => total + row.v, 0);
      table.sentCount += rows.length;
      table.sentSum += sum;
      const name = Math.random() < 0.5 ? table.name : bare(table);
      const response = await send(chgate.url, `INSERT INTO ${name} VALUES ${rows.map((r) => `(${r.id}, ${r.v})`).join(', ')}`);
      if (response.status === 200) {
        table.ackedCount += rows.length;
        table.ackedSum += sum;
        stats.writes += 1;
      } else {
        stats.failedWrites += 1;
        if (problems.length < 20) problems.push(`INSERT failed: ${describeResponse(response)}`);
      }
    };

    const read = async () => {
      const kind = readKinds[Math.floor(Math.random() * readKinds.length)]!;
      const lower = kind.tables.map((t) => ({ count: t.ackedCount, sum: t.ackedSum }));
      const response = await send(chgate.url, kind.sql);
      const upper = kind.tables.map((t) => ({ count: t.sentCount, sum: t.sentSum }));
      stats.reads += 1;
      const perKind = byKind.get(kind.label)!;
      perKind.reads += 1;
      if (response.cache === 'HIT') {
        stats.hits += 1;
        perKind.hits += 1;
      } else if (response.cache === 'MISS') stats.misses += 1;
      else stats.bypasses += 1;
      const values = response.status === 200 ? kind.parse(response.text) : undefined;
      if (values === undefined) {
        stats.badReads += 1;
        if (problems.length < 20) problems.push(`${kind.label}: unreadable answer: ${describeResponse(response)}`);
        return;
      }
      for (const [i, value] of values.entries()) {
        const table = kind.tables[i]!;
        const low = lower[i]!;
        const high = upper[i]!;
        const detail = () =>
          `${kind.label}, ${table.name}: got count ${value.count} sum ${value.sum}; acked at start ${low.count}/${low.sum}, ` +
          `sent by the end ${high.count}/${high.sum}; X-Cache ${response.cache} ${response.reason ?? ''}, upstream ${response.upstream}`;
        if (value.count < low.count || value.sum < low.sum) {
          stats.stale += 1;
          if (problems.length < 20) problems.push(`STALE ${detail()}`);
        } else if (value.count > high.count || value.sum > high.sum) {
          stats.ahead += 1;
          if (problems.length < 20) problems.push(`AHEAD OF WHAT WAS SENT ${detail()}`);
        }
      }
    };

    const client = async () => {
      while (Date.now() < deadline) {
        if (Math.random() < WRITE_PROBABILITY) await write();
        else await read();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    console.log(
      `      [cache consistency] ${DURATION_MS / 1000} s, ${CLIENTS} clients: reads ${stats.reads} (hits ${stats.hits}, ` +
        `misses ${stats.misses}, bypasses ${stats.bypasses}), writes ${stats.writes} (failed ${stats.failedWrites}), ` +
        `stale ${stats.stale}, ahead ${stats.ahead}, unreadable ${stats.badReads}`,
    );
    console.log(`      [cache consistency] per read: ${[...byKind].map(([label, k]) => `${label} ${k.hits}/${k.reads} hits`).join(', ')}`);
    for (const problem of problems) console.log(`      [cache consistency] ${problem}`);

    expect(stats.stale, 'stale reads').to.equal(0);
    expect(stats.ahead, 'reads showing rows nobody had sent').to.equal(0);
    expect(stats.badReads, 'reads that failed or could not be parsed').to.equal(0);
    expect(stats.failedWrites, 'failed INSERTs').to.equal(0);
    expect(stats.writes, 'writes').to.be.greaterThan(50);
    expect(stats.hits, 'cache hits (without any the test proves nothing)').to.be.greaterThan(0);
    for (const [label, kind] of byKind) expect(kind.hits, `hits of the ${label} read`).to.be.greaterThan(0);
    // Every acknowledged row is really there at the end.
    for (const table of tables) {
      const final = await send(chgate.url, `SELECT count(), sum(v) FROM ${table.name}`, { params: { no_cache: 1 } });
      expect(final.text).to.equal(`${table.ackedCount}\t${table.ackedSum}\n`);
    }
  });
});
