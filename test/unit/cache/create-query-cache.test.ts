import { expect } from 'chai';
import { defaultCacheConfig, type CacheConfig } from '../../../src/cache/cache-config.js';
import { createResultStore } from '../../../src/cache/create-result-store.js';
import { createQueryCache, openQueryCache, type CacheRequest, type QueryCache } from '../../../src/cache/create-query-cache.js';
import { createTableVersions } from '../../../src/cache/table-versions.js';
import type { StatementClassification } from '../../../src/sql/types.js';
import { classification } from '../../helpers/classification.js';
import { allByteValues, manualClock, useTempDir } from './cache-test-helpers.js';

const memoryConfig: CacheConfig = { ...defaultCacheConfig, store: { ...defaultCacheConfig.store, kind: 'memory' } };

function request(overrides: Partial<CacheRequest> & { query?: string } = {}): CacheRequest {
  const { query = 'database=db', ...rest } = overrides;
  return { method: 'POST', params: new URLSearchParams(query), acceptEncoding: undefined, proxyUser: 'alice', cluster: 'main', backendUser: 'reader', ...rest };
}

const select = (normalized: string, tablesRead: string[]): StatementClassification => classification({ normalized, tablesRead });
const write = (type: StatementClassification['type'], tablesWritten: string[], extra: Partial<StatementClassification> = {}): StatementClassification =>
  classification({ type, route: 'write', cacheable: false, tablesWritten, ...extra });

/** A stand-in for ClickHouse: a body per statement text, and a count of the requests that reached it. */
function fakeUpstream() {
  const upstream = {
    calls: 0,
    data: new Map<string, Buffer>(),
    async respond(statement: string): Promise<{ status: number; headers: Record<string, string>; chunks: Buffer[] }> {
      upstream.calls += 1;
      await new Promise((resolve) => setImmediate(resolve));
      const body = upstream.data.get(statement) ?? Buffer.from(`${statement}\n`);
      return { status: 200, headers: { 'content-type': 'text/plain', 'x-clickhouse-query-id': 'q' }, chunks: [body.subarray(0, 3), body.subarray(3)] };
    },
  };
  return upstream;
}

type Outcome = { source: 'hit' | 'miss' | 'bypass'; body: Buffer; reason?: string };

/** What the pipeline does for one single-statement request. */
async function runRead(cache: QueryCache, upstream: ReturnType<typeof fakeUpstream>, req: CacheRequest, statement: StatementClassification, servedByWriter = true): Promise<Outcome> {
  const lookup = await cache.lookup(req, [statement]);
  if (lookup.mode === 'bypass') {
    const response = await upstream.respond(statement.normalized);
    return { source: 'bypass', body: Buffer.concat(response.chunks), reason: lookup.reason };
  }
  const got = await cache.acquire(lookup);
  if (got.kind === 'hit') return { source: 'hit', body: got.entry.body };
  const response = await upstream.respond(statement.normalized);
  for (const chunk of response.chunks) got.push(chunk);
  await got.finish({ status: response.status, headers: response.headers, cutOff: false, servedByWriter });
  return { source: 'miss', body: Buffer.concat(response.chunks) };
}

async function runWrite(cache: QueryCache, statement: StatementClassification, database = 'db'): Promise<void> {
  await cache.invalidateFor(statement, database, 'start');
  await cache.invalidateFor(statement, database, 'complete');
}

describe('query cache', () => {
  let cache: QueryCache;
  let upstream: ReturnType<typeof fakeUpstream>;
  let mutationsRunning = '';

  beforeEach(async () => {
    upstream = fakeUpstream();
    mutationsRunning = '';
    cache = await openQueryCache(
      { ...memoryConfig, replicaLagWindowMs: 0, mutationPollIntervalMs: 1_000_000 },
      { queryWriter: async () => mutationsRunning },
    );
  });
  afterEach(async () => {
    await cache.close();
  });

  it('serves a repeated read from the cache with the same bytes and headers', async () => {
    const read = select('SELECT count() FROM t', ['t']);
    const first = await runRead(cache, upstream, request(), read);
    const second = await runRead(cache, upstream, request(), read);
    expect([first.source, second.source]).to.deep.equal(['miss', 'hit']);
    expect(second.body.equals(first.body)).to.equal(true);
    expect(upstream.calls).to.equal(1);
    const lookup = await cache.lookup(request(), [read]);
    if (lookup.mode !== 'use') throw new Error('expected use');
    expect(await cache.get(lookup.key)).to.include({ status: 200 });
    expect((await cache.get(lookup.key))?.headers).to.deep.equal({ 'content-type': 'text/plain' });
  });

  it('invalidates reads of T after a write to T, whether named t or db.t, and keeps reads of U', async () => {
    const bare = select('SELECT count() FROM t', ['t']);
    const qualified = select('SELECT count() FROM db.t', ['db.t']);
    const join = select('SELECT * FROM db.t JOIN other.u USING id', ['db.t', 'other.u']);
    const u = select('SELECT count() FROM u', ['u']);
    for (const read of [bare, join, u]) await runRead(cache, upstream, request(), read);
    await runRead(cache, upstream, request({ query: '' }), qualified);
    for (const read of [bare, join, u]) expect((await runRead(cache, upstream, request(), read)).source).to.equal('hit');

    await runWrite(cache, write('insert', ['t']));
    expect((await runRead(cache, upstream, request(), bare)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request({ query: '' }), qualified)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), join)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), u)).source).to.equal('hit');
  });

  it('resolves unqualified writes against their own database', async () => {
    const read = select('SELECT 1 FROM db.t', ['db.t']);
    await runRead(cache, upstream, request(), read);
    await runWrite(cache, write('insert', ['t']), 'elsewhere');
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('hit');
    await runWrite(cache, write('insert', ['t']), 'db');
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
  });

  it('invalidates every table of a database dropped or renamed as a whole', async () => {
    const t = select('SELECT 1 FROM db.t', ['db.t']);
    const x = select('SELECT 1 FROM other.x', ['other.x']);
    await runRead(cache, upstream, request(), t);
    await runRead(cache, upstream, request(), x);
    await runWrite(cache, write('drop', [], { databasesWritten: ['db'] }));
    expect((await runRead(cache, upstream, request(), t)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), x)).source).to.equal('hit');
  });

  it('invalidates everything for a write it cannot analyse', async () => {
    const x = select('SELECT 1 FROM other.x', ['other.x']);
    await runRead(cache, upstream, request(), x);
    await runWrite(cache, classification({ unknown: true, route: 'write', cacheable: false }));
    expect((await runRead(cache, upstream, request(), x)).source).to.equal('miss');
  });

  it('follows configured dependencies (materialized views, Distributed tables)', async () => {
    await cache.close();
    cache = await openQueryCache({ ...memoryConfig, replicaLagWindowMs: 0, tableDependencies: { 'db.events': ['db.events_mv'], 'db.events_mv': ['db.events_dist'] } }, { queryWriter: async () => '' });
    const dist = select('SELECT 1 FROM events_dist', ['events_dist']);
    await runRead(cache, upstream, request(), dist);
    await runWrite(cache, write('insert', ['events']));
    expect((await runRead(cache, upstream, request(), dist)).source).to.equal('miss');
  });

  it('keeps users apart unless they share a group', async () => {
    await cache.close();
    cache = await openQueryCache({ ...memoryConfig, sharedGroups: { dashboards: ['grafana', 'metabase'] } }, { queryWriter: async () => '' });
    const read = select('SELECT 1 FROM t', ['t']);
    await runRead(cache, upstream, request({ proxyUser: 'alice' }), read);
    expect((await runRead(cache, upstream, request({ proxyUser: 'bob' }), read)).source).to.equal('miss');
    await runRead(cache, upstream, request({ proxyUser: 'grafana' }), read);
    expect((await runRead(cache, upstream, request({ proxyUser: 'metabase' }), read)).source).to.equal('hit');
    expect((await runRead(cache, upstream, request({ proxyUser: 'alice', backendUser: 'other' }), read)).source).to.equal('miss');
  });

  it('bypasses with a reason and counts it', async () => {
    const reasons: string[] = [];
    await cache.close();
    cache = await openQueryCache(memoryConfig, { queryWriter: async () => '', hooks: { onBypass: (reason) => reasons.push(reason) } });
    const read = select('SELECT 1 FROM t', ['t']);
    expect((await runRead(cache, upstream, request({ query: 'no_cache=1' }), read)).reason).to.equal('no-cache-param');
    expect((await runRead(cache, upstream, request(), classification({ normalized: 'SELECT now()', cacheable: false }))).reason).to.equal('not-cacheable');
    expect(await cache.lookup(request(), [read, read])).to.deep.include({ mode: 'bypass', reason: 'multi-statement' });
    expect(reasons).to.deep.equal(['no-cache-param', 'not-cacheable', 'multi-statement']);
  });

  it('cannot store a result read before a write under a key read after it', async () => {
    const read = select('SELECT count() FROM t', ['t']);
    const before = await cache.lookup(request(), [read]);
    if (before.mode !== 'use') throw new Error('expected use');
    const fill = await cache.acquire(before);
    if (fill.kind !== 'fill') throw new Error('expected a fill');
    fill.push(Buffer.from('pre-write rows\n'));
    await runWrite(cache, write('insert', ['t']));
    await fill.finish({ status: 200, headers: {}, cutOff: false, servedByWriter: false });
    const after = await cache.lookup(request(), [read]);
    if (after.mode !== 'use') throw new Error('expected use');
    expect(after.key).to.not.equal(before.key);
    expect((await cache.acquire(after)).kind).to.equal('fill');
  });

  it('runs one upstream request for concurrent identical misses; followers get the same bytes', async () => {
    const read = select('SELECT big FROM t', ['t']);
    upstream.data.set(read.normalized, allByteValues(100_000));
    const results = await Promise.all(Array.from({ length: 8 }, () => runRead(cache, upstream, request(), read)));
    expect(upstream.calls).to.equal(1);
    expect(results.filter((r) => r.source === 'miss')).to.have.length(1);
    for (const result of results) expect(result.body.equals(allByteValues(100_000))).to.equal(true);
  });

  it('lets followers go upstream themselves when the leader stores nothing', async () => {
    const read = select('SELECT fails FROM t', ['t']);
    upstream.data.set(read.normalized, Buffer.from('1\nCode: 395. DB::Exception: boom. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)\n'));
    const roles: string[] = [];
    const notStored: string[] = [];
    await cache.close();
    cache = await openQueryCache(memoryConfig, { queryWriter: async () => '', hooks: { onMiss: (role) => roles.push(role), onNotStored: (reason) => notStored.push(reason) } });
    const results = await Promise.all(Array.from({ length: 4 }, () => runRead(cache, upstream, request(), read)));
    expect(results.every((r) => r.source === 'miss')).to.equal(true);
    expect(upstream.calls).to.equal(4);
    expect(roles.sort()).to.deep.equal(['alone', 'alone', 'alone', 'leader']);
    expect(notStored).to.deep.equal(['exception', 'exception', 'exception', 'exception']);
  });

  it('releases followers when the leader abandons', async () => {
    const read = select('SELECT 1 FROM t', ['t']);
    const lookup = await cache.lookup(request(), [read]);
    if (lookup.mode !== 'use') throw new Error('expected use');
    const leader = await cache.acquire(lookup);
    const follower = cache.acquire(lookup);
    if (leader.kind !== 'fill') throw new Error('expected a fill');
    leader.abandon();
    leader.abandon();
    expect((await follower).kind).to.equal('fill');
  });

  it('streams a result over the entry limit without storing it', async () => {
    await cache.close();
    cache = await openQueryCache({ ...memoryConfig, maxEntryBytes: 1000 }, { queryWriter: async () => '' });
    const read = select('SELECT big FROM t', ['t']);
    upstream.data.set(read.normalized, allByteValues(5000));
    const first = await runRead(cache, upstream, request(), read);
    expect(first.body.length).to.equal(5000);
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
  });

  it('does not store reads of a table while its mutation runs, and invalidates it when done', async () => {
    await cache.close();
    mutationsRunning = 'db\tt\n';
    cache = await openQueryCache({ ...memoryConfig, replicaLagWindowMs: 0, mutationPollIntervalMs: 5 }, { queryWriter: async () => mutationsRunning });
    const read = select('SELECT count() FROM t', ['t']);
    await runRead(cache, upstream, request(), read);
    await runWrite(cache, write('alter', ['t']));
    expect((await runRead(cache, upstream, request(), read)).reason).to.equal('mutation-in-flight');
    expect(cache.stats().mutatingTables).to.deep.equal(['db.t']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await runRead(cache, upstream, request(), read)).reason).to.equal('mutation-in-flight');
    mutationsRunning = '';
    for (let i = 0; i < 100 && cache.stats().mutatingTables.length > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cache.stats().mutatingTables).to.deep.equal([]);
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('hit');
  });

  it('sends reads in the lag window to the writer and stores only what the writer served', async () => {
    await cache.close();
    cache = await openQueryCache({ ...memoryConfig, replicaLagWindowMs: 60_000 }, { queryWriter: async () => '' });
    const read = select('SELECT count() FROM t', ['t']);
    const other = select('SELECT count() FROM u', ['u']);
    await runWrite(cache, write('insert', ['t']));
    expect(await cache.lookup(request(), [other])).to.include({ readFromWriter: false });
    expect(await cache.lookup(request(), [read])).to.include({ mode: 'use', readFromWriter: true });
    expect(cache.readsFromWriter(read, 'db')).to.equal(true);
    expect(cache.readsFromWriter(read, 'elsewhere')).to.equal(false);
    await runRead(cache, upstream, request(), read, false);
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('hit');
    expect(await cache.lookup(request({ canReadFromWriter: false }), [read])).to.deep.include({ mode: 'bypass', reason: 'replica-lag-window' });
  });

  it('stores a replica\'s answer only if its last lag check shows it has the latest write to the tables read', async () => {
    const read = select('SELECT count() FROM t', ['t']);
    const fillFrom = async (replicaCaughtUpToMs: number | undefined) => {
      const lookup = await cache.lookup(request(), [read]);
      if (lookup.mode !== 'use') throw new Error(lookup.reason);
      const fill = await cache.acquire(lookup);
      if (fill.kind !== 'fill') return { hit: true };
      fill.push(Buffer.from('1\n'));
      return fill.finish({ status: 200, headers: {}, cutOff: false, servedByWriter: false, replicaCaughtUpToMs });
    };
    const before = Date.now();
    await runWrite(cache, write('insert', ['t']));
    expect(await fillFrom(before - 5000)).to.deep.equal({ stored: false, reason: 'replica-behind' });
    expect(await fillFrom(undefined), 'lag not measured: the window alone decides').to.include({ stored: true });
    await runWrite(cache, write('insert', ['t']));
    expect(await fillFrom(Date.now() + 60_000)).to.include({ stored: true });
  });

  it('a replica lag check cannot hold back tables never written through chgate (18.16 reports an unread queue as now() seconds of lag)', async () => {
    const read = select('SELECT count() FROM never_written', ['never_written']);
    const lookup = await cache.lookup(request(), [read]);
    if (lookup.mode !== 'use') throw new Error(lookup.reason);
    const fill = await cache.acquire(lookup);
    if (fill.kind !== 'fill') throw new Error('expected a fill');
    fill.push(Buffer.from('1\n'));
    // absolute_delay = current Unix time: caught up to before 1970.
    const caughtUpTo = Date.now() - (Math.floor(Date.now() / 1000) + 1) * 1000;
    expect(await fill.finish({ status: 200, headers: {}, cutOff: false, servedByWriter: false, replicaCaughtUpToMs: caughtUpTo })).to.include({ stored: true });
  });

  describe('fast hits', () => {
    const fastTemplate = async (req: CacheRequest, read: StatementClassification) => {
      const lookup = await cache.lookup(req, [read]);
      if (lookup.mode !== 'use') throw new Error(`expected a cacheable read, got ${lookup.reason}`);
      return lookup;
    };

    it('finds the entry the full path stored, under the same key, until a table read is written', async () => {
      const read = select('SELECT count() FROM t JOIN u USING (k)', ['t', 'u']);
      const lookup = await fastTemplate(request(), read);
      expect(cache.tryFastHit(lookup.fastHit)).to.equal(undefined);
      await runRead(cache, upstream, request(), read);
      const hit = cache.tryFastHit(lookup.fastHit);
      expect(hit?.entry.body.toString()).to.equal('SELECT count() FROM t JOIN u USING (k)\n');
      expect(lookup.fastHit.lastKey).to.equal(lookup.key);
      await runWrite(cache, write('insert', ['db.u']));
      expect(cache.tryFastHit(lookup.fastHit)).to.equal(undefined);
      expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
      expect(cache.tryFastHit(lookup.fastHit)?.entry.body.toString()).to.equal('SELECT count() FROM t JOIN u USING (k)\n');
      expect(lookup.fastHit.lastKey).to.equal((await fastTemplate(request(), read)).key);
    });

    it('follows a write to the database and a write it cannot analyse', async () => {
      const read = select('SELECT count() FROM t', ['t']);
      const { fastHit } = await fastTemplate(request(), read);
      await runRead(cache, upstream, request(), read);
      expect(cache.tryFastHit(fastHit)).to.not.equal(undefined);
      await runWrite(cache, write('drop', [], { databasesWritten: ['db'] }));
      expect(cache.tryFastHit(fastHit)).to.equal(undefined);
      await runRead(cache, upstream, request(), read);
      expect(cache.tryFastHit(fastHit)).to.not.equal(undefined);
      await runWrite(cache, classification({ type: 'other', route: 'write', unknown: true, cacheable: false }));
      expect(cache.tryFastHit(fastHit)).to.equal(undefined);
    });

    it('leaves reads in the lag window and of mutating tables to the full path', async () => {
      await cache.close();
      mutationsRunning = '';
      cache = await openQueryCache({ ...memoryConfig, replicaLagWindowMs: 60_000, mutationPollIntervalMs: 1_000_000 }, { queryWriter: async () => mutationsRunning });
      const read = select('SELECT count() FROM t', ['t']);
      const { fastHit } = await fastTemplate(request(), read);
      await runRead(cache, upstream, request(), read);
      expect(cache.tryFastHit(fastHit)).to.not.equal(undefined);
      // A write bumps the version and opens the window: even once the writer-served result is stored again,
      // the fast path declines while the window lasts.
      await runWrite(cache, write('insert', ['t']));
      await runRead(cache, upstream, request(), read, true);
      expect((await runRead(cache, upstream, request(), read)).source).to.equal('hit');
      expect(cache.tryFastHit(fastHit)).to.equal(undefined);

      const other = select('SELECT count() FROM u', ['u']);
      const otherLookup = await fastTemplate(request(), other);
      await runRead(cache, upstream, request(), other);
      expect(cache.tryFastHit(otherLookup.fastHit)).to.not.equal(undefined);
      mutationsRunning = 'db\tu\n';
      await runWrite(cache, write('alter', ['u']));
      await runRead(cache, upstream, request(), other);
      expect(cache.tryFastHit(otherLookup.fastHit)).to.equal(undefined);
    });

    it('declines when caching is disabled or the versions are broken', async () => {
      await cache.close();
      cache = await openQueryCache({ ...memoryConfig, enabled: false }, { queryWriter: async () => '' });
      const template = { keyPrefix: 'x', scopes: ['*'], tables: [], ruleTtlMs: undefined, lastVersions: undefined, lastKey: undefined };
      expect(cache.tryFastHit(template)).to.equal(undefined);
    });
  });

  it('purges a table or everything', async () => {
    const t = select('SELECT 1 FROM t', ['t']);
    const u = select('SELECT 1 FROM u', ['u']);
    await runRead(cache, upstream, request(), t);
    await runRead(cache, upstream, request(), u);
    await cache.purge('t', 'db');
    expect((await runRead(cache, upstream, request(), t)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), u)).source).to.equal('hit');
    await cache.purge();
    expect(cache.stats().memoryEntries).to.equal(0);
    expect((await runRead(cache, upstream, request(), u)).source).to.equal('miss');
  });

  it('reports hits, misses, stores and invalidations through its hooks', async () => {
    const events: string[] = [];
    await cache.close();
    cache = await openQueryCache(memoryConfig, {
      queryWriter: async () => '',
      hooks: {
        onHit: (source) => events.push(`hit:${source}`),
        onMiss: (role) => events.push(`miss:${role}`),
        onStore: () => events.push('store'),
        onInvalidation: (cause, scope) => events.push(`invalidate:${cause}:${scope}`),
      },
    });
    const read = select('SELECT 1 FROM t', ['t']);
    await runRead(cache, upstream, request(), read);
    await runRead(cache, upstream, request(), read);
    await runWrite(cache, write('insert', ['t']));
    expect(events).to.deep.equal(['miss:leader', 'store', 'hit:memory', 'invalidate:write-start:tables', 'invalidate:write-complete:tables']);
  });

  it('treats a broken store as a miss, never as a failure', async () => {
    const errors: string[] = [];
    await cache.close();
    const storage = {
      store: {
        memory: { get: () => undefined, set: () => false, delete: () => false, clear() {}, entries: 0, bytes: 0, maxBytes: 0, evictions: 0 },
        hasPersistentTier: true,
        lookup: async () => undefined,
        get: async () => undefined,
        set: async () => void errors.push('set'),
        delete: async () => {},
        clear: async () => {},
        close: async () => {},
      },
      versions: createTableVersions(),
      prune: async () => {},
      close: async () => {},
    };
    cache = createQueryCache(memoryConfig, storage, { queryWriter: async () => '' });
    const read = select('SELECT 1 FROM t', ['t']);
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
    expect((await runRead(cache, upstream, request(), read)).source).to.equal('miss');
    expect(errors).to.deep.equal(['set', 'set']);
  });

  it('stops caching when table versions cannot be changed', async () => {
    await cache.close();
    const versions = createTableVersions();
    versions.invalidate = async () => {
      throw new Error('redis down');
    };
    const storage = await createResultStore(memoryConfig, { onStoreError: () => {} });
    cache = createQueryCache(memoryConfig, { ...storage, versions }, { queryWriter: async () => '' });
    await runWrite(cache, write('insert', ['t']));
    expect(await cache.lookup(request(), [select('SELECT 1 FROM t', ['t'])])).to.deep.include({ mode: 'bypass', reason: 'disabled' });
  });
});

describe('query cache rules', () => {
  const onlyNow = classification({ normalized: 'SELECT now ( )', cacheable: false, nonDeterministic: true, cacheableIfDeterministic: true });
  const systemNow = classification({ normalized: 'SELECT now ( ) FROM system . one', tablesRead: ['system.one'], cacheable: false, nonDeterministic: true });
  const plain = select('SELECT count ( ) FROM t', ['t']);
  const orders = select('SELECT * FROM shop . orders', ['shop.orders']);
  const rules = [
    { name: 'orders', tables: ['shop.orders'], noCache: true },
    { name: 'dashboards', match: '\\bnow \\(', cacheNonDeterministic: true, ttlMs: 1500 },
    { name: 'short', users: ['bob'], ttlMs: 2000 },
  ];
  let clock: ReturnType<typeof manualClock>;
  let upstream: ReturnType<typeof fakeUpstream>;
  let cache: QueryCache;
  const bypasses: string[] = [];

  beforeEach(async () => {
    clock = manualClock();
    upstream = fakeUpstream();
    bypasses.length = 0;
    cache = await openQueryCache(
      { ...memoryConfig, replicaLagWindowMs: 0, defaultTtlMs: 60_000, rules },
      { queryWriter: async () => '', now: clock.now, hooks: { onBypass: (reason) => bypasses.push(reason) } },
    );
  });
  afterEach(async () => {
    await cache.close();
  });

  it('caches a read that is non-deterministic and nothing else for the rule TTL, then misses', async () => {
    const lookup = await cache.lookup(request(), [onlyNow]);
    expect(lookup).to.deep.include({ mode: 'use', ttlMs: 1500, rule: 'dashboards' });
    const first = await runRead(cache, upstream, request(), onlyNow);
    clock.advance(1499);
    const second = await runRead(cache, upstream, request(), onlyNow);
    expect([first.source, second.source]).to.deep.equal(['miss', 'hit']);
    expect(second.body.equals(first.body)).to.equal(true);
    clock.advance(1);
    expect((await runRead(cache, upstream, request(), onlyNow)).source).to.equal('miss');
    expect(upstream.calls).to.equal(2);
  });

  it('never lifts a non-deterministic read that something else keeps out', async () => {
    expect((await runRead(cache, upstream, request(), systemNow)).reason).to.equal('not-cacheable');
  });

  it('bypasses reads matched by a no_cache rule, with reason rule', async () => {
    expect((await runRead(cache, upstream, request(), orders)).reason).to.equal('rule');
    expect((await runRead(cache, upstream, request({ query: 'database=shop' }), select('SELECT * FROM orders', ['orders']))).reason).to.equal('rule');
    expect(bypasses).to.deep.equal(['rule', 'rule']);
  });

  it('stores ordinary reads for the default TTL, or the rule TTL for the users it names', async () => {
    expect(await cache.lookup(request(), [plain])).to.deep.include({ mode: 'use', ttlMs: 60_000 });
    expect(await cache.lookup(request(), [plain])).to.not.have.property('rule');
    expect(await cache.lookup(request({ proxyUser: 'bob' }), [plain])).to.deep.include({ mode: 'use', ttlMs: 2000, rule: 'short' });
    await runRead(cache, upstream, request(), plain);
    await runRead(cache, upstream, request({ proxyUser: 'bob' }), plain);
    clock.advance(2000);
    expect((await runRead(cache, upstream, request(), plain)).source).to.equal('hit');
    expect((await runRead(cache, upstream, request({ proxyUser: 'bob' }), plain)).source).to.equal('miss');
    clock.advance(58_000);
    expect((await runRead(cache, upstream, request(), plain)).source).to.equal('miss');
  });

  it('applies rules to single statements only', async () => {
    expect(await cache.lookup(request(), [orders, orders])).to.deep.include({ mode: 'bypass', reason: 'multi-statement' });
  });
});

describe('query cache over sqlite', function () {
  this.timeout(20_000);
  const temp = useTempDir('chgate-query-cache-');

  const sqliteConfig = (path: string): CacheConfig => ({ ...defaultCacheConfig, replicaLagWindowMs: 0, store: { ...defaultCacheConfig.store, kind: 'sqlite', path } });

  it('keeps entries across a clean restart and still honours invalidations made before it', async () => {
    const path = temp.path('cache.sqlite');
    const upstream = fakeUpstream();
    const t = select('SELECT count() FROM t', ['t']);
    const u = select('SELECT count() FROM u', ['u']);
    let cache = await openQueryCache(sqliteConfig(path), { queryWriter: async () => '' });
    await runRead(cache, upstream, request(), t);
    await runRead(cache, upstream, request(), u);
    await runWrite(cache, write('insert', ['t']));
    await cache.close();

    cache = await openQueryCache(sqliteConfig(path), { queryWriter: async () => '' });
    expect((await runRead(cache, upstream, request(), u)).source).to.equal('hit');
    expect((await runRead(cache, upstream, request(), t)).source).to.equal('miss');
    await cache.close();
  });

  it('honours a rule TTL in the sqlite tier after a restart', async () => {
    const path = temp.path('cache.sqlite');
    const upstream = fakeUpstream();
    const clock = manualClock(Date.now());
    const config = { ...sqliteConfig(path), rules: [{ name: 'short', ttlMs: 1000 }] };
    const t = select('SELECT count() FROM t', ['t']);
    let cache = await openQueryCache(config, { queryWriter: async () => '', now: clock.now });
    await runRead(cache, upstream, request(), t);
    await cache.close();
    cache = await openQueryCache(config, { queryWriter: async () => '', now: clock.now });
    expect((await runRead(cache, upstream, request(), t)).source).to.equal('hit');
    await cache.close();
    cache = await openQueryCache(config, { queryWriter: async () => '', now: clock.now });
    clock.advance(1000);
    expect((await runRead(cache, upstream, request(), t)).source).to.equal('miss');
    await cache.close();
  });

  it('after a crash (no clean close) serves nothing stored before it', async () => {
    const path = temp.path('cache.sqlite');
    const upstream = fakeUpstream();
    const u = select('SELECT count() FROM u', ['u']);
    const crashed = await openQueryCache(sqliteConfig(path), { queryWriter: async () => '' });
    await runRead(crashed, upstream, request(), u);
    // crashed is never closed
    const cache = await openQueryCache(sqliteConfig(path), { queryWriter: async () => '' });
    expect((await runRead(cache, upstream, request(), u)).source).to.equal('miss');
    await cache.close();
  });
});
