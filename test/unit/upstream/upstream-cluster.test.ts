import { expect } from 'chai';
import type { ClusterConfig } from '../../../src/config/config.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { COMPRESSION_REFUSED_MS, REMOVED_NODE_GRACE_MS, createUpstreamCluster, pickLeastLoaded } from '../../../src/upstream/upstream-cluster.js';
import type { UpstreamNode } from '../../../src/upstream/upstream-node.js';

function fakeNode(name: string, inFlight: number, weight = 1): UpstreamNode {
  return {
    name,
    role: 'reader',
    url: `http://${name}`,
    weight,
    health: undefined,
    readHeadersTimeoutMs: 1000,
    inFlight: () => inFlight,
    queued: () => 0,
    connectionStats: () => ({ opened: 0, open: 0, peakOpen: 0 }),
    request: () => Promise.reject(new Error('not used')),
    drain: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

describe('pickLeastLoaded', () => {
  it('picks the node with the fewest requests in flight', () => {
    const nodes = [fakeNode('a', 3), fakeNode('b', 1), fakeNode('c', 2)];
    for (let turn = 0; turn < 5; turn++) expect(pickLeastLoaded(nodes, turn).name).to.equal('b');
  });
  it('takes turns among equally loaded nodes', () => {
    const nodes = [fakeNode('a', 0), fakeNode('b', 0), fakeNode('c', 0)];
    expect([0, 1, 2, 3].map((turn) => pickLeastLoaded(nodes, turn).name)).to.deep.equal(['a', 'b', 'c', 'a']);
  });
  it('weighs load by node weight', () => {
    const nodes = [fakeNode('small', 2, 1), fakeNode('big', 4, 4)];
    expect(pickLeastLoaded(nodes, 0).name).to.equal('big');
  });
  it('refuses an empty list', () => {
    expect(() => pickLeastLoaded([], 0)).to.throw();
  });
});

describe('createUpstreamCluster: reconfigure', () => {
  const node = (name: string, port: number) => `{ name: ${name}, url: "http://127.0.0.1:${port}" }`;
  // Through the loader, so every default is filled in. Health off: nothing here connects anywhere.
  const clusterConfig = (readers: string[], readUser = 'reader', connections = 2): ClusterConfig =>
    parseConfigText(
      `clusters:
  local:
    write_user: { user: writer }
    read_user: { user: ${readUser} }
    writers: [${node('writer', 1)}]
    readers: [${readers.join(', ')}]
    pool: { connections_per_node: ${connections} }
    health: { enabled: false }
users:
  default: { cluster: local }
`,
      {},
    ).clusters.get('local') as ClusterConfig;

  it('keeps unchanged nodes, starts new ones, drains and closes removed ones', async () => {
    const closed: string[] = [];
    const added: string[] = [];
    const cluster = createUpstreamCluster(clusterConfig([node('replica1', 2)]), {
      onNodeAdded: (each) => added.push(each.name),
      onNodeClosed: (each) => closed.push(each.name),
    });
    try {
      const [writer, replica1] = cluster.nodes;
      expect(added).to.deep.equal(['writer', 'replica1']);
      const changes = cluster.reconfigure(clusterConfig([node('replica2', 3)]));
      expect(changes).to.deep.equal({ added: ['replica2'], removed: ['replica1'], kept: ['writer'] });
      expect(cluster.nodes[0]).to.equal(writer);
      expect(cluster.nodes.map((each) => each.name)).to.deep.equal(['writer', 'replica2']);
      for (let turn = 0; turn < 4; turn++) expect(cluster.pick('reader', 'read').node.name).to.equal('replica2');
      // The removed node closes after its grace period, with nothing in flight.
      expect(closed).to.deep.equal([]);
      await new Promise((resolve) => setTimeout(resolve, REMOVED_NODE_GRACE_MS + 300));
      expect(closed).to.deep.equal(['replica1']);
      const error = await replica1!.request({ method: 'GET', path: '/', headers: {}, body: null }).catch((caught: unknown) => caught);
      expect(error).to.have.property('code', 'CHGATE_NODE_CLOSED');
    } finally {
      await cluster.close();
    }
  });

  it('offers no ClickHouse-made encodings for COMPRESSION_REFUSED_MS after a refusal, then the configured ones again', async () => {
    const cluster = createUpstreamCluster(clusterConfig([node('replica1', 2)]));
    const realNow = Date.now;
    try {
      expect(cluster.compressionEncodings).to.deep.equal(['gzip', 'deflate']);
      cluster.noteCompressionRefused();
      expect(cluster.compressionEncodings).to.deep.equal([]);
      const refusedAt = realNow();
      Date.now = () => refusedAt + COMPRESSION_REFUSED_MS - 1_000;
      expect(cluster.compressionEncodings).to.deep.equal([]);
      Date.now = () => refusedAt + COMPRESSION_REFUSED_MS + 1_000;
      expect(cluster.compressionEncodings).to.deep.equal(['gzip', 'deflate']);
    } finally {
      Date.now = realNow;
      await cluster.close();
    }
  });

  it('replaces a node whose URL or pool changed, and applies the new read user at once', async () => {
    const cluster = createUpstreamCluster(clusterConfig([node('replica1', 2)]));
    try {
      const before = cluster.nodes[1];
      const moved = cluster.reconfigure(clusterConfig([node('replica1', 4)], 'reader2'));
      expect(moved).to.deep.equal({ added: ['replica1'], removed: ['replica1'], kept: ['writer'] });
      expect(cluster.nodes[1]).to.not.equal(before);
      expect(cluster.nodes[1]?.url).to.equal('http://127.0.0.1:4');
      expect(cluster.readUser).to.equal('reader2');
      expect(cluster.pick('reader', 'read').credentials.user).to.equal('reader2');
      const resized = cluster.reconfigure(clusterConfig([node('replica1', 4)], 'reader2', 3));
      expect(resized.removed).to.deep.equal(['writer', 'replica1']);
    } finally {
      // Closes the removed nodes at once too, without waiting for their grace period.
      const startedAt = Date.now();
      await cluster.close();
      expect(Date.now() - startedAt).to.be.below(REMOVED_NODE_GRACE_MS);
    }
  });
});
