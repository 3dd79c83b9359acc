import { expect } from 'chai';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChgateError } from '../../../src/errors/error-catalogue.js';
import { createClientResponse, type ClientResponse } from '../../../src/response/client-response.js';

/**
 * forwardBody's hold-back on a real node:http response: what the client has seen (headers, bytes) while an upstream
 * body is held, released, or fails.
 */
describe('client response: holding an answer back', () => {
  let server: Server;
  let port: number;
  let nextHandler: ((response: ServerResponse) => void) | undefined;

  before(async () => {
    server = createServer((_request, response) => nextHandler?.(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  interface Client {
    /** Resolves when the response headers arrive. */
    headers: Promise<IncomingMessage>;
    /** Everything the client read, and how the response ended. */
    done: Promise<{ body: string; complete: boolean }>;
    /** What the client has read so far. */
    received(): string;
  }

  /** A request whose server side runs `handle` with a ClientResponse over the real ServerResponse. */
  function exchange(handle: (output: ClientResponse) => void): Client {
    nextHandler = (response) => handle(createClientResponse(response));
    let resolveHeaders!: (message: IncomingMessage) => void;
    const headers = new Promise<IncomingMessage>((resolve) => (resolveHeaders = resolve));
    let body = '';
    const done = new Promise<{ body: string; complete: boolean }>((resolve) => {
      const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', agent: false }, (message) => {
        resolveHeaders(message);
        message.setEncoding('utf8');
        message.on('data', (text: string) => (body += text));
        message.on('end', () => resolve({ body, complete: message.complete }));
        message.on('error', () => resolve({ body, complete: false }));
      });
      request.on('error', () => resolve({ body: '', complete: false }));
      request.end();
    });
    return { headers, done, received: () => body };
  }

  const upstreamOf = (body: PassThrough) => ({ statusCode: 200, headers: { 'content-type': 'text/tab-separated-values' }, body });

  it('sends nothing, not even the headers, until the body ends; then all of it', async () => {
    const body = new PassThrough();
    let output!: ClientResponse;
    let headersArrived = false;
    const client = exchange((created) => {
      output = created;
      void output.forwardBody(upstreamOf(body), { isOnlyStatement: false, holdBack: { bytes: 1024, ms: 10_000 } }).then(() => output.finish(undefined));
    });
    void client.headers.then(() => (headersArrived = true));
    await sleep(20);
    body.write('1\n');
    body.write('2\n');
    await sleep(50);
    expect(headersArrived, 'headers while held').to.equal(false);
    expect(output.isStarted).to.equal(false);
    expect(output.bodyBytesForwarded).to.equal(0);
    body.end('3\n');
    expect(await client.done).to.deep.equal({ body: '1\n2\n3\n', complete: true });
    expect(output.bodyBytesForwarded).to.equal(6);
  });

  it('fails with nothing sent when the upstream breaks while held, so the caller may answer otherwise', async () => {
    const body = new PassThrough();
    let failure: unknown;
    let output!: ClientResponse;
    let forwarded = -1;
    const client = exchange((created) => {
      output = created;
      output
        .forwardBody(upstreamOf(body), { isOnlyStatement: false, holdBack: { bytes: 1024, ms: 10_000 } })
        .catch((error: unknown) => {
          failure = error;
          forwarded = output.bodyBytesForwarded;
          // Still free to give the client a response of its own (here, as a retry on another node would).
          const retry = new PassThrough();
          void output.forwardBody(upstreamOf(retry), { isOnlyStatement: false }).then(() => output.finish(undefined));
          retry.end('from another node\n');
        });
    });
    await sleep(20);
    body.write('3\n');
    await sleep(20);
    body.destroy(new Error('other side closed'));
    expect(await client.done).to.deep.equal({ body: 'from another node\n', complete: true });
    expect(String(failure)).to.match(/broke while streaming: other side closed/);
    expect(forwarded, 'bytes passed on before the failure').to.equal(0);
  });

  it('passes the held chunks on, in order, once they exceed the byte limit, then streams', async () => {
    const body = new PassThrough();
    const seen: string[] = [];
    const client = exchange((output) => {
      void output
        .forwardBody(upstreamOf(body), { isOnlyStatement: false, holdBack: { bytes: 4, ms: 10_000 }, onChunk: (chunk) => seen.push(chunk.toString()) })
        .then(() => output.finish(undefined));
    });
    body.write('ab');
    await sleep(20);
    expect(seen, 'held: not passed on').to.deep.equal([]);
    body.write('cd');
    await sleep(20);
    expect(seen).to.deep.equal([]);
    body.write('e');
    const message = await client.headers;
    expect(message.statusCode).to.equal(200);
    expect(seen).to.deep.equal(['ab', 'cd', 'e']);
    body.end('f');
    expect(await client.done).to.deep.equal({ body: 'abcdef', complete: true });
  });

  it('passes a slow body on once its first chunk is `ms` old', async () => {
    const body = new PassThrough();
    const client = exchange((output) => {
      void output.forwardBody(upstreamOf(body), { isOnlyStatement: false, holdBack: { bytes: 1024, ms: 50 } }).then(() => output.finish(undefined));
    });
    const startedAt = Date.now();
    body.write('first row\n');
    await client.headers;
    expect(Date.now() - startedAt, 'ms to the headers').to.be.within(40, 1_000);
    await sleep(30);
    expect(client.received(), 'the held chunk, before the body ends').to.equal('first row\n');
    body.end('second row\n');
    expect((await client.done).body).to.equal('first row\nsecond row\n');
  });

  it('streams every chunk at once without holdBack; a failure is then appended as ClickHouse does', async () => {
    const body = new PassThrough();
    let output!: ClientResponse;
    const client = exchange((created) => {
      output = created;
      void output.forwardBody(upstreamOf(body), { isOnlyStatement: false }).catch((error: ChgateError) => output.fail(error));
    });
    body.write('1\n');
    await client.headers;
    expect(output.bodyBytesForwarded).to.equal(2);
    body.destroy(new Error('other side closed'));
    const { body: text } = await client.done;
    expect(text).to.match(/^1\nCode: 210\. DB::Exception: chgate: the connection to ClickHouse broke while streaming/);
  });
});
