import { expect } from 'chai';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/log/create-logger.js';
import { createMetrics } from '../../../src/metrics/create-metrics.js';
import { applyServerLimits, createHttpServer, type ServerLimits } from '../../../src/server/create-server.js';

const limits: ServerLimits = { headersTimeoutMs: 400, requestTimeoutMs: 5_000, keepAliveTimeoutMs: 1_000, maxHeaderBytes: 4_096, maxUrlBytes: 1_024, maxConnections: 100 };

/** Raw bytes in, everything the server sends until it closes out. */
function exchange(port: number, bytes: string, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    setTimeout(() => {
      socket.destroy();
      resolve(`${received}<still open>`);
    }, timeoutMs).unref();
  });
}

describe('createHttpServer', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createHttpServer({
      handleQuery: async (_request, response) => void response.end('handled\n'),
      handleAdmin: async (_request, response) => void response.end('admin\n'),
      metrics: createMetrics(),
      logger: createLogger('silent'),
      limits,
    }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers malformed HTTP with a 400 in ClickHouse format and closes', async () => {
    const answer = await exchange(port, 'FOO / HTTP/1.1\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).to.include('x-clickhouse-exception-code: 36');
    expect(answer).to.match(/Code: 36\. DB::Exception: chgate: malformed HTTP request: .*\(BAD_ARGUMENTS\)\n$/);
  });

  it('refuses headers over max_header_bytes with a 431', async () => {
    const answer = await exchange(port, `GET / HTTP/1.1\r\nx: ${'a'.repeat(5_000)}\r\n\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 431 /);
    expect(answer).to.include('exceed server.max_header_bytes');
  });

  it('refuses a URL over max_url_bytes with a 414 and closes the connection', async () => {
    const answer = await exchange(port, `GET /?query=${'1'.repeat(1_100)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 414 /);
    expect(answer).to.match(/Code: 229\. DB::Exception: chgate: the URL is longer than server\.max_url_bytes/);
    expect(answer).to.not.include('<still open>');
  });

  it('answers a URL that is not a URL with a 400, not a crash', async () => {
    const answer = await exchange(port, 'GET http://a:b:c/ HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 400 /);
    expect(answer).to.include('malformed request URL');
  });

  it('closes a connection whose headers do not arrive within headers_timeout_ms, with a 408', async () => {
    const startedAt = Date.now();
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nx-slow: a');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(answer).to.match(/Code: 159\. DB::Exception: chgate: .*\(TIMEOUT_EXCEEDED\)/);
    expect(Date.now() - startedAt).to.be.within(300, 2_500);
  });

  it('serves normal requests, and a reload can change the limits of the running server', async () => {
    expect(await exchange(port, 'GET /ping HTTP/1.1\r\nconnection: close\r\n\r\n')).to.match(/^HTTP\/1\.1 200 OK[^]*Ok\./);
    applyServerLimits(server, { ...limits, maxUrlBytes: 10_000, maxConnections: 7 });
    expect(server.maxConnections).to.equal(7);
    expect(await exchange(port, `GET /?query=${'1'.repeat(1_100)} HTTP/1.1\r\nconnection: close\r\n\r\n`)).to.match(/^HTTP\/1\.1 200 /);
    applyServerLimits(server, limits);
  });
});
