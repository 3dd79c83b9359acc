import type { CacheEntry } from './cache-entry.js';

/**
 * An entry as one Buffer for a persistent store, with the body's bytes as they are (no base64, no JSON string):
 *
 *   offset 0   4 bytes  magic "CHE1" (layout version 1)
 *   offset 4   8 bytes  expiresAtMs, unsigned big-endian
 *   offset 12  8 bytes  storedAtMs, unsigned big-endian
 *   offset 20  4 bytes  n = length of the metadata, unsigned big-endian
 *   offset 24  n bytes  metadata: JSON {status, headers, tables}
 *   offset 24+n         body, raw
 *
 * The times sit at fixed offsets in big-endian so a store can compare them as bytes (sqlite: `substr(value, 5, 8)
 * < ?` deletes expired entries without decoding them).
 */
const magic = Buffer.from('CHE1', 'latin1');
export const expiresAtOffset = 4;
export const storedAtOffset = 12;
const metadataLengthOffset = 20;
const headerBytes = 24;

interface EntryMetadata {
  status: number;
  headers: Record<string, string>;
  tables: string[];
}

/** An 8-byte big-endian time, for byte-wise comparisons against encoded entries. */
export function encodeTime(ms: number): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(ms))));
  return bytes;
}

export function encodeEntry(entry: CacheEntry): Buffer {
  const metadata: EntryMetadata = { status: entry.status, headers: entry.headers, tables: entry.tables };
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  const frame = Buffer.allocUnsafe(headerBytes + json.length + entry.body.length);
  magic.copy(frame, 0);
  encodeTime(entry.expiresAtMs).copy(frame, expiresAtOffset);
  encodeTime(entry.storedAtMs).copy(frame, storedAtOffset);
  frame.writeUInt32BE(json.length, metadataLengthOffset);
  json.copy(frame, headerBytes);
  entry.body.copy(frame, headerBytes + json.length);
  return frame;
}

/**
 * Undefined for anything that is not a well-formed frame (another layout, a truncated value). The body is a view
 * of `frame`, not a copy: fine for a response on its way out; the memory tier copies what it keeps.
 */
export function decodeEntry(frame: unknown): CacheEntry | undefined {
  if (!Buffer.isBuffer(frame) || frame.length < headerBytes || !frame.subarray(0, 4).equals(magic)) return undefined;
  const metadataLength = frame.readUInt32BE(metadataLengthOffset);
  if (headerBytes + metadataLength > frame.length) return undefined;
  let metadata: EntryMetadata;
  try {
    metadata = JSON.parse(frame.toString('utf8', headerBytes, headerBytes + metadataLength)) as EntryMetadata;
  } catch {
    return undefined;
  }
  if (metadata.status !== 200 || typeof metadata.headers !== 'object' || !Array.isArray(metadata.tables)) return undefined;
  return {
    status: 200,
    headers: metadata.headers,
    tables: metadata.tables,
    body: frame.subarray(headerBytes + metadataLength),
    expiresAtMs: Number(frame.readBigUInt64BE(expiresAtOffset)),
    storedAtMs: Number(frame.readBigUInt64BE(storedAtOffset)),
  };
}
