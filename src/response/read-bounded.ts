import type { Readable } from 'node:stream';

/** Reads a body up to `limit` bytes (an error message, never a result) and discards the rest. */
export async function readBounded(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (length < limit) {
      const kept = buffer.subarray(0, limit - length);
      chunks.push(kept);
      length += kept.length;
    }
  }
  return Buffer.concat(chunks, length);
}
