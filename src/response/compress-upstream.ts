import { constants, createBrotliCompress, createDeflate, createGzip } from 'node:zlib';
import type { UpstreamResponse } from '../upstream/upstream-node.js';
import type { ProxyEncoding } from './negotiate-encoding.js';

/**
 * A successful upstream response as if ClickHouse had compressed it: the body through node:zlib, Content-Encoding
 * set, Content-Length gone. Everything after (forwarding, the cache's copy and its exception check on the decoded
 * tail, replaying hits) then treats it like ClickHouse's own compressed output, so a hit is served as stored,
 * without compressing again. gzip and deflate at level 3, as ClickHouse's http_zlib_compression_level default.
 */
export function compressUpstream(upstream: UpstreamResponse, encoding: ProxyEncoding, brotliQuality: number): UpstreamResponse {
  const compressor =
    encoding === 'br'
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
      : encoding === 'gzip'
        ? createGzip({ level: 3 })
        : createDeflate({ level: 3 });
  // A broken upstream breaks the compressed stream the same way, so the reader sees the failure.
  upstream.body.on('error', (error) => compressor.destroy(error));
  compressor.on('close', () => {
    if (!upstream.body.readableEnded) upstream.body.destroy();
  });
  const headers: UpstreamResponse['headers'] = { ...upstream.headers, 'content-encoding': encoding };
  delete headers['content-length'];
  return { statusCode: upstream.statusCode, headers, body: upstream.body.pipe(compressor) };
}
