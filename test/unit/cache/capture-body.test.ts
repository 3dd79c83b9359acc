import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createBodyCapture, whyNotStorable, type FinishedResponse } from '../../../src/cache/capture-body.js';

const ok = (headers: FinishedResponse['headers'] = {}): FinishedResponse => ({ status: 200, headers, cutOff: false });
const exception18 = 'Code: 395, e.displayText() = DB::Exception: Value passed to \'throwIf\' function is non zero, e.what() = DB::Exception\n';
const exceptionNew = 'Code: 395. DB::Exception: Value passed to \'throwIf\' function is non-zero: while executing. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 24.8.1.1)\n';

describe('body capture', () => {
  it('copies every chunk into one exactly-sized buffer', () => {
    const capture = createBodyCapture(100);
    capture.push(Buffer.from('ab'));
    capture.push(Buffer.from('cd'));
    const body = capture.take();
    expect(body?.toString()).to.equal('abcd');
    expect(body?.buffer.byteLength).to.equal(4);
    expect(capture.totalBytes).to.equal(4);
  });

  it('stops copying past the limit but keeps counting', () => {
    const capture = createBodyCapture(5);
    capture.push(Buffer.from('abc'));
    capture.push(Buffer.from('de'));
    expect(capture.isOverLimit).to.equal(false);
    capture.push(Buffer.from('f'));
    capture.push(Buffer.from('ghi'));
    expect(capture.isOverLimit).to.equal(true);
    expect(capture.totalBytes).to.equal(9);
    expect(capture.take()).to.equal(undefined);
  });
});

describe('whyNotStorable', () => {
  const rows = Buffer.from('1\n2\n3\n');

  it('stores a complete 200', async () => {
    expect(await whyNotStorable(ok({ 'content-type': 'text/plain' }), rows)).to.equal(undefined);
  });

  it('never stores a non-200, a cut-off body or one over the limit', async () => {
    expect(await whyNotStorable({ status: 500, headers: {}, cutOff: false }, rows)).to.equal('status');
    expect(await whyNotStorable({ status: 200, headers: {}, cutOff: true }, rows)).to.equal('cut-off');
    expect(await whyNotStorable(ok(), undefined)).to.equal('too-large');
  });

  it('never stores a body ending with an exception, plain or compressed', async () => {
    for (const text of [exception18, exceptionNew]) {
      const body = Buffer.concat([rows, Buffer.from(text)]);
      expect(await whyNotStorable(ok(), body)).to.equal('exception');
      expect(await whyNotStorable(ok({ 'content-encoding': 'gzip' }), gzipSync(body))).to.equal('exception');
      expect(await whyNotStorable(ok({ 'content-encoding': 'deflate' }), deflateSync(body))).to.equal('exception');
      expect(await whyNotStorable(ok({ 'content-encoding': 'br' }), brotliCompressSync(body))).to.equal('exception');
    }
    const binary = Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(exceptionNew)]);
    expect(await whyNotStorable(ok(), binary)).to.equal('exception');
    expect(await whyNotStorable(ok({ 'x-clickhouse-exception-code': '395' }), rows)).to.equal('exception');
  });

  it('stores compressed bodies it can check, not others', async () => {
    expect(await whyNotStorable(ok({ 'content-encoding': 'gzip' }), gzipSync(rows))).to.equal(undefined);
    expect(await whyNotStorable(ok({ 'content-encoding': 'br' }), brotliCompressSync(rows))).to.equal(undefined);
    expect(await whyNotStorable(ok({ 'content-encoding': 'zstd' }), rows)).to.equal('encoding');
    expect(await whyNotStorable(ok({ 'content-encoding': 'gzip' }), gzipSync(rows).subarray(0, 10))).to.equal('encoding');
  });
});
