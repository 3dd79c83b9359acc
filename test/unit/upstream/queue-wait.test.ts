/**
 * chgate_upstream_queue_wait_seconds is fed by the node's onQueueWait hook: told of each queued request when it gets
 * a connection, with how long it waited; never of a request that found a connection free.
 */
import { expect } from 'chai';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PoolConfig } from '../../../src/config/config.js';
import { createUpstreamNode } from '../../../src/upstream/upstream-node.js';

const pool: PoolConfig = {
  connectionsPerNode: 1,
  keepAliveTimeoutMs: 60_000,
  keepAliveMarginMs: 0,
  maxQueue: 4,
  queueTimeoutMs: 5_000,
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 5_000,
  readHeadersTimeoutMs: 5_000,
  bodyTimeoutMs: 5_000,
};

describe('upstream node: queue wait', () => {
  it('reports the wait of a queued request when it gets the connection, and nothing for one that did not queue', async () => {
    // Answers 300 ms after each request: the second request waits for the single connection about that long.
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on('end', () => setTimeout(() => response.end('ok'), 300));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const waits: { node: string; seconds: number }[] = [];
    const node = createUpstreamNode({ name: 'slow', url, weight: 1 }, 'reader', pool, { onQueueWait: (name, seconds) => waits.push({ node: name, seconds }) });
    const send = async (): Promise<string> => {
      const response = await node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('x') });
      return Buffer.from(await response.body.toArray().then((chunks) => Buffer.concat(chunks as Buffer[]))).toString();
    };
    try {
      expect(await Promise.all([send(), send()])).to.deep.equal(['ok', 'ok']);
      expect(waits).to.have.length(1);
      expect(waits[0]?.node).to.equal('slow');
      expect(waits[0]?.seconds).to.be.within(0.25, 3);
      await send();
      expect(waits, 'a request that found the connection free').to.have.length(1);
    } finally {
      await node.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
