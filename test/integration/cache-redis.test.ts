/**
 * The shared cache on Redis (issue 8): two chgate processes (bin/chgate.js, built) on the test cluster share one
 * redis-server this test starts (no persistence) and stops.
 *   (a) an entry stored through A is a hit on B; a write through A is an immediate miss on B, with the new rows;
 *   (b) the randomized consistency check (test/helpers/cache-consistency.ts) with requests spread over both
 *       instances: zero stale reads;
 *   (c) the same while Redis is killed (-9) and started again mid-run: zero failed queries, zero stale reads, the
 *       cache bypassed while Redis is down and hits again after.
 * Longer runs: CHGATE_CACHE_CONSISTENCY_SECONDS=120.
 */
import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { signalProcess, waitUntil, type LocalCluster, type ManagedProcess } from '../../scripts/local-cluster.js';
import { startRedisServer } from '../../scripts/redis-process.js';
import { createSharedState, type SharedState } from '../../src/cache/redis-shared-state.js';
import { spawnChgate, type ChgateProcess } from '../helpers/chgate.js';
import { expectAckedRows, newTableState, reportConsistency, runConsistency, type TableState } from '../helpers/cache-consistency.js';
import { baseCacheBlock, createReplicated, dropEverywhere, expectBypass, expectHit, expectMiss, send, sleep, systemOnNodes, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster, TEST_BASE_PORT } from '../helpers/cluster.js';

const DURATION_MS = Number(process.env.CHGATE_CACHE_CONSISTENCY_SECONDS ?? 30) * 1000;
const REDIS_PORT = TEST_BASE_PORT + 90;
const CHGATE_PORTS = [TEST_BASE_PORT + 80, TEST_BASE_PORT + 81] as const;
const REDIS_DIR = join(tmpdir(), `chgate-test-redis-${REDIS_PORT}`);
const startRedis = (): Promise<ManagedProcess> => startRedisServer(REDIS_PORT, REDIS_DIR);
/** kill -9, as a crash. */
async function killRedis(redis: ManagedProcess): Promise<void> {
  if (redis.hasExited()) return;
  signalProcess(redis.pid, 'SIGKILL');
  await redis.exited;
}

/** A counter's total over the series whose labels include `labels`, from chgate's /metrics text. */
async function metricSum(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('query cache on Redis: two instances, one shared cache', function () {
  this.timeout(DURATION_MS + 120_000);
  let cluster: LocalCluster;
  let redis: ManagedProcess | undefined;
  const instances: ChgateProcess[] = [];
  const created: string[] = [];

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    redis = await startRedis();
    const cache = baseCacheBlock({
      store: { kind: 'redis', url: `redis://127.0.0.1:${REDIS_PORT}`, key_prefix: `chgate-test-${process.pid}:`, command_timeout_ms: 300 },
    });
    for (const port of CHGATE_PORTS) instances.push(await spawnChgate(cluster, port, { connectionsPerNode: 32, editConfig: withCache({ cache }) }));
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(instances.map((instance) => instance.stop()));
    if (redis) await killRedis(redis);
    if (cluster) await dropEverywhere(cluster, created);
  });

  const [urlA, urlB] = [() => instances[0]!.url, () => instances[1]!.url];

  const newTables = async (what: string, count: number): Promise<TableState[]> => {
    const tables: TableState[] = [];
    for (let i = 0; i < count; i++) {
      const name = uniqueTable(`${what}_${i}`);
      created.push(name);
      tables.push(newTableState(name));
      await createReplicated(cluster, name, 'id UInt64, v UInt64', 'id');
    }
    return tables;
  };

  it('serves on B what A stored, and a write through A is a miss on B at once, with the new rows', async () => {
    const [table] = (await newTables('redis_ab', 1)) as [TableState];
    const sql = `SELECT count(), sum(v) FROM ${table.name}`;
    expect((await send(urlA(), `INSERT INTO ${table.name} VALUES (1, 10), (2, 20)`)).status).to.equal(200);
    const first = await send(urlA(), sql);
    expectMiss(first, 'first read, through A');
    expect(first.text).to.equal('2\t30\n');
    // The entry reaches Redis a moment after the response (the SET is not waited for).
    await sleep(200);
    const onB = await send(urlB(), sql);
    expectHit(onB, 'the same read through B');
    expect(onB.body.equals(first.body)).to.equal(true);

    expect((await send(urlA(), `INSERT INTO ${table.name} VALUES (3, 30)`)).status).to.equal(200);
    const afterWrite = await send(urlB(), sql);
    expectMiss(afterWrite, 'B right after the write through A');
    expect(afterWrite.text).to.equal('3\t60\n');
    expect(afterWrite.upstream, 'B reads what A wrote moments ago from the writer').to.equal('writer');
    // A read the cache bypasses (rand(): not cacheable) learns of A's write from Redis too.
    const uncached = await send(urlB(), `SELECT count(), sum(v), rand() > 0 FROM ${table.name}`);
    expect(uncached.cache).to.equal('BYPASS');
    expect(uncached.upstream, 'an uncacheable read right after the write through A').to.equal('writer');
    expect(uncached.text).to.equal('3\t60\t1\n');
    await sleep(200);
    expectHit(await send(urlA(), sql), 'A after B stored the new result');
  });

  it('multi-statement bodies and session requests on B read what A wrote moments ago from the writer', async () => {
    const [table] = (await newTables('redis_ryw', 1)) as [TableState];
    const t = table.name;
    // (Replicas are not stopped here: a replica kept behind reports lag for a while and later tests would see it.)
    expect((await send(urlA(), `INSERT INTO ${t} VALUES (1, 10), (2, 20)`)).status).to.equal(200);
    const body = await send(urlB(), `SELECT count() FROM ${t}; SELECT sum(v) FROM ${t}`);
    expect(body.status).to.equal(200);
    expect(body.upstream, 'both reads of a body sent to B right after the write through A').to.equal('writer, writer');
    expect(body.text).to.equal('2\n30\n');
    const inSession = await send(urlB(), `SELECT count() FROM ${t}`, { params: { session_id: `ryw-${process.pid}` } });
    expect(inSession.upstream, 'a session read on B right after the write through A').to.equal('writer');
    expect(inSession.text).to.equal('2\n');
  });

  it('a mutation started through A keeps B from caching the table until it is done; then B reads the new rows', async () => {
    const [state] = (await newTables('redis_mutation', 1)) as [TableState];
    const t = state.name;
    expect((await send(urlA(), `INSERT INTO ${t} VALUES ${Array.from({ length: 10 }, (_, i) => `(${i + 1}, ${i + 1})`).join(', ')}`)).status).to.equal(200);
    const read = `SELECT count(), sum(v) FROM ${t}`;
    await sleep(5_500); // past the lag window: B reads from a replica and stores
    await send(urlB(), read);
    await sleep(200);
    expectHit(await send(urlB(), read), 'B before the mutation');

    // With merges stopped everywhere the mutation cannot run: it stays in flight for as long as the test needs.
    await systemOnNodes(cluster, cluster.nodes, `SYSTEM STOP MERGES ${t}`);
    try {
      expect((await send(urlA(), `ALTER TABLE ${t} DELETE WHERE id <= 5`)).status).to.equal(200);
      for (const wait of [0, 1_500]) {
        await sleep(wait);
        const during = await send(urlB(), read);
        expectBypass(during, 'mutation-in-flight', `B ${wait} ms after the ALTER through A:`);
        expect(during.text).to.equal('10\t55\n');
      }
    } finally {
      await systemOnNodes(cluster, cluster.nodes, `SYSTEM START MERGES ${t}`);
    }
    const after = await waitUntil(
      'the instances to see the mutation finished',
      async () => {
        const response = await send(urlB(), read);
        return response.cache === 'BYPASS' ? undefined : response;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expectMiss(after, 'B, the first cached read after the mutation:');
    expect(after.text).to.equal('5\t40\n');
    // Each instance following the mutation bumps the table once it sees it done (an extra miss, never a stale
    // hit): past a few polls both have, and what B stores now is what A finds.
    await sleep(1_000);
    expect((await send(urlB(), read)).text).to.equal('5\t40\n');
    await sleep(200);
    const onA = await send(urlA(), read);
    expectHit(onA, 'A after B stored the post-mutation result');
    expect(onA.text).to.equal('5\t40\n');
  }).timeout(60_000);

  it(`gives zero stale reads with clients spread over both instances (${DURATION_MS / 1000} s)`, async () => {
    const tables = await newTables('redis_random', 3);
    const urls = instances.map((instance) => instance.url);
    const run = await runConsistency({ tables, urls, durationMs: DURATION_MS, clients: 8, writeProbability: 0.15 });
    reportConsistency(`redis consistency, ${DURATION_MS / 1000} s, 2 instances`, run, { minWrites: 50 });
    await expectAckedRows(urlA(), tables);
  });

  it('fails no query and serves nothing stale while Redis is killed and started again mid-run; hits resume', async () => {
    const tables = await newTables('redis_kill', 3);
    const urls = instances.map((instance) => instance.url);
    const durationMs = Math.max(15_000, DURATION_MS * 0.6);
    const storeUnavailable = async (): Promise<number> =>
      (await metricSum(urlA(), 'chgate_cache_requests_total', { reason: 'store-unavailable' })) +
      (await metricSum(urlB(), 'chgate_cache_requests_total', { reason: 'store-unavailable' }));
    const bypassedBefore = await storeUnavailable();
    const chaos = (async () => {
      await sleep(durationMs / 3);
      await killRedis(redis!);
      console.log('      [redis chaos] redis-server killed (-9)');
      await sleep(durationMs / 4);
      redis = await startRedis();
      console.log('      [redis chaos] redis-server started again (empty)');
    })();
    const run = await runConsistency({ tables, urls, durationMs, clients: 8, writeProbability: 0.15 });
    await chaos;
    reportConsistency('redis killed mid-run', run, { minWrites: 30 });
    await expectAckedRows(urlA(), tables);

    const bypassed = (await storeUnavailable()) - bypassedBefore;
    console.log(`      [redis chaos] reads bypassed (store-unavailable) while Redis was down: ${bypassed}`);
    expect(bypassed, 'reads bypassed as store-unavailable').to.be.greaterThan(0);

    // Recovered: a read stored through one instance is a hit on the other again.
    const sql = `SELECT count(), sum(v) FROM ${tables[0]!.name}`;
    await sleep(6_000); // past the lag window the new incarnation opened
    for (const url of [urlA(), urlB()]) expect(await metricSum(url, 'chgate_cache_store_available', {}), `store available on ${url}`).to.equal(1);
    const miss = await send(urlB(), sql);
    expect(miss.cache).to.be.oneOf(['MISS', 'HIT']);
    expectHit(await send(urlA(), sql), 'A after B, Redis back');
  });
});

type RedisClient = ReturnType<typeof newRedisClient>;
const newRedisClient = (port: number) => createClient({ url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true });

describe('query cache on Redis: the shared state scripts on a real Redis', function () {
  const port = REDIS_PORT + 1;
  let redis: ManagedProcess | undefined;
  const clients: RedisClient[] = [];
  const opened: SharedState[] = [];

  before(async function () {
    this.timeout(20_000);
    redis = await startRedisServer(port, REDIS_DIR);
  });

  after(async () => {
    for (const shared of opened) shared.close();
    for (const client of clients) if (client.isOpen) await client.close();
    if (redis) await killRedis(redis);
  });

  /** A shared state over its own connection, as one chgate instance has, synced. */
  const instance = async (stateKey = 'unit:state'): Promise<{ shared: SharedState; client: RedisClient }> => {
    const client = newRedisClient(port);
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    const shared = createSharedState({ client: { sendCommand: (args) => client.sendCommand(args), get isReady() { return client.isReady; } }, stateKey, windowMs: 1_000, markTtlMs: 60_000, onError: () => {} });
    opened.push(shared);
    shared.connected();
    await waitUntil('the shared state synced', async () => shared.available || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    return { shared, client };
  };

  it('a bump through one instance is in the next read of another, with the write time and the marks', async () => {
    const a = await instance();
    const b = await instance();
    const before = await b.shared.read(['db.t', 'db.m']);
    expect(before?.snapshot.scopes).to.deep.equal([['d:db', 0], ['t:db.m', 0], ['t:db.t', 0]]);
    await sleep(1_100); // past the window the first incarnation opened
    expect((await b.shared.read(['db.t']))?.recentlyWritten).to.equal(false);

    await a.shared.invalidate({ scopes: ['t:db.t', 't:db.m'], mark: ['db.m'], unmark: [] });
    const after = await b.shared.read(['db.t', 'db.m']);
    expect(after?.incarnation).to.equal(before?.incarnation);
    expect(after?.snapshot.scopes).to.deep.equal([['d:db', 0], ['t:db.m', 1], ['t:db.t', 1]]);
    expect(after?.recentlyWritten).to.equal(true);
    expect(after?.lastWriteAtMs).to.be.within(Date.now() - 1_000, Date.now() + 5);
    expect(after?.mutating).to.deep.equal(['db.m']);

    await a.shared.invalidate({ scopes: ['t:db.m'], mark: [], unmark: ['db.m'] });
    expect((await b.shared.read(['db.m']))?.mutating).to.deep.equal([]);
    await a.shared.invalidate({ scopes: ['*'], mark: [], unmark: [] });
    expect((await b.shared.read(['db.t']))?.snapshot.epoch).to.equal(1);
  });

  it('rotates the incarnation when the state is lost, when Redis restarted, and when an instance lost a bump', async () => {
    const a = await instance('rotate:state');
    const b = await instance('rotate:state');
    const first = (await b.shared.read(['db.t']))!.incarnation;

    // Lost (FLUSHALL, eviction, a restart without persistence): made again at the next script, as a write to everything.
    await a.client.sendCommand(['DEL', 'rotate:state']);
    await sleep(1_100);
    const recreated = (await b.shared.read(['db.t']))!;
    expect(recreated.incarnation).to.not.equal(first);
    expect(recreated.recentlyWritten, 'a new incarnation opens the lag window for everything').to.equal(true);
    expect(recreated.snapshot.scopes).to.deep.equal([['d:db', 0], ['t:db.t', 0]]);

    // Came back from a snapshot of another run: the first instance to sync rotates, the others keep it.
    await a.client.sendCommand(['HSET', 'rotate:state', '!run', 'another-run']);
    a.shared.disconnected();
    a.shared.connected();
    await waitUntil('a synced again', async () => a.shared.available || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    const afterRestart = (await a.shared.read(['db.t']))!.incarnation;
    expect(afterRestart).to.not.equal(recreated.incarnation);
    b.shared.disconnected();
    b.shared.connected();
    await waitUntil('b synced again', async () => b.shared.available || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    expect((await b.shared.read(['db.t']))!.incarnation, 'same run: no second rotation').to.equal(afterRestart);

    // A bump lost while unavailable: rotated by that instance's next sync.
    a.shared.disconnected();
    await a.shared.invalidate({ scopes: ['t:db.t'], mark: [], unmark: [] });
    a.shared.connected();
    await waitUntil('a synced after its lost bump', async () => a.shared.available || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    expect((await b.shared.read(['db.t']))!.incarnation).to.not.equal(afterRestart);
  });
});
