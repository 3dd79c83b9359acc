import { expect } from 'chai';
import { pickLeastLoaded } from '../../../src/upstream/upstream-cluster.js';
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
    connectionStats: () => ({ opened: 0, open: 0, peakOpen: 0 }),
    request: () => Promise.reject(new Error('not used')),
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
