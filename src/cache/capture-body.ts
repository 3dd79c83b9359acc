import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { createTailKeeper, endsWithException, exceptionTailBytes } from '../response/detect-trailing-exception.js';

/** Why a response that went upstream was not stored. A bounded set: a metrics label. */
export type NotStoredReason =
  /** Not a 200. */
  | 'status'
  /** The upstream body did not end normally (connection broke, client went away, timeout). */
  | 'cut-off'
  /** Larger than cache.max_entry_bytes: streamed whole, not copied. */
  | 'too-large'
  /** The body ends with a ClickHouse exception written after streaming began (or says so in a header). */
  | 'exception'
  /** A Content-Encoding chgate cannot decode to check for an exception (zstd, xz, lz4, ...). */
  | 'encoding'
  /** The read was in the replica-lag window but did not run on the writer. */
  | 'not-from-writer'
  /** A replica served it whose last lag reading does not show it has the latest write to a table read. */
  | 'replica-behind'
  /** The caller gave up on the response (an error before the end). */
  | 'abandoned'
  /** Kept in the memory tier only: the persistent tier had too many writes queued (a burst of misses). */
  | 'write-queue-full';

/**
 * The tee: the pipeline writes each upstream chunk to its client and pushes it here. Chunks are kept (not copied)
 * until `maxBytes` is passed; from then on nothing is kept and the copy is known incomplete, while the response
 * still streams whole to the client.
 */
export interface BodyCapture {
  push(chunk: Buffer): void;
  /** Bytes seen, kept or not. */
  readonly totalBytes: number;
  readonly isOverLimit: boolean;
  /** The whole body in one exactly-sized Buffer (no pooled slab kept alive), or undefined past the limit. */
  take(): Buffer | undefined;
}

export function createBodyCapture(maxBytes: number): BodyCapture {
  let chunks: Buffer[] = [];
  let totalBytes = 0;
  let isOverLimit = false;
  return {
    push(chunk) {
      totalBytes += chunk.length;
      if (isOverLimit) return;
      if (totalBytes > maxBytes) {
        isOverLimit = true;
        chunks = [];
        return;
      }
      chunks.push(chunk);
    },
    get totalBytes() {
      return totalBytes;
    },
    get isOverLimit() {
      return isOverLimit;
    },
    take() {
      if (isOverLimit) return undefined;
      const body = Buffer.allocUnsafeSlow(totalBytes);
      let offset = 0;
      for (const chunk of chunks) offset += chunk.copy(body, offset);
      return body;
    },
  };
}

export interface FinishedResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** True when the upstream body did not end normally. */
  cutOff: boolean;
}

/** Compressed bodies are decoded to find their tail; a body decoding to more than this is not stored. */
const maxDecodedBytes = 256 * 1024 * 1024;

const decoders: Record<string, (() => Transform) | undefined> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value.join(',') : value ?? '').trim().toLowerCase();
}

/** The last bytes of the body as the client reads it, or undefined when they cannot be known. */
async function decodedTail(body: Buffer, encoding: string): Promise<string | undefined> {
  if (encoding === '' || encoding === 'identity') {
    return body.subarray(Math.max(0, body.length - exceptionTailBytes)).toString('utf8');
  }
  const createDecoder = decoders[encoding];
  if (!createDecoder) return undefined;
  const tail = createTailKeeper();
  let decoded = 0;
  try {
    for await (const chunk of Readable.from([body]).pipe(createDecoder())) {
      decoded += (chunk as Buffer).length;
      if (decoded > maxDecodedBytes) return undefined;
      tail.push(chunk as Buffer);
    }
  } catch {
    return undefined; // truncated or corrupt: not a body worth storing
  }
  return tail.text();
}

/**
 * Undefined when a finished response may be stored; otherwise why not. Never stored: a status other than 200, a
 * body cut off or over the limit (`body` undefined), or one ending with an exception ClickHouse wrote after it had
 * already sent 200 — checked on the decoded tail when the response is compressed.
 */
export async function whyNotStorable(response: FinishedResponse, body: Buffer | undefined): Promise<NotStoredReason | undefined> {
  if (response.status !== 200) return 'status';
  if (response.cutOff) return 'cut-off';
  if (body === undefined) return 'too-large';
  if (headerText(response.headers['x-clickhouse-exception-code']) !== '') return 'exception';
  const tail = await decodedTail(body, headerText(response.headers['content-encoding']));
  if (tail === undefined) return 'encoding';
  return endsWithException(tail) ? 'exception' : undefined;
}
