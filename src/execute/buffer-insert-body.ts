import { Readable } from 'node:stream';
import { ChgateError } from '../errors/error-catalogue.js';

/** The rest of a request body: all of it in memory (it may be sent twice), or still streaming (sent once). */
export type InsertBody = { kind: 'buffered'; data: Buffer } | { kind: 'streaming'; stream: Readable };

/**
 * Reads the rest of a body into memory while it stays within `limit` bytes. A body that turns out larger streams
 * on: the bytes already read come first, then the rest of the same stream, so nothing is lost or read twice.
 */
export async function bufferInsertBody(stream: Readable, limit: number): Promise<InsertBody> {
  const chunks: Buffer[] = [];
  let length = 0;
  // One iterator throughout: what it has not yielded yet stays in the stream for the streaming case.
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw bodyReadError(error);
    }
    if (next.done) return { kind: 'buffered', data: Buffer.concat(chunks, length) };
    chunks.push(next.value);
    length += next.value.length;
    if (length > limit) return { kind: 'streaming', stream: Readable.from(continueStream(chunks, iterator), { objectMode: false }) };
  }
}

async function* continueStream(read: Buffer[], iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* read;
  read.length = 0;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  } finally {
    // Stopped early (the upstream request failed): release the client's stream.
    await iterator.return?.();
  }
}

function bodyReadError(error: unknown): ChgateError {
  if (error instanceof ChgateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return code.startsWith('Z_')
    ? new ChgateError('CANNOT_DECOMPRESS', `cannot decompress the request body: ${message}`)
    : new ChgateError('NETWORK_ERROR', `cannot read the request body: ${message}`, { cause: error });
}
