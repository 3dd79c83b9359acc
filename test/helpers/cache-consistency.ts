/**
 * The randomized consistency check of the query cache (issue 4), shared by the single-instance test
 * (cache-consistency.test.ts) and the Redis test with two instances (cache-redis.test.ts): concurrent clients send
 * a random mix of INSERTs into three tables and cached reads (count/sum of one table, a JOIN of two, a UNION ALL of
 * two). Every read must reflect at least every INSERT chgate had acknowledged before the read began, and at most
 * what had been sent by the time it returned.
 */
import { expect } from 'chai';
import { describeResponse, send } from './cache-helpers.js';

/** What has been sent and what chgate has acknowledged, per table: lower and upper bounds for any read. */
export interface TableState {
  name: string;
  sentCount: number;
  sentSum: number;
  ackedCount: number;
  ackedSum: number;
}

export const newTableState = (name: string): TableState => ({ name, sentCount: 0, sentSum: 0, ackedCount: 0, ackedSum: 0 });

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

export interface ConsistencyStats {
  reads: number;
  hits: number;
  misses: number;
  bypasses: number;
  writes: number;
  failedWrites: number;
  stale: number;
  ahead: number;
  badReads: number;
}

export interface ConsistencyRun {
  stats: ConsistencyStats;
  byKind: Map<string, { reads: number; hits: number }>;
  /** The first 20 problems, for the log. */
  problems: string[];
}

export interface ConsistencyOptions {
  /** The three tables (db.t names). */
  tables: readonly TableState[];
  /** chgate instances: each request goes to one picked at random. */
  urls: readonly string[];
  durationMs: number;
  clients: number;
  writeProbability: number;
}

const numbersOf = (line: string | undefined): number[] => (line ?? '').split('\t').map(Number);

export async function runConsistency(options: ConsistencyOptions): Promise<ConsistencyRun> {
  const { tables, urls, durationMs, clients, writeProbability } = options;
  const pickUrl = (): string => urls[Math.floor(Math.random() * urls.length)]!;
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

  const stats: ConsistencyStats = { reads: 0, hits: 0, misses: 0, bypasses: 0, writes: 0, failedWrites: 0, stale: 0, ahead: 0, badReads: 0 };
  const problems: string[] = [];
  const byKind = new Map<string, { reads: number; hits: number }>(readKinds.map((k) => [k.label, { reads: 0, hits: 0 }]));
  let nextId = 1;
  const deadline = Date.now() + durationMs;

  const write = async () => {
    const table = tables[Math.floor(Math.random() * tables.length)]!;
    const rows = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({ id: nextId++, v: 1 + Math.floor(Math.random() * 1000) }));
    const sum = rows.reduce((total, row) => total + row.v, 0);
    table.sentCount += rows.length;
    table.sentSum += sum;
    const name = Math.random() < 0.5 ? table.name : bare(table);
    const response = await send(pickUrl(), `INSERT INTO ${name} VALUES ${rows.map((r) => `(${r.id}, ${r.v})`).join(', ')}`);
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
    const response = await send(pickUrl(), kind.sql);
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
      if (Math.random() < writeProbability) await write();
      else await read();
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { stats, byKind, problems };
}

/** Logs the run and asserts zero stale reads, zero reads ahead of what was sent, no failures, and hits of each read. */
export function reportConsistency(label: string, run: ConsistencyRun, options: { minWrites: number }): void {
  const { stats, byKind, problems } = run;
  console.log(
    `      [${label}] reads ${stats.reads} (hits ${stats.hits}, misses ${stats.misses}, bypasses ${stats.bypasses}), ` +
      `writes ${stats.writes} (failed ${stats.failedWrites}), stale ${stats.stale}, ahead ${stats.ahead}, unreadable ${stats.badReads}`,
  );
  console.log(`      [${label}] per read: ${[...byKind].map(([kind, k]) => `${kind} ${k.hits}/${k.reads} hits`).join(', ')}`);
  for (const problem of problems) console.log(`      [${label}] ${problem}`);
  expect(stats.stale, 'stale reads').to.equal(0);
  expect(stats.ahead, 'reads showing rows nobody had sent').to.equal(0);
  expect(stats.badReads, 'reads that failed or could not be parsed').to.equal(0);
  expect(stats.failedWrites, 'failed INSERTs').to.equal(0);
  expect(stats.writes, 'writes').to.be.greaterThan(options.minWrites);
  expect(stats.hits, 'cache hits (without any the test proves nothing)').to.be.greaterThan(0);
  for (const [kind, k] of byKind) expect(k.hits, `hits of the ${kind} read`).to.be.greaterThan(0);
}

/** Every acknowledged row is really there at the end. */
export async function expectAckedRows(url: string, tables: readonly TableState[]): Promise<void> {
  for (const table of tables) {
    const final = await send(url, `SELECT count(), sum(v) FROM ${table.name}`, { params: { no_cache: 1 } });
    expect(final.text).to.equal(`${table.ackedCount}\t${table.ackedSum}\n`);
  }
}
