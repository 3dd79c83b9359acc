import { expect } from 'chai';
import {
  changedTables,
  createExternalChangeWatcher,
  externalChangeQueries,
  isWatched,
  type ExternalChange,
  type WatchRules,
} from '../../../src/cache/external-changes.js';
import { parseTableRows as parseSignatures } from '../../../src/cache/tsv-table-rows.js';

const everything: WatchRules = { databases: [], tables: [], exclude: [] };

/** A writer answering the three poll queries from rows the test sets: `db.t` → values after database and table. */
function fakeWriter(name: string) {
  const writer = {
    name,
    parts: new Map<string, string[]>(),
    mutations: new Map<string, string[]>(),
    tables: new Map<string, string[]>(),
    fail: false,
    async query(sql: string): Promise<string> {
      if (writer.fail) throw new Error('writer down');
      const rows = sql.includes('system.parts') ? writer.parts : sql.includes('system.mutations') ? writer.mutations : writer.tables;
      return [...rows].map(([table, values]) => `${table.replace('.', '\t')}\t${values.join('\t')}\n`).join('');
    },
  };
  return writer;
}

function watcherOver(writers: ReturnType<typeof fakeWriter>[], rules: WatchRules = everything) {
  const changes: ExternalChange[] = [];
  const polls: string[] = [];
  const watcher = createExternalChangeWatcher({
    writers: () => writers,
    intervalMs: 1000,
    rules,
    onChange: async (change) => void changes.push(change),
    onPoll: (writer, result) => void polls.push(`${writer}:${result}`),
  });
  return { watcher, changes, polls };
}

describe('external changes', () => {
  it('watches every non-system database by default; lists and exclusions narrow it', () => {
    expect(isWatched('db.t', everything)).to.equal(true);
    expect(isWatched('system.parts', everything)).to.equal(false);
    const rules: WatchRules = { databases: ['a'], tables: ['b.keep'], exclude: ['a.noisy', 'b'] };
    expect(isWatched('a.t', rules)).to.equal(true);
    expect(isWatched('a.noisy', rules)).to.equal(false);
    expect(isWatched('b.keep', rules)).to.equal(false);
    expect(isWatched('c.t', rules)).to.equal(false);
    expect(isWatched('b.keep', { databases: [], tables: ['b.keep'], exclude: [] })).to.equal(true);
  });

  it('filters databases in the poll queries, quoted', () => {
    const queries = externalChangeQueries({ databases: ["it's"], tables: ['x.t'], exclude: [] });
    expect(queries.parts).to.match(/FROM system\.parts WHERE active AND database NOT IN \('system', .*\) AND database IN \('it\\'s', 'x'\) GROUP BY database, table/);
    expect(queries.mutations).to.include('FROM system.mutations');
    expect(queries.tables).to.include('metadata_modification_time');
    expect(externalChangeQueries(everything).tables).to.not.include('database IN');
  });

  it('parses rows per table and compares signatures', () => {
    const before = parseSignatures('db\tt\t2\t99\t100\ndb\tgone\t1\t5\t7\n');
    const after = parseSignatures('db\tt\t2\t99\t101\ndb\tnew\t1\t1\t1\n');
    expect(changedTables(before, after).sort()).to.deep.equal(['db.gone', 'db.new', 'db.t']);
    // Parts compare count and hash only.
    expect(changedTables(before, after, 2).sort()).to.deep.equal(['db.gone', 'db.new']);
  });

  it('invalidates everything a writer lists on its first poll, then only what changed', async () => {
    const writer = fakeWriter('w1');
    writer.parts.set('db.t', ['1', '11', '1000']);
    writer.tables.set('db.t', ['500']).set('db.v', ['500']);
    const { watcher, changes } = watcherOver([writer]);
    await watcher.pollOnce();
    expect(changes).to.have.length(1);
    expect(changes[0]).to.include({ first: true, schemaChanged: false, newestPartAtMs: undefined });
    expect(changes[0]?.changed).to.deep.equal(['db.t', 'db.v']);

    await watcher.pollOnce();
    expect(changes).to.have.length(1);

    writer.parts.set('db.t', ['2', '23', '1003']);
    await watcher.pollOnce();
    expect(changes[1]).to.deep.include({ changed: ['db.t'], schemaChanged: false, first: false, newestPartAtMs: 1_003_000 });
    expect(changes[1]?.bySource).to.deep.equal({ parts: 1, mutations: 0, tables: 0 });
  });

  it('reports DDL as a schema change, and running mutations on every poll while they run', async () => {
    const writer = fakeWriter('w1');
    writer.tables.set('db.t', ['500']);
    const { watcher, changes } = watcherOver([writer]);
    await watcher.pollOnce();
    writer.tables.set('db.view', ['600']);
    writer.mutations.set('db.t', ['1', '77', '1']);
    await watcher.pollOnce();
    expect(changes[1]).to.deep.include({ changed: ['db.t', 'db.view'], mutating: ['db.t'], schemaChanged: true });
    await watcher.pollOnce();
    expect(changes[2]).to.deep.include({ changed: [], mutating: ['db.t'], schemaChanged: false });
    writer.mutations.set('db.t', ['1', '77', '0']);
    await watcher.pollOnce();
    expect(changes[3]).to.deep.include({ changed: ['db.t'], mutating: [] });
  });

  it('keeps each writer\'s state apart, and a failed poll changes nothing', async () => {
    const a = fakeWriter('a');
    const b = fakeWriter('b');
    a.parts.set('db.t', ['1', '1', '1']);
    b.parts.set('db.t', ['1', '1', '1']);
    const { watcher, changes, polls } = watcherOver([a, b]);
    await watcher.pollOnce();
    expect(changes.map((change) => change.writer).sort()).to.deep.equal(['a', 'b']);
    b.fail = true;
    b.parts.set('db.t', ['2', '5', '2']);
    await watcher.pollOnce();
    expect(polls).to.include('b:error');
    expect(changes).to.have.length(2);
    b.fail = false;
    await watcher.pollOnce();
    expect(changes[2]).to.deep.include({ writer: 'b', changed: ['db.t'] });
  });

  it('ignores tables that are not watched', async () => {
    const writer = fakeWriter('w');
    writer.parts.set('db.noisy', ['1', '1', '1']).set('db.t', ['1', '1', '1']);
    const { watcher, changes } = watcherOver([writer], { databases: [], tables: [], exclude: ['db.noisy'] });
    await watcher.pollOnce();
    writer.parts.set('db.noisy', ['2', '2', '2']);
    await watcher.pollOnce();
    expect(changes.map((change) => change.changed)).to.deep.equal([['db.t']]);
  });

  it('tries an invalidation that failed again at the next poll', async () => {
    const writer = fakeWriter('w');
    writer.parts.set('db.t', ['1', '1', '1']);
    let failing = true;
    const seen: string[][] = [];
    const watcher = createExternalChangeWatcher({
      writers: () => [writer],
      intervalMs: 1000,
      rules: everything,
      onChange: async (change) => {
        seen.push(change.changed);
        if (failing) throw new Error('versions unavailable');
      },
    });
    await watcher.pollOnce();
    failing = false;
    await watcher.pollOnce();
    expect(seen).to.deep.equal([['db.t'], ['db.t']]);
  });
});
