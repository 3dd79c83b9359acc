import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { compressUpstream } from '../../../src/response/compress-upstream.js';

const decoders = { br: brotliDecompressSync, gzip: gunzipSync, deflate: inflateSync } as const;

/** TSV-like text in chunks of `chunkBytes`, `totalBytes` in all. */
function textChunks(totalBytes: number, chunkBytes: number): Buffer[] {
  let text = '';
  for (let i = 0; text.length < totalBytes; i++) text += `${i}\t${(i * 2654435761) % 4294967296}\n`;
  const whole = Buffer.from(text.slice(0, totalBytes));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.length; offset += chunkBytes) chunks.push(whole.subarray(offset, offset + chunkBytes));
  return chunks;
}

async function readAll(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('compressUpstream', () => {
  for (const encoding of ['br', 'gzip', 'deflate'] as const) {
    for (const [label, total] of [['small (one call)', 100_000], ['large (streamed)', 3_000_000], ['empty', 0]] as const) {
      it(`${encoding}, ${label}: decodes to the upstream bytes; headers say so`, async () => {
        const chunks = textChunks(total, 16 * 1024);
        const upstream = { statusCode: 200, headers: { 'content-type': 'text/tab-separated-values', 'content-length': String(total) }, body: Readable.from(chunks) };
        const result = compressUpstream(upstream, encoding, 2);
        expect(result.headers).to.deep.equal({ 'content-type': 'text/tab-separated-values', 'content-encoding': encoding });
        const bytes = await readAll(result.body);
        expect(decoders[encoding](bytes).equals(Buffer.concat(chunks))).to.equal(true);
        if (total > 0) expect(bytes.length).to.be.lessThan(total / 2);
      });
    }
  }

  it('an upstream that breaks, before or after the one-call size, breaks the compressed body', async () => {
    for (const before of [1, 40]) {
      const failing = new Readable({ read() {} });
      for (const chunk of textChunks(before * 16 * 1024, 16 * 1024)) failing.push(chunk);
      setImmediate(() => failing.destroy(new Error('socket hang up')));
      const error = await readAll(compressUpstream({ statusCode: 200, headers: {}, body: failing }, 'br', 2).body).catch((caught: unknown) => caught);
      expect(String(error), `after ${before} chunks`).to.include('socket hang up');
    }
  });

  it('a reader that stops early (client gone) destroys the upstream body', async () => {
    const source = Readable.from((function* () {
      for (;;) yield randomBytes(64 * 1024);
    })());
    const body = compressUpstream({ statusCode: 200, headers: {}, body: source }, 'gzip', 2).body;
    for await (const chunk of body) {
      expect((chunk as Buffer).length).to.be.greaterThan(0);
      break;
    }
    for (let waited = 0; !source.destroyed && waited < 1000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.destroyed).to.equal(true);
  });
});
