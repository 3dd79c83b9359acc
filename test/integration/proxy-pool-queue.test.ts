/**
 * The bounded wait queue in front of each node's connections: beyond `connections_per_node` running and `max_queue`
 * waiting, a request is refused at once; a request that waits longer than `queue_timeout_ms` is refused then. Both
 * answer ClickHouse's TOO_MANY_SIMULTANEOUS_QUERIES (code 202) with HTTP 503.
 * By hand: pool { connections_per_node: 2, max_queue: 2 }, then
 *   for i in 1 2 3 4 5 6; do curl -s 'http://127.0.0.1:8124/' --data-binary 'SELECT sleep(1)' & done; wait
 */
import { expect } from 'chai';
import type { LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { sendConcurrently } from '../helpers/concurrent-requests.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';
import { counterSum } from '../helpers/metric-values.js';

/** Every read on the writer alone, with the given pool settings. */
function withPool(pool: string) {
  return (yaml: string): string =>
    yaml.replace(/readers:\n(?: {6}- .*\n)+/, 'readers: []\n').replace(/pool:\n {6}connections_per_node: \d+\n/, `pool:\n${pool}`);
}

const counterValue = (chgate: TestChgate, reason: string): Promise<number> =>
  counterSum(chgate.running.metrics.upstreamQueueRejected, 'reason', reason);

describe('upstream wait queue', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  it('runs connections_per_node, queues max_queue and refuses the rest at once with code 202', async () => {
    const chgate = await startTestChgate(cluster, {
      editConfig: withPool('      connections_per_node: 2\n      max_queue: 2\n      queue_timeout_ms: 10000\n'),
    });
    try {
      const outcomes = await sendConcurrently(chgate.url, Array.from({ length: 6 }, (_, i) => `SELECT ${i}, sleep(1)`));
      const served = outcomes.filter((outcome) => outcome.status === 200);
      const refused = outcomes.filter((outcome) => outcome.status !== 200);
      console.error(`      served in ${served.map((o) => o.ms).join(', ')} ms; refused in ${refused.map((o) => o.ms).join(', ')} ms`);
      expect(served).to.have.length(4);
      expect(refused).to.have.length(2);
      for (const outcome of refused) {
        expect(outcome.status).to.equal(503);
        expect(outcome.code).to.equal('202');
        expect(outcome.body).to.match(/^Code: 202\. DB::Exception: chgate: .*\(TOO_MANY_SIMULTANEOUS_QUERIES\)\n$/);
        // Refused at once, not after waiting for a connection.
        expect(outcome.ms).to.be.below(900);
      }
      // Two ran at once, two waited for them: the queued ones finish a second later.
      const times = served.map((outcome) => outcome.ms).sort((a, b) => a - b);
      expect(times[1]).to.be.below(1_900);
      expect(times[2]).to.be.at.least(1_900);
      expect(await counterValue(chgate, 'full')).to.equal(2);
      const length = await chgate.running.metrics.upstreamQueueLength.get();
      expect(length.values.find((value) => value.labels.node === 'writer')?.value).to.equal(0);
    } finally {
      await chgate.stop();
    }
  });

  it('refuses a request that waited queue_timeout_ms for a connection', async () => {
    const chgate = await startTestChgate(cluster, {
      editConfig: withPool('      connections_per_node: 1\n      max_queue: 10\n      queue_timeout_ms: 400\n'),
    });
    try {
      const outcomes = await sendConcurrently(chgate.url, ['SELECT 0, sleep(1)', 'SELECT 1, sleep(1)', 'SELECT 2, sleep(1)']);
      const served = outcomes.filter((outcome) => outcome.status === 200);
      const refused = outcomes.filter((outcome) => outcome.status !== 200);
      console.error(`      served in ${served.map((o) => o.ms).join(', ')} ms; timed out in ${refused.map((o) => o.ms).join(', ')} ms`);
      expect(served).to.have.length(1);
      expect(refused).to.have.length(2);
      for (const outcome of refused) {
        expect(outcome.code).to.equal('202');
        expect(outcome.body).to.contain('within 400 ms');
        expect(outcome.ms).to.be.within(350, 990);
      }
      expect(await counterValue(chgate, 'timeout')).to.equal(2);
      // The queue refused, ClickHouse never saw them: the node is not marked unhealthy for it.
      const writer = chgate.running.clusters.get('local')?.nodes.find((node) => node.name === 'writer');
      expect(writer?.health?.state()).to.equal('healthy');
    } finally {
      await chgate.stop();
    }
  });
});
