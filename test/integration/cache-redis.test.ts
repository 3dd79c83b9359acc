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
import { signalProcess, type LocalCluster, type ManagedProcess } from '../../scripts/local-cluster.js';
import { startRedisServer } from '../../scripts/redis-process.js';
import { spawnChgate, type ChgateProcess } from '../helpers/chgate.js';
import { expectAckedRows, newTableState, reportConsistency, runConsistency, type TableState } from '../helpers/cache-consistency.js';
import { baseCacheBlock, createReplicated, dropEverywhere, expectHit, expectMiss, send, sleep, uniqueTable, withCache } from '../helpers/cache-helpers.js';
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
    await sleep(200);
    expectHit(await send(urlA(), sql), 'A after B stored the new result');
  });

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
