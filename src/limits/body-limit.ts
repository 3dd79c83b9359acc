import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { ChgateError } from '../errors/error-catalogue.js';

/** The body as received (before Content-Encoding is decoded) is longer than the user's max_body_bytes. */
export function bodyTooLarge(maxBytes: number, detail: string): ChgateError {
  return new ChgateError('QUERY_IS_TOO_LARGE', `the request body is ${detail}, more than max_body_bytes (${maxBytes})`);
}

/** A declared Content-Length over the limit is refused before a byte of the body is read. */
export function checkDeclaredBodySize(request: IncomingMessage, maxBytes: number): void {
  const declared = request.headers['content-length'];
  if (declared === undefined) return;
  const length = Number(declared);
  if (Number.isFinite(length) && length > maxBytes) throw bodyTooLarge(maxBytes, `${length} bytes (Content-Length)`);
}

/**
 * The request body, counted as it streams (chunked bodies have no length up front): the stream fails with
 * QUERY_IS_TOO_LARGE at the first chunk past `maxBytes`, before that chunk is passed on. `onExceeded` is told.
 */
export function countBodyBytes(request: IncomingMessage, maxBytes: number, onExceeded: (error: ChgateError) => void): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        const error = bodyTooLarge(maxBytes, `at least ${seen} bytes`);
        onExceeded(error);
        callback(error);
        return;
      }
      callback(null, chunk);
    },
  });
  request.on('error', (error) => counter.destroy(error));
  return request.pipe(counter);
}
