import { expect } from 'chai';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { bufferInsertBody } from '../../../src/execute/buffer-insert-body.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const chunks = (count: number, size: number): Buffer[] => Array.from({ length: count }, (_, i) => Buffer.alloc(size, 97 + (i % 26)));

describe('bufferInsertBody', () => {
  it('keeps a body within the limit in memory', async () => {
    const parts = chunks(4, 100);
    const body = await bufferInsertBody(Readable.from(parts), 400);
    expect(body.kind).to.equal('buffered');
    expect(body.kind === 'buffered' && body.data.equals(Buffer.concat(parts))).to.equal(true);
    const empty = await bufferInsertBody(Readable.from([]), 10);
    expect(empty.kind === 'buffered' && empty.data.length).to.equal(0);
  });

  it('streams a larger body on with every byte, in order, none twice', async () => {
    const parts = chunks(50, 1000);
    const body = await bufferInsertBody(Readable.from(parts), 4_500);
    expect(body.kind).to.equal('streaming');
    if (body.kind !== 'streaming') return;
    expect((await readAll(body.stream)).equals(Buffer.concat(parts))).to.equal(true);
  });

  it('works on a paused stream whose data arrives later (the request body after the query head)', async () => {
    const source = new PassThrough();
    source.pause();
    const pending = bufferInsertBody(source, 10);
    source.write('abcdef');
    setTimeout(() => {
      source.write('ghijkl');
      source.end('mno');
    }, 10);
    const body = await pending;
    expect(body.kind).to.equal('streaming');
    if (body.kind === 'streaming') expect((await readAll(body.stream)).toString()).to.equal('abcdefghijklmno');
  });

  it('turns a broken body into ClickHouse-format errors', async () => {
    const broken = new PassThrough();
    setTimeout(() => broken.destroy(new Error('aborted')), 5);
    try {
      await bufferInsertBody(broken, 100);
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(ChgateError);
      expect((error as ChgateError).errorName).to.equal('NETWORK_ERROR');
    }
    const gunzip = createGunzip();
    gunzip.end(Buffer.from('not gzip at all'));
    try {
      await bufferInsertBody(gunzip, 100);
      expect.fail('should throw');
    } catch (error) {
      expect((error as ChgateError).errorName).to.equal('CANNOT_DECOMPRESS');
    }
  });
});
