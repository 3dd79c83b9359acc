import { Readable } from 'node:stream';
import { brotliCompressSync, constants, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { UpstreamResponse } from '../upstream/upstream-node.js';
import type { ProxyEncoding } from './negotiate-encoding.js';

/**
 * Results up to this size are compressed in one synchronous call once they have arrived whole (well under a
 * millisecond of the event loop at 256 KiB); larger ones stream through a zlib stream from there on. A zlib stream
 * works on libuv's thread pool chunk by chunk: for a 100 KB result that cost several times the compression itself.
 */
const oneShotMaxBytes = 256 * 1024;

/**
 * A successful upstream response as if ClickHouse had compressed it: the body compressed, Content-Encoding set,
 * Content-Length gone. Everything after (forwarding, the cache's copy and its exception check on the decoded tail,
 * replaying hits) then treats it like ClickHouse's own compressed output, so a hit is served as stored, without
 * compressing again. gzip and deflate at level 3, as ClickHouse's http_zlib_compression_level default; brotli at
 * the configured quality (default 1: on 100 KB of TSV numbers a quarter of gzip level 3's time and smaller, on
 * JSON rows alike; qualities 2-4 took 3-6 times as long for a few percent) with a 256 KiB window (the default
 * 4 MiB costs more to set up than a typical result takes to compress).
 */
export function compressUpstream(upstream: UpstreamResponse, encoding: ProxyEncoding, brotliQuality: number): UpstreamResponse {
  return { statusCode: upstream.statusCode, headers: headersForBody(upstream.headers, encoding), body: Readable.from(compressed(upstream.body, encoding, brotliQuality), { objectMode: false }) };
}

/**
 * Upstream response headers for the same body re-encoded by chgate: Content-Encoding `encoding` (undefined:
 * identity, the header gone) and no Content-Length, which described the bytes as ClickHouse sent them.
 */
export function headersForBody(headers: UpstreamResponse['headers'], encoding: string | undefined): UpstreamResponse['headers'] {
  const changed: UpstreamResponse['headers'] = { ...headers, 'content-encoding': encoding };
  if (encoding === undefined) delete changed['content-encoding'];
  delete changed['content-length'];
  return changed;
}

async function* compressed(source: Readable, encoding: ProxyEncoding, brotliQuality: number): AsyncGenerator<Buffer> {
  const brotli: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_LGWIN]: 18 } };
  const zlib: ZlibOptions = { level: 3 };
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ended = false;
  try {
    const held: Buffer[] = [];
    let heldBytes = 0;
    while (heldBytes < oneShotMaxBytes) {
      const next = await chunks.next();
      if (next.done === true) {
        ended = true;
        const whole = Buffer.concat(held, heldBytes);
        yield encoding === 'br' ? brotliCompressSync(whole, brotli) : encoding === 'gzip' ? gzipSync(whole, zlib) : deflateSync(whole, zlib);
        return;
      }
      held.push(next.value);
      heldBytes += next.value.length;
    }
    const stream = encoding === 'br' ? createBrotliCompress(brotli) : encoding === 'gzip' ? createGzip(zlib) : createDeflate(zlib);
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield* held.splice(0);
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
      ended = true;
    };
    const input = Readable.from(rest(), { objectMode: false });
    // A broken upstream breaks the compressed stream the same way, so the reader sees the failure.
    input.on('error', (error) => stream.destroy(error));
    yield* input.pipe(stream) as AsyncIterable<Buffer>;
  } finally {
    // The reader stopped early (client gone, limit): the upstream response is not read further.
    if (!ended) source.destroy();
  }
}
