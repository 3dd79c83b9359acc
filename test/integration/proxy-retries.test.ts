/**
 * Statements sent again when that is safe: reads that could not reach a node, writes that certainly never reached
 * ClickHouse, reads of tables only the writer has. By hand: point a reader at a closed port and
 *   curl --data 'SELECT 1' -i http://127.0.0.1:8124   # X-Chgate-Upstream names the live node
 */
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { queryNode, requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';

interface NodeEntry {
  name: string;
  url: string;
}

/** Puts a node on a closed port (nothing listens on 127.0.0.1:1) first in the writers or readers list. */
function withDeadNode(group: 'writers' | 'readers', extra: Record<string, unknown> = {}) {
  return (yaml: string): string => {
    const document = parse(yaml) as { clusters: { local: Record<string, unknown> & { writers: NodeEntry[]; readers: NodeEntry[] } } };
    const local = document.clusters.local;
    local[group] = [{ name: 'dead', url: 'http://127.0.0.1:1' }, ...local[group]];
    Object.assign(local, extra);
    return stringify(document);
  };
}

async function retriesCounted(chgate: TestChgate, reason: string, node = 'dead'): Promise<number> {
  const text = await chgate.running.metrics.registry.getSingleMetricAsString('chgate_upstream_retries_total');
  const match = new RegExp(`chgate_upstream_retries_total\\{node="${node}",reason="${reason}"\\} (\\d+)`).exec(text);
  return Number(match?.[1] ?? 0);
}

/** ClickHouse's last chunk of a chunked body, after the CRLF that closes the chunk before it. */
const LAST_CHUNK = '\r\n0\r\n\r\n';

/**
 * A TCP relay to a node that, as a node SIGKILLed in the middle of an answer does, passes on every answer up to the
 * end of its body's data and then closes the connection: the status, headers and rows arrive, the body's end never.
 */
async function startCuttingRelay(target: string) {
  let cuts = 0;
  const relay = await startTcpRelay(target, (client, upstream) => {
    let answer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      if (!answer.toString('latin1', answer.length - LAST_CHUNK.length).endsWith(LAST_CHUNK)) return;
      cuts += 1;
      client.end(answer.subarray(0, answer.length - LAST_CHUNK.length + 2));
      upstream.destroy();
    });
  });
  return { ...relay, cuts: () => cuts };
}

describe('retries on a real cluster', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  const writerOnly = 'default.retry_writer_only';
  const table = 'default.retry_writes';

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const name of [writerOnly, table]) await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${name}`, cluster.users.admin);
    await queryNode(cluster.writer, `CREATE TABLE ${writerOnly} (id UInt32) ENGINE = MergeTree ORDER BY id`, cluster.users.admin);
    await queryNode(cluster.writer, `INSERT INTO ${writerOnly} VALUES (1), (2)`, cluster.users.admin);
    await queryNode(cluster.writer, `CREATE TABLE ${table} (id UInt32) ENGINE = MergeTree ORDER BY id`, cluster.users.admin);
  });
  after(async () => {
    for (const name of [writerOnly, table]) await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${name}`, cluster.users.admin);
  });

  // Health checks off: the dead node must be met by traffic, not ejected before the first request.
  const noHealthChecks = { health: { enabled: false } };

  it('sends a read that cannot connect to another reader; the client never sees the dead node', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withDeadNode('readers', noHealthChecks) });
    try {
      for (let i = 0; i < 20; i++) {
        const response = await requestNode({ url: chgate.url }, `SELECT ${i}`);
        expect(response.status, response.body).to.equal(200);
        expect(response.body).to.equal(`${i}\n`);
        expect(response.headers['x-chgate-upstream']).to.not.equal('dead');
      }
      expect(await retriesCounted(chgate, 'connect')).to.be.greaterThan(0);
    } finally {
      await chgate.stop();
    }
  });

  it('sends a write that could not connect to the next writer, once, and it lands once', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withDeadNode('writers', noHealthChecks) });
    try {
      for (let i = 0; i < 10; i++) {
        const response = await requestNode({ url: chgate.url }, `INSERT INTO ${table} VALUES (${i})`);
        expect(response.status, response.body).to.equal(200);
      }
      const rows = await queryNode(cluster.writer, `SELECT count(), uniqExact(id) FROM ${table}`, cluster.users.admin);
      expect(rows.trim()).to.equal('10\t10');
      expect(await retriesCounted(chgate, 'connect')).to.be.greaterThan(0);
    } finally {
      await chgate.stop();
    }
  });

  it('ejects a dead reader by active checks, so reads stop meeting it at all', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withDeadNode('readers', { health: { interval_ms: 200 } }) });
    try {
      const metricsText = async (): Promise<string> => chgate.running.metrics.registry.metrics();
      const deadline = Date.now() + 3000;
      while (!/chgate_upstream_node_state\{node="dead",state="ejected"\} 1/.test(await metricsText())) {
        expect(Date.now(), 'the dead node is ejected within 3 s').to.be.below(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const retriesBefore = await retriesCounted(chgate, 'connect');
      for (let i = 0; i < 30; i++) {
        const response = await requestNode({ url: chgate.url }, `SELECT ${i}`);
        expect(response.status).to.equal(200);
        expect(response.headers['x-chgate-upstream']).to.not.equal('dead');
      }
      expect(await retriesCounted(chgate, 'connect')).to.equal(retriesBefore);
      expect(await metricsText()).to.match(/chgate_upstream_node_state\{node="replica1",state="healthy"\} 1/);
    } finally {
      await chgate.stop();
    }
  });

  it('runs a read of a table only the writer has on the writer, as the read-only user', async () => {
    const chgate = await startTestChgate(cluster);
    try {
      const response = await requestNode({ url: chgate.url }, `SELECT count() FROM ${writerOnly}`);
      expect(response.status, response.body).to.equal(200);
      expect(response.body).to.equal('2\n');
      expect(response.headers['x-chgate-upstream']).to.equal(cluster.writer.name);
      const asWhom = await requestNode({ url: chgate.url }, `SELECT value FROM system.settings WHERE name = 'readonly' AND (SELECT count() FROM ${writerOnly}) > 0`);
      expect(asWhom.body).to.equal('2\n');
    } finally {
      await chgate.stop();
    }
  });

  it('leaves the replica error alone when retry_unknown_table_on_writer is off', async () => {
    const chgate = await startTestChgate(cluster, {
      editConfig: (yaml) => {
        const document = parse(yaml) as { clusters: { local: Record<string, unknown> } };
        document.clusters.local.retry_unknown_table_on_writer = false;
        return stringify(document);
      },
    });
    try {
      const response = await requestNode({ url: chgate.url }, `SELECT count() FROM ${writerOnly}`);
      expect(response.status).to.equal(404);
      expect(response.body).to.match(/Code: 60/);
    } finally {
      await chgate.stop();
    }
  });

  describe('a reader that dies in the middle of an answer (rows sent, the end of the body never)', () => {
    let relay: Awaited<ReturnType<typeof startCuttingRelay>>;
    before(async () => {
      relay = await startCuttingRelay(cluster.replicas[0]!.url);
    });
    after(async () => {
      await relay?.close();
    });

    /** The relay first among the readers; health checks off, so reads keep meeting it. */
    const withCuttingReader = (extra: Record<string, unknown> = {}) => (yaml: string): string => {
      const document = parse(yaml) as { clusters: { local: Record<string, unknown> & { readers: NodeEntry[] } } };
      const local = document.clusters.local;
      local.readers = [{ name: 'cut', url: relay.url }, ...local.readers];
      Object.assign(local, noHealthChecks, extra);
      return stringify(document);
    };

    it('sends the read to another node; the client gets one whole answer, never the broken one', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withCuttingReader() });
      try {
        const cutsBefore = relay.cuts();
        for (let i = 0; i < 20; i++) {
          const response = await requestNode({ url: chgate.url }, `SELECT ${i}, 'row'`);
          expect(response.status, response.body).to.equal(200);
          expect(response.body).to.equal(`${i}\trow\n`);
          expect(response.headers['x-chgate-upstream']).to.not.equal('cut');
        }
        expect(relay.cuts() - cutsBefore, 'answers the relay cut').to.be.greaterThan(0);
        expect(await retriesCounted(chgate, 'socket', 'cut')).to.equal(relay.cuts() - cutsBefore);
      } finally {
        await chgate.stop();
      }
    });

    it('does so for each statement of a multi-statement body, whatever came before it', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withCuttingReader() });
      try {
        const cutsBefore = relay.cuts();
        for (let i = 0; i < 10; i++) {
          const response = await requestNode({ url: chgate.url }, `SELECT ${i}; SELECT ${i + 1}; SELECT ${i + 2}`);
          expect(response.status, response.body).to.equal(200);
          expect(response.body).to.equal(`${i}\n${i + 1}\n${i + 2}\n`);
        }
        expect(relay.cuts() - cutsBefore, 'answers the relay cut').to.be.greaterThan(2);
      } finally {
        await chgate.stop();
      }
    });

    it('with read_failover_buffer_bytes: 0, passes the rows on as they come, and a cut answer ends in the error', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withCuttingReader({ read_failover_buffer_bytes: 0 }) });
      try {
        let response: Awaited<ReturnType<typeof requestNode>> | undefined;
        for (let i = 0; i < 10 && response?.headers['x-chgate-upstream'] !== 'cut'; i++) response = await requestNode({ url: chgate.url }, 'SELECT 7');
        expect(response?.headers['x-chgate-upstream'], 'a read met the relay').to.equal('cut');
        expect(response?.status).to.equal(200);
        expect(response?.body).to.match(/^7\nCode: 210\. DB::Exception: chgate: the connection to ClickHouse broke while streaming/);
      } finally {
        await chgate.stop();
      }
    });
  });
});
