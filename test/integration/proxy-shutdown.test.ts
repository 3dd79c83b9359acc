/**
 * SIGTERM stops chgate gracefully: no new connections, every request in flight completes, then exit 0.
 * By hand: start a long query through chgate, `kill -TERM <pid>`, the query still answers.
 */
import { expect } from 'chai';
import { Pool } from 'undici';
import { queryNode, waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { spawnChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

describe('graceful shutdown', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  it('finishes every request in flight on SIGTERM, then exits 0', async () => {
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 92);
    const client = new Pool(chgate.url, { connections: 20 });
    try {
      const inFlight = Array.from({ length: 20 }, async (_, i) => {
        const response = await client.request({ method: 'POST', path: '/', body: `SELECT ${i}, sleep(1)` });
        return { status: response.statusCode, body: await response.body.text() };
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => chgate.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      chgate.child.kill('SIGTERM');
      const results = await Promise.all(inFlight);
      expect(results.map((r) => r.status)).to.deep.equal(Array.from({ length: 20 }, () => 200));
      expect(results.map((r) => r.body)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `${i}\t0\n`));
      expect(await exited).to.equal(0);
      const exitedAfterMs = Date.now() - signalledAt;
      console.error(`      exited ${exitedAfterMs} ms after SIGTERM, all 20 requests answered`);
      // Idle keep-alive connections are closed as they go idle, not after their 5 s keep-alive timeout.
      expect(exitedAfterMs).to.be.below(3000);
    } finally {
      await client.close();
      await chgate.stop();
    }
  });

  it('cuts what is still running at server.shutdown_timeout_ms and exits 0', async () => {
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 93, {
      editConfig: (yaml) => yaml.replace('server:\n', 'server:\n  shutdown_timeout_ms: 500\n'),
    });
    const client = new Pool(chgate.url, { connections: 1 });
    try {
      const queryId = `shutdown-${Date.now()}`;
      const slow = client
        .request({ method: 'POST', path: `/?query_id=${queryId}`, body: 'SELECT count() FROM numbers(100000000000)' })
        .then((response) => response.body.text())
        .catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => chgate.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      chgate.child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(Date.now() - signalledAt).to.be.below(3000);
      expect(await slow).to.be.instanceOf(Error);
      // The cut query does not keep running on ClickHouse.
      await waitUntil(
        'the cut query to be gone from system.processes',
        async () => {
          const counts = await Promise.all(
            cluster.nodes.map((node) => queryNode(node, `SELECT count() FROM system.processes WHERE query_id = '${queryId}'`, cluster.users.admin)),
          );
          return counts.every((count) => count.trim() === '0');
        },
        { timeoutMs: 3_000, intervalMs: 100 },
      );
    } finally {
      await client.close();
      await chgate.stop();
    }
  });
});
