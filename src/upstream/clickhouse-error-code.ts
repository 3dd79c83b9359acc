import type { UpstreamResponse } from './upstream-node.js';

/** ClickHouse's error code: the X-ClickHouse-Exception-Code header (newer servers), else `Code: N` in the body. */
export function clickHouseErrorCode(headers: UpstreamResponse['headers'], body: Buffer): number | undefined {
  const header = headers['x-clickhouse-exception-code'];
  const fromHeader = Number(Array.isArray(header) ? header[0] : header);
  if (Number.isInteger(fromHeader) && fromHeader > 0) return fromHeader;
  const match = /^Code: (\d+)[.,]/.exec(body.subarray(0, 64).toString('latin1'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

const unknownTable = 60;
const unknownDatabase = 81;

/** The table or database exists only elsewhere (a non-replicated table on the writer, say). */
export function isUnknownTableError(headers: UpstreamResponse['headers'], body: Buffer): boolean {
  const code = clickHouseErrorCode(headers, body);
  return code === unknownTable || code === unknownDatabase;
}

const readonly = 164;

/**
 * ClickHouse refused enable_http_compression (`Cannot modify 'enable_http_compression' setting in readonly mode`):
 * the user's profile has readonly = 1. The setting's name tells it from a setting the client sent itself.
 */
export function isCompressionRefused(code: number | undefined, body: Buffer): boolean {
  return code === readonly && body.subarray(0, 1024).includes('enable_http_compression');
}
