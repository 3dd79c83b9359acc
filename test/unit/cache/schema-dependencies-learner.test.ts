import { expect } from 'chai';
import { defaultCacheConfig, type CacheConfig } from '../../../src/cache/cache-config.js';
import { openQueryCache, type CacheRequest, type QueryCache } from '../../../src/cache/create-query-cache.js';
import { createSchemaDependencies, type SchemaDependencySource } from '../../../src/cache/schema-dependencies-learner.js';
import type { InvalidationCause } from '../../../src/cache/table-versions.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';
import { classification } from '../../helpers/classification.js';

const classifier = createSqlClassifier();
const classify = (sql: string) => classifier.classify(sql);

/** system.tables as JSONEachRow: `db.v` is a view over each listed source. */
function tablesBody(views: Record<string, string[]>): string {
  const rows = [{ database: 'db', name: 't', engine: 'MergeTree' }, { database: 'db', name: 'u', engine: 'MergeTree' }];
  for (const [view, sources] of Object.entries(views)) {
    rows.push({ database: 'db', name: view, engine: 'View', create_table_query: `CREATE VIEW db.${view} (x UInt8) AS SELECT 1 FROM ${sources.join(', ')}` } as (typeof rows)[number]);
  }
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

function fakeSystemTables() {
  const writer = { views: {} as Record<string, string[]>, fail: false, reads: 0 };
  const query = async (): Promise<string> => {
    writer.reads += 1;
    await new Promise((resolve) => setImmediate(resolve));
    if (writer.fail) throw new Error('writer down');
    return tablesBody(writer.views);
  };
  return { writer, query };
}

const memoryConfig: CacheConfig = { ...defaultCacheConfig, store: { ...defaultCacheConfig.store, kind: 'memory' }, replicaLagWindowMs: 0, mutationPollIntervalMs: 1_000_000 };
const request: CacheRequest = { method: 'POST', params: new URLSearchParams('database=db'), acceptEncoding: undefined, proxyUser: 'alice', cluster: 'main', backendUser: 'reader' };
const keyOf = async (cache: QueryCache, table: string): Promise<string> => {
  const lookup = await cache.lookup(request, [classification({ normalized: `SELECT 1 FROM ${table}`, tablesRead: [table] })]);
  if (lookup.mode !== 'use') throw new Error(`bypass: ${lookup.reason}`);
  return lookup.key;
};
const insertInto = (table: string) => classification({ type: 'insert', route: 'write', cacheable: false, tablesWritten: [table] });
const ddl = (sql: string) => classifier.classify(sql);

describe('schema dependencies learner', () => {
  let schema: SchemaDependencySource;
  let cache: QueryCache;
  let system: ReturnType<typeof fakeSystemTables>;
  const causes: Array<[InvalidationCause, string]> = [];

  beforeEach(async () => {
    system = fakeSystemTables();
    system.writer.views = { v: ['db.t'] };
    causes.length = 0;
    schema = createSchemaDependencies({ queryWriter: system.query, classify, refreshMs: 60_000 });
    cache = await openQueryCache(memoryConfig, { queryWriter: async () => '', schema, hooks: { onInvalidation: (cause, scope) => causes.push([cause, scope]) } });
  });
  afterEach(async () => {
    schema.close();
    await cache.close();
  });

  /** An INSERT into `table` through the cache changes the key of a read of `changed`, not of `kept`. */
  async function expectInsertInvalidates(table: string, reads: { changed: string; kept: string }): Promise<void> {
    const [changed, kept] = [await keyOf(cache, reads.changed), await keyOf(cache, reads.kept)];
    await cache.invalidateFor(insertInto(table), 'db', 'complete');
    expect(await keyOf(cache, reads.changed), `${reads.changed} after an INSERT into ${table}`).to.not.equal(changed);
    expect(await keyOf(cache, reads.kept), `${reads.kept} after an INSERT into ${table}`).to.equal(kept);
  }

  it('is untrusted until first read: a write then invalidates everything', async () => {
    expect(schema.current()).to.equal(undefined);
    const before = await keyOf(cache, 'u');
    await cache.invalidateFor(insertInto('t'), 'db', 'complete');
    expect(await keyOf(cache, 'u')).to.not.equal(before);
    expect(causes).to.deep.equal([['write-complete', 'everything']]);
  });

  it('once learned, a write to T invalidates the view over T and nothing else', async () => {
    await schema.refresh();
    expect(schema.current()?.edges.get('db.t')).to.deep.equal(['db.v']);
    await expectInsertInvalidates('t', { changed: 'v', kept: 'u' });
  });

  it('during DDL through chgate writes bump everything; its completion re-reads the graph first', async () => {
    await schema.refresh();
    const create = ddl('CREATE VIEW db.w AS SELECT 1 FROM db.u');
    await cache.invalidateFor(create, 'db', 'start');
    expect(schema.current()).to.equal(undefined);
    const other = await keyOf(cache, 't');
    await cache.invalidateFor(insertInto('u'), 'db', 'complete');
    expect(await keyOf(cache, 't')).to.not.equal(other);
    system.writer.views = { v: ['db.t'], w: ['db.u'] };
    const reads = system.writer.reads;
    await cache.invalidateFor(create, 'db', 'complete');
    expect(system.writer.reads).to.equal(reads + 1);
    expect(schema.current()?.edges.get('db.u')).to.deep.equal(['db.w']);
    await expectInsertInvalidates('u', { changed: 'w', kept: 't' });
  });

  it('stays untrusted after DDL until a refresh succeeds', async () => {
    await schema.refresh();
    system.writer.fail = true;
    await schema.schemaChange('start');
    await schema.schemaChange('complete');
    expect(schema.current()).to.equal(undefined);
    system.writer.fail = false;
    await schema.refresh();
    expect(schema.current()).to.not.equal(undefined);
  });

  it('a refresh that started before a DDL completed does not make the graph trusted', async () => {
    await schema.refresh();
    await schema.schemaChange('start');
    const early = schema.refresh();
    // Let the early read start: it then began before the DDL completed.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    const completing = schema.schemaChange('complete');
    await early;
    expect(schema.current()).to.equal(undefined);
    await completing;
    expect(schema.current()).to.not.equal(undefined);
    expect(system.writer.reads).to.equal(3);
  });

  it('invalidates external changes with their dependents, cause external, and opens the lag window', async () => {
    await cache.close();
    cache = await openQueryCache({ ...memoryConfig, replicaLagWindowMs: 60_000 }, { queryWriter: async () => '', schema, hooks: { onInvalidation: (cause, scope) => causes.push([cause, scope]) } });
    await schema.refresh();
    const view = await keyOf(cache, 'v');
    await cache.invalidateExternal(['db.t']);
    expect(causes).to.deep.equal([['external', 'tables']]);
    expect(await keyOf(cache, 'v')).to.not.equal(view);
    expect(cache.readsFromWriter(classification({ tablesRead: ['v'] }), 'db')).to.equal(true);
    expect(cache.readsFromWriter(classification({ tablesRead: ['u'] }), 'db')).to.equal(false);
  });

  it('does not cache reads of a table with an external mutation running', async () => {
    await schema.refresh();
    await cache.invalidateExternal([], ['db.t']);
    const lookup = await cache.lookup(request, [classification({ normalized: 'SELECT 1 FROM v', tablesRead: ['v'] })]);
    expect(lookup).to.deep.include({ mode: 'bypass', reason: 'mutation-in-flight' });
  });
});
