/**
 * A query whose client went away is killed on ClickHouse, which would otherwise run it to the end.
 * By hand: curl --max-time 0.5 --data 'SELECT count() FROM numbers(100000000000)' http://127.0.0.1:8124, then
 * SELECT query_id FROM system.processes on the replica: it is gone.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { nodesRunning } from '../helpers/clickhouse-side.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

describe('client gone', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    chgate = await startTestChgate(cluster);
  });
  after(async () => chgate?.stop());

  const runningOn = (queryId: string): Promise<string[]> => nodesRunning(cluster, queryId);

  it('kills the running query on its node within 1 s of the client disconnecting', async () => {
    const queryId = randomUUID();
    const aborter = new AbortController();
    const pending = request(`${chgate.url}/?query_id=${queryId}`, {
      method: 'POST',
      body: 'SELECT count() FROM numbers(100000000000)',
      signal: aborter.signal,
    }).catch((error: unknown) => error);
    await waitUntil('the query to run on a node', async () => (await runningOn(queryId)).length === 1, { timeoutMs: 10_000, intervalMs: 50 });
    aborter.abort();
    await pending;
    const abortedAt = Date.now();
    await waitUntil('the query to be gone from system.processes', async () => (await runningOn(queryId)).length === 0, { timeoutMs: 5_000, intervalMs: 50 });
    const goneAfterMs = Date.now() - abortedAt;
    console.error(`      query gone ${goneAfterMs} ms after the client left`);
    expect(goneAfterMs).to.be.below(1000);
    const killed = await chgate.running.metrics.registry.getSingleMetricAsString('chgate_killed_queries_total');
    expect(killed).to.match(/chgate_killed_queries_total\{reason="client-gone"\} [1-9]/);
  });
});
