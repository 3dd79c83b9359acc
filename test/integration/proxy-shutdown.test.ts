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

  it('under continuous load: requests in flight at SIGTERM complete, new connections are refused, exit 0', async () => {
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 94);
    const clients = 8;
    const client = new Pool(chgate.url, { connections: clients });
    interface Sent {
      startedAt: number;
      endedAt: number;
      outcome: string;
    }
    const sent: Sent[] = [];
    let signalledAt = Infinity;
    // Each client sends back to back until its connection is refused; statements take 0-600 ms, so some are
    // always in flight.
    const loops = Array.from({ length: clients }, async (_, client_) => {
      for (let i = 0; Date.now() < signalledAt + 10_000; i++) {
        const startedAt = Date.now();
        const expected = `${client_}\t${i}\n`;
        let outcome: string;
        try {
          const response = await client.request({ method: 'POST', path: '/', body: `SELECT ${client_}, ${i} FROM system.one WHERE sleep(${((i + client_) % 4) * 0.2}) = 0` });
          const body = await response.body.text();
          outcome = response.statusCode === 200 && body === expected ? 'ok' : `HTTP ${response.statusCode}: ${body.slice(0, 200)}`;
        } catch (error) {
          outcome = (error as { code?: string }).code ?? String(error);
        }
        sent.push({ startedAt, endedAt: Date.now(), outcome });
        if (outcome === 'ECONNREFUSED') return;
      }
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const exited = new Promise<number | null>((resolve) => chgate.child.once('exit', (code) => resolve(code)));
      signalledAt = Date.now();
      chgate.child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      const exitedAt = Date.now();
      await Promise.all(loops);
      // In flight at the signal: sent at least 100 ms before it (so chgate had read the request) and not yet answered.
      const inFlight = sent.filter((each) => each.startedAt < signalledAt - 100 && each.endedAt >= signalledAt);
      const racing = sent.filter((each) => each.startedAt >= signalledAt - 100 && each.startedAt < signalledAt);
      const later = sent.filter((each) => each.startedAt >= signalledAt);
      const tally = (list: Sent[]) => JSON.stringify(list.reduce<Record<string, number>>((all, each) => ({ ...all, [each.outcome]: (all[each.outcome] ?? 0) + 1 }), {}));
      console.error(
        `      ${sent.length} requests; in flight at SIGTERM ${tally(inFlight)}; sent within 100 ms before it ${tally(racing)}; ` +
          `after it ${tally(later)}; exited ${exitedAt - signalledAt} ms after SIGTERM`,
      );
      expect(sent.filter((each) => each.endedAt < signalledAt).every((each) => each.outcome === 'ok')).to.equal(true);
      expect(inFlight.length).to.be.at.least(1);
      expect(inFlight.filter((each) => each.outcome !== 'ok')).to.deep.equal([]);
      // Whatever came after the signal was either still served (on a connection chgate had not closed yet) or
      // refused; chgate never answered with an error of its own.
      expect(later.filter((each) => each.outcome.startsWith('HTTP'))).to.deep.equal([]);
      expect(later.some((each) => each.outcome === 'ECONNREFUSED')).to.equal(true);
      expect(exitedAt - signalledAt).to.be.below(3_000);
    } finally {
      signalledAt = Math.min(signalledAt, Date.now());
      await Promise.all(loops);
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
