import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * A small body (an error answer) decoded from its Content-Encoding, so chgate can read ClickHouse's exception in
 * it: newer servers and 18.16 alike compress error answers too when enable_http_compression=1. Undefined when the
 * encoding is one chgate cannot decode or the bytes do not decode; identity bodies come back as they are.
 */
export function decodeContent(contentEncoding: string | string[] | undefined, body: Buffer, maxBytes: number): Buffer | undefined {
  const encoding = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding ?? '').trim().toLowerCase();
  try {
    if (encoding === '' || encoding === 'identity') return body;
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, { maxOutputLength: maxBytes });
    if (encoding === 'deflate') return inflateSync(body, { maxOutputLength: maxBytes });
    if (encoding === 'br') return brotliDecompressSync(body, { maxOutputLength: maxBytes });
  } catch {
    // Cut or corrupt: the caller keeps the bytes as received.
  }
  return undefined;
}
