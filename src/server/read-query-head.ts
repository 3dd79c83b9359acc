import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ChgateError } from '../errors/error-catalogue.js';

export interface QueryHead {
  /** The start of the query text: the `query` parameter and a newline, then the body's first bytes. */
  head: Buffer;
  /** Body bytes after `head`, still unread; null when the whole body is in `head`. */
  rest: Readable | null;
}

/** `source`: the body as received when not `request` itself (counted against a limit). */
export function decodeBodyStream(request: IncomingMessage, source: Readable = request): Readable {
  const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return source;
  const decompressor =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip()
    : encoding === 'deflate' ? createInflate()
    : encoding === 'br' ? createBrotliDecompress()
    : undefined;
  if (!decompressor) throw new ChgateError('UNKNOWN_COMPRESSION_METHOD', `Content-Encoding "${encoding}" is not supported`);
  source.on('error', (error) => decompressor.destroy(error));
  return source.pipe(decompressor);
}

/**
 * Reads the body until `limit` bytes or its end, whichever comes first, so that statements can be found
 * without holding large INSERT data in memory: what is past the head stays in the stream.
 */
export function readQueryHead(prefix: string | undefined, body: Readable | null, limit: number): Promise<QueryHead> {
  const chunks: Buffer[] = [];
  let length = 0;
  if (prefix !== undefined) {
    const prefixBytes = Buffer.from(`${prefix}\n`, 'utf8');
    chunks.push(prefixBytes);
    length = prefixBytes.length;
  }
  if (!body) return Promise.resolve({ head: Buffer.concat(chunks, length), rest: null });

  return new Promise((resolve, reject) => {
    const finish = (rest: Readable | null): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      resolve({ head: Buffer.concat(chunks, length), rest });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) {
        body.pause();
        finish(body);
      }
    };
    const onEnd = (): void => finish(null);
    const onError = (error: Error): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      // zlib's codes (Z_DATA_ERROR, ...) and brotli's (ERR__ERROR_FORMAT_PADDING_1, ...).
      const isDecompression = 'code' in error && typeof error.code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(error.code);
      reject(
        isDecompression
          ? new ChgateError('CANNOT_DECOMPRESS', `cannot decompress the request body: ${error.message}`)
          // A limit that cut the body (max_body_bytes) says so itself.
          : error instanceof ChgateError ? error
          : new ChgateError('NETWORK_ERROR', `cannot read the request body: ${error.message}`, { cause: error }),
      );
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}
