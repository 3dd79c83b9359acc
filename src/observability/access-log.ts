import type { LogFields, Logger } from '../log/create-logger.js';
import { isFailedRequest, shortenFingerprint, type RequestObserver, type RequestRecord } from './request-record.js';

/** `log:` settings the access log reads at each request (a reload applies to the next one). */
export interface AccessLogSettings {
  /** A line for every request; false: only slow ones. */
  readonly requests: boolean;
  /** Requests at least this long are logged at warn as `slow query` (slow: true); 0: never. */
  readonly slowQueryMs: number;
}

/** A fingerprint longer than this is cut (and ends with `…`): a line stays small whatever the client sent. */
export const MAX_FINGERPRINT_CHARS = 1024;
/** Statements listed per line; `statements` always has the full count. */
export const MAX_LISTED_STATEMENTS = 32;


/** The fields of one request's line (README "Logs"), in a fixed order. */
export function accessLogFields(record: RequestRecord, slow: boolean): LogFields {
  const listed = record.statements.length > MAX_LISTED_STATEMENTS ? record.statements.slice(0, MAX_LISTED_STATEMENTS) : record.statements;
  const types: string[] = [];
  const routes: string[] = [];
  const fingerprints: string[] = [];
  for (const statement of listed) {
    types.push(statement.type);
    routes.push(statement.route);
    fingerprints.push(shortenFingerprint(statement.fingerprint, MAX_FINGERPRINT_CHARS));
  }
  const fields: LogFields = {
    reqId: record.requestId,
    user: record.user,
    client: record.clientAddress,
    statements: record.statements.length,
    types,
    routes,
    fingerprints,
    cache: record.cache,
    cacheReason: record.cacheReason ?? null,
    upstream: record.upstreamNodes.length > MAX_LISTED_STATEMENTS ? record.upstreamNodes.slice(0, MAX_LISTED_STATEMENTS) : record.upstreamNodes,
    status: record.status,
    error: record.error?.name ?? null,
    errorCode: record.error?.code ?? null,
    clickhouseErrorCode: record.clickhouseErrorCode ?? null,
    durationMs: Math.round(record.durationMs * 1000) / 1000,
    bytes: record.bytesSent,
    fastPath: record.fastPath,
  };
  if (slow) fields.slow = true;
  return fields;
}

/**
 * The access log: one line per finished request, `request` at info, or `slow query` at warn (with slow: true)
 * when it took slow_query_ms or longer. Fields are built only when the line will be written.
 */
export function createAccessLog(logger: Logger, settings: () => AccessLogSettings): RequestObserver {
  // Plain JSON of plain fields (strings, numbers, arrays of strings): JSON.stringify writes what pino would.
  const { writeJson } = logger;
  const write = writeJson
    ? (level: 'info' | 'warn', message: string, fields: LogFields): void => writeJson(level, message, JSON.stringify(fields))
    : (level: 'info' | 'warn', message: string, fields: LogFields): void => logger[level](message, fields);
  return (record) => {
    const { requests, slowQueryMs } = settings();
    const slow = slowQueryMs > 0 && record.durationMs >= slowQueryMs;
    if (slow) {
      if (logger.isLevelEnabled?.('warn') !== false) write('warn', 'slow query', accessLogFields(record, true));
    } else if (requests && logger.isLevelEnabled?.('info') !== false) {
      write('info', 'request', accessLogFields(record, false));
    }
  };
}
