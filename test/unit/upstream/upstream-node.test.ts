/**
 * The pool's stale-socket retry, against a fake server that does what ClickHouse does only by chance: it answers
 * one request with keep-alive, then drops the connection when the next request arrives on it (the server's idle
 * timeout firing just as the request was on its way). The queue itself is tested against real ClickHouse in
 * test/integration/proxy-pool-queue.test.ts.
 */
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { PoolConfig } from '../../../src/config/config.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { createUpstreamNode, NodeClosedError, type UpstreamNode } from '../../../src/upstream/upstream-node.js';

const pool: PoolConfig = {
  connectionsPerNode: 1,
  keepAliveTimeoutMs: 60_000,
  keepAliveMarginMs: 0,
  maxQueue: 1,
  queueTimeoutMs: 200,
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 2_000,
  readHeadersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
};

/**
 * Answers the first request of each connection; the second request on a connection gets the connection dropped
 * (`dropFirst`: every request does).
 */
async function startDroppingServer(dropFirst = false): Promise<{ server: Server; url: string; requests: string[]; connections: number }> {
  const state = { requests: [] as string[], connections: 0 };
  const server = createServer((socket: Socket) => {
    state.connections += 1;
    let served = 0;
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.slice(0, end);
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.slice(end + 4, end + 4 + length);
      buffer = buffer.slice(end + 4 + length);
      if (served === 1 || dropFirst) {
        socket.destroy();
        return;
      }
      served += 1;
      state.requests.push(`${head.split(' ')[0]} ${body}`);
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=30\r\n\r\nok');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
  };
}

async function send(node: UpstreamNode, method: 'GET' | 'POST', body: string | null, idempotent?: boolean): Promise<string> {
  const response = await node.request({
    method,
    path: '/',
    headers: {},
    body: body === null ? null : Buffer.from(body),
    ...(idempotent !== undefined ? { idempotent } : {}),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('upstream node: stale keep-alive sockets', () => {
  let fake: Awaited<ReturnType<typeof startDroppingServer>>;
  let node: UpstreamNode;
  const retries: string[] = [];

  beforeEach(async () => {
    fake = await startDroppingServer();
    retries.length = 0;
    node = createUpstreamNode({ name: 'fake', url: fake.url, weight: 1 }, 'reader', pool, { onStaleSocketRetry: (name) => retries.push(name) });
  });
  afterEach(async () => {
    await node.close();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('sends a GET that broke on a reused socket again, on a new connection', async () => {
    expect(await send(node, 'GET', null)).to.equal('ok');
    expect(await send(node, 'GET', null)).to.equal('ok');
    expect(retries).to.deep.equal(['fake']);
    expect(fake.connections).to.equal(2);
    expect(node.connectionStats().opened).to.equal(2);
    expect(node.inFlight()).to.equal(0);
  });

  it('sends a request marked idempotent again', async () => {
    expect(await send(node, 'POST', 'SELECT 1')).to.equal('ok');
    expect(await send(node, 'POST', 'SELECT 2', true)).to.equal('ok');
    expect(fake.requests).to.deep.equal(['POST SELECT 1', 'POST SELECT 2']);
    expect(retries).to.have.length(1);
  });

  it('does not send a write again when the server may have read it', async () => {
    expect(await send(node, 'POST', 'INSERT 1')).to.equal('ok');
    const error = await send(node, 'POST', 'INSERT 2').catch((caught: unknown) => caught);
    expect(error).to.have.property('code').that.is.oneOf(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
    expect(retries).to.deep.equal([]);
    expect(node.inFlight()).to.equal(0);
  });

  it('does not retry a failure on a fresh connection', async () => {
    const dropping = await startDroppingServer(true);
    const fresh = createUpstreamNode({ name: 'fresh', url: dropping.url, weight: 1 }, 'reader', pool, { onStaleSocketRetry: (name) => retries.push(name) });
    try {
      const error = await send(fresh, 'GET', null).catch((caught: unknown) => caught);
      expect(error).to.have.property('code').that.is.oneOf(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
      expect(retries).to.deep.equal([]);
      expect(dropping.connections).to.equal(1);
    } finally {
      await fresh.close();
      await new Promise((resolve) => dropping.server.close(resolve));
    }
  });
});

/** Accepts connections and never answers. */
async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('upstream node: queue bound and life cycle', () => {
  it('refuses a request at once when every connection is busy and the queue is full, and after queue_timeout_ms', async () => {
    // A server that never answers keeps the single connection busy.
    const { url, stop } = await startSilentServer();
    const rejected: string[] = [];
    const lengths: number[] = [];
    const node = createUpstreamNode({ name: 'busy', url, weight: 1 }, 'reader', pool, {
      onQueueRejected: (_name, reason) => rejected.push(reason),
      onQueueLength: (_name, length) => lengths.push(length),
    });
    const abort = new AbortController();
    try {
      const first = node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('x'), signal: abort.signal }).catch((error: unknown) => error);
      const startedAt = Date.now();
      const queued = node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('y') }).catch((error: unknown) => error);
      expect(node.inFlight()).to.equal(2);
      expect(node.queued()).to.equal(1);
      const refused = await node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('z') }).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(ChgateError);
      expect((refused as ChgateError).code).to.equal(202);
      expect((refused as ChgateError).status).to.equal(503);
      const timedOut = await queued;
      expect(timedOut).to.be.instanceOf(ChgateError);
      expect((timedOut as ChgateError).errorName).to.equal('TOO_MANY_SIMULTANEOUS_QUERIES');
      expect(Date.now() - startedAt).to.be.within(150, 2_000);
      expect(rejected).to.deep.equal(['full', 'timeout']);
      expect(lengths).to.deep.equal([1, 0]);
      abort.abort();
      expect(await first).to.have.property('name', 'AbortError');
      expect(node.inFlight()).to.equal(0);
    } finally {
      await node.close();
      await stop();
    }
  });

  it('sends an urgent request (a KILL QUERY) over a connection of its own when every connection is busy', async () => {
    // Answers only the urgent statement; anything else hangs and keeps the single pooled connection busy.
    const server = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (body.startsWith('KILL')) response.end('Ok.\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const node = createUpstreamNode({ name: 'saturated', url, weight: 1 }, 'reader', pool);
    const abort = new AbortController();
    try {
      const busy = node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('SELECT sleep(3)'), signal: abort.signal }).catch((error: unknown) => error);
      const queued = node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('SELECT 2'), signal: abort.signal }).catch((error: unknown) => error);
      const refused = await node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('KILL QUERY') }).catch((error: unknown) => error);
      expect((refused as ChgateError).code, 'an ordinary request is refused: the queue is full').to.equal(202);
      const kill = await node.request({ method: 'POST', path: '/', headers: {}, body: Buffer.from('KILL QUERY'), urgent: true });
      expect(kill.statusCode).to.equal(200);
      let text = '';
      for await (const chunk of kill.body) text += (chunk as Buffer).toString();
      expect(text).to.equal('Ok.\n');
      expect(node.queued(), 'the urgent request did not take a queue place').to.equal(1);
      abort.abort();
      await Promise.all([busy, queued]);
    } finally {
      await node.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives a queued request up when its caller aborts', async () => {
    const { url, stop } = await startSilentServer();
    const node = createUpstreamNode({ name: 'busy', url, weight: 1 }, 'reader', { ...pool, queueTimeoutMs: 60_000 });
    const first = new AbortController();
    const second = new AbortController();
    try {
      const running = node.request({ method: 'GET', path: '/', headers: {}, body: null, signal: first.signal }).catch((error: unknown) => error);
      const waiting = node.request({ method: 'GET', path: '/', headers: {}, body: null, signal: second.signal }).catch((error: unknown) => error);
      expect(node.queued()).to.equal(1);
      second.abort();
      expect(await waiting).to.have.property('code', 'UND_ERR_ABORTED');
      expect(node.queued()).to.equal(0);
      first.abort();
      await running;
    } finally {
      await node.close();
      await stop();
    }
  });

  it('drains: closes after a grace period with nothing in flight, then refuses as if the node were down', async () => {
    const fake = await startDroppingServer();
    const node = createUpstreamNode({ name: 'leaving', url: fake.url, weight: 1 }, 'reader', pool);
    try {
      const startedAt = Date.now();
      const drained = node.drain(150);
      // Still usable during the grace period: a statement that picked it just before its removal gets through.
      expect(await send(node, 'GET', null)).to.equal('ok');
      await drained;
      expect(Date.now() - startedAt).to.be.at.least(150);
      const error = await send(node, 'GET', null).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(NodeClosedError);
      expect(error).to.have.property('code', 'CHGATE_NODE_CLOSED');
    } finally {
      await node.close();
      await new Promise((resolve) => fake.server.close(resolve));
    }
  });
});
