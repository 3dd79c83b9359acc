import { Readable } from 'node:stream';

/**
 * `body` passed on until `budget.bytes` is spent (shared by every statement of one request); the chunk that would
 * go past it is cut at the limit, `onExceeded` is called (it stops the query) and the stream fails with `error`.
 */
export function capResultBytes(body: Readable, budget: { bytes: number }, onExceeded: () => Error): Readable {
  async function* capped(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        if (bytes.length <= budget.bytes) {
          budget.bytes -= bytes.length;
          yield bytes;
          continue;
        }
        const part = bytes.subarray(0, budget.bytes);
        budget.bytes = 0;
        if (part.length > 0) yield part;
        throw onExceeded();
      }
    } finally {
      if (!body.readableEnded) body.destroy();
    }
  }
  return Readable.from(capped(), { objectMode: false });
}
