import { expect } from 'chai';
import { decodeEntry, encodeEntry, encodeTime, expiresAtOffset, storedAtOffset } from '../../../src/cache/entry-codec.js';
import { allByteValues, makeEntry } from './cache-test-helpers.js';

describe('entry codec', () => {
  it('round-trips every byte value and the metadata', () => {
    const entry = makeEntry({
      body: allByteValues(4096),
      headers: { 'content-type': 'application/octet-stream', 'x-clickhouse-summary': '{"read_rows":"1","é":"ü"}' },
      tables: ['db.t', 'Db.T'],
      storedAtMs: 1_700_000_000_123,
      expiresAtMs: 1_700_000_300_123,
    });
    const frame = encodeEntry(entry);
    expect(decodeEntry(frame)).to.deep.equal(entry);
  });

  it('adds only a small header to the body: no base64, no JSON string', () => {
    const body = allByteValues(1024 * 1024);
    const frame = encodeEntry(makeEntry({ body }));
    expect(frame.length - body.length).to.be.below(100);
    expect(frame.subarray(frame.length - body.length).equals(body)).to.equal(true);
  });

  it('puts the times at fixed offsets, comparable as bytes', () => {
    const frame = encodeEntry(makeEntry({ storedAtMs: 5, expiresAtMs: 70_000 }));
    expect(frame.subarray(expiresAtOffset, expiresAtOffset + 8).equals(encodeTime(70_000))).to.equal(true);
    expect(frame.subarray(storedAtOffset, storedAtOffset + 8).equals(encodeTime(5))).to.equal(true);
    expect(Buffer.compare(encodeTime(255), encodeTime(256))).to.equal(-1);
  });

  it('rejects what is not a frame', () => {
    expect(decodeEntry('text')).to.equal(undefined);
    expect(decodeEntry(Buffer.from('XXXX0000000000000000000000'))).to.equal(undefined);
    const frame = encodeEntry(makeEntry());
    expect(decodeEntry(frame.subarray(0, 30))).to.equal(undefined);
    const badJson = Buffer.from(frame);
    badJson[24] = 0x7b + 1;
    expect(decodeEntry(badJson)).to.equal(undefined);
  });
});
