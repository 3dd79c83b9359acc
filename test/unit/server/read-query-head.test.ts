import { expect } from 'chai';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { decodeBodyStream, readQueryHead } from '../../../src/server/read-query-head.js';

const bodyOf = (...chunks: string[]): Readable => Readable.from(chunks.map((chunk) => Buffer.from(chunk)), { objectMode: false });

describe('readQueryHead', () => {
  it('reads a small body whole and joins ?query= with a newline, as ClickHouse does', async () => {
    const { head, rest } = await readQueryHead('INSERT INTO t FORMAT TSV', bodyOf('1\n', '2\n'), 1024);
    expect(head.toString()).to.equal('INSERT INTO t FORMAT TSV\n1\n2\n');
    expect(rest).to.equal(null);
  });

  it('stops at the limit and leaves the rest of the body unread in the stream', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(600, 'a'));
    body.write(Buffer.alloc(600, 'b'));
    const resultPromise = readQueryHead(undefined, body, 1000);
    const { head, rest } = await resultPromise;
    expect(head.length).to.equal(1200);
    expect(rest).to.equal(body);
    body.end(Buffer.alloc(10, 'c'));
    const remaining: Buffer[] = [];
    for await (const chunk of rest as Readable) remaining.push(chunk as Buffer);
    expect(Buffer.concat(remaining).toString()).to.equal('c'.repeat(10));
  });

  it('works without a body (GET)', async () => {
    const { head, rest } = await readQueryHead('SELECT 1', null, 10);
    expect(head.toString()).to.equal('SELECT 1\n');
    expect(rest).to.equal(null);
  });

  it('decodes gzip bodies and reports corrupt ones as CANNOT_DECOMPRESS', async () => {
    const raw = Object.assign(Readable.from([gzipSync('SELECT 1')], { objectMode: false }), { headers: { 'content-encoding': 'gzip' } });
    const decoded = await readQueryHead(undefined, decodeBodyStream(raw as unknown as IncomingMessage), 1024);
    expect(decoded.head.toString()).to.equal('SELECT 1');

    const corrupt = Object.assign(bodyOf('definitely not gzip'), { headers: { 'content-encoding': 'gzip' } });
    let thrown: unknown;
    try {
      await readQueryHead(undefined, decodeBodyStream(corrupt as unknown as IncomingMessage), 1024);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(ChgateError);
    expect((thrown as ChgateError).errorName).to.equal('CANNOT_DECOMPRESS');
  });

  it('reports corrupt deflate and brotli bodies as CANNOT_DECOMPRESS too', async () => {
    for (const encoding of ['deflate', 'br']) {
      const corrupt = Object.assign(bodyOf('garbage garbage garbage'), { headers: { 'content-encoding': encoding } });
      let thrown: unknown;
      try {
        await readQueryHead(undefined, decodeBodyStream(corrupt as unknown as IncomingMessage), 1024);
      } catch (error) {
        thrown = error;
      }
      expect((thrown as ChgateError).errorName, encoding).to.equal('CANNOT_DECOMPRESS');
      expect((thrown as ChgateError).status).to.equal(400);
    }
  });

  it('refuses encodings it cannot decode', () => {
    const body = Object.assign(bodyOf('x'), { headers: { 'content-encoding': 'zstd' } });
    expect(() => decodeBodyStream(body as unknown as IncomingMessage)).to.throw(ChgateError, /zstd/);
  });
});
