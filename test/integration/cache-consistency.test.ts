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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { expectAckedRows, newTableState, reportConsistency, runConsistency, type TableState } from '../helpers/cache-consistency.js';
import { baseCacheBlock, createReplicated, dropEverywhere, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const DURATION_MS = Number(process.env.CHGATE_CACHE_CONSISTENCY_SECONDS ?? 30) * 1000;
const CLIENTS = 8;
const WRITE_PROBABILITY = 0.15;

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
      tables.push(newTableState(name));
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
    const run = await runConsistency({ tables, urls: [chgate.url], durationMs: DURATION_MS, clients: CLIENTS, writeProbability: WRITE_PROBABILITY });
    reportConsistency(`cache consistency, ${DURATION_MS / 1000} s, ${CLIENTS} clients`, run, { minWrites: 50 });
    await expectAckedRows(chgate.url, tables);
  });
});
