import type { LogFields, Logger } from '../log/create-logger.js';
import { shortenFingerprint, type RequestObserver, type RequestRecord } from './request-record.js';

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

/** The statements' listed types, routes and fingerprints (the first MAX_LISTED_STATEMENTS, fingerprints shortened). */
function listedStatements(statements: RequestRecord['statements']): { types: string[]; routes: string[]; fingerprints: string[] } {
  const listed = statements.length > MAX_LISTED_STATEMENTS ? statements.slice(0, MAX_LISTED_STATEMENTS) : statements;
  const types: string[] = [];
  const routes: string[] = [];
  const fingerprints: string[] = [];
  for (const statement of listed) {
    types.push(statement.type);
    routes.push(statement.route);
    fingerprints.push(shortenFingerprint(statement.fingerprint, MAX_FINGERPRINT_CHARS));
  }
  return { types, routes, fingerprints };
}

/** A JSON number as JSON.stringify writes it (non-finite numbers are null). */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');
const jsonStringOrNull = (value: string | undefined): string => (value === undefined ? 'null' : JSON.stringify(value));
const jsonNumberOrNull = (value: number | undefined): string => (value === undefined ? 'null' : jsonNumber(value));

/** `"statements":N,"types":[...],"routes":[...],"fingerprints":[...]`: the part of a line the statements decide. */
function statementMembers(statements: RequestRecord['statements']): string {
  const { types, routes, fingerprints } = listedStatements(statements);
  return `"statements":${statements.length},"types":${JSON.stringify(types)},"routes":${JSON.stringify(routes)},"fingerprints":${JSON.stringify(fingerprints)}`;
}

/**
 * One request's line (README "Logs") as the members of a JSON object (no braces), field by field in a fixed order:
 * the one list of the access log's fields.
 */
function accessLogMembers(record: RequestRecord, slow: boolean, statementsPart = statementMembers(record.statements)): string {
  const upstream = record.upstreamNodes.length === 0 ? '[]' : JSON.stringify(record.upstreamNodes.length > MAX_LISTED_STATEMENTS ? record.upstreamNodes.slice(0, MAX_LISTED_STATEMENTS) : record.upstreamNodes);
  return (
    `"reqId":${JSON.stringify(record.requestId)},"user":${JSON.stringify(record.user)},"client":${JSON.stringify(record.clientAddress)},${statementsPart}` +
    `,"cache":${JSON.stringify(record.cache)},"cacheReason":${jsonStringOrNull(record.cacheReason)},"upstream":${upstream},"status":${jsonNumber(record.status)}` +
    `,"error":${jsonStringOrNull(record.error?.name)},"errorCode":${jsonNumberOrNull(record.error?.code)},"clickhouseErrorCode":${jsonNumberOrNull(record.clickhouseErrorCode)}` +
    `,"durationMs":${jsonNumber(Math.round(record.durationMs * 1000) / 1000)},"bytes":${jsonNumber(record.bytesSent)},"fastPath":${record.fastPath}${slow ? ',"slow":true' : ''}`
  );
}

/** The fields of one request's line, as an object (for loggers that serialize fields themselves). */
export function accessLogFields(record: RequestRecord, slow: boolean): LogFields {
  return JSON.parse(`{${accessLogMembers(record, slow)}}`) as LogFields;
}

/** The access log's observer; `flush` writes the lines still waiting for the end of the event-loop turn. */
export type AccessLog = RequestObserver & { flush(): void };

/** Lines waiting past this many are written at once (a turn rarely finishes more requests than this). */
const MAX_PENDING_LINES = 256;

/**
 * The access log: one line per finished request, `request` at info, or `slow query` at warn (with slow: true)
 * when it took slow_query_ms or longer. Fields are built only when the line will be written.
 *
 * Lines are written at the end of the event-loop turn that finished their requests (setImmediate), all of the turn's
 * in one go, with the time each request finished: formatting one line per request between the requests' own work
 * cost a cache hit 8-10 us, formatting a turn's lines together about 2 us each (the code and data stay in the CPU's
 * caches). Lines of other loggers written meanwhile may come before them.
 */
export function createAccessLog(logger: Logger, settings: () => AccessLogSettings): AccessLog {
  const { writeJson, lineMasker } = logger;
  const rememberedHitLines = new WeakMap<RequestRecord['statements'], RememberedHitLine>();
  // The fast path hands over the same statements array for every hit of a remembered read, and its line differs from
  // the last one only in the request id, client, time, duration and bytes: the rest is worked out and masked once, and
  // only those are masked per line (building and scanning the whole line was most of a hit's CPU).
  const hitLineMembers = (record: RequestRecord, slow: boolean, mask: (text: string) => string): string => {
    let remembered = rememberedHitLines.get(record.statements);
    if (remembered === undefined || !remembered.fits(record, mask)) {
      remembered = rememberHitLine(record, mask);
      rememberedHitLines.set(record.statements, remembered);
    }
    return (
      `"reqId":${mask(JSON.stringify(record.requestId))},${remembered.userMember},"client":${mask(JSON.stringify(record.clientAddress))},${remembered.constantMembers}` +
      `,"durationMs":${jsonNumber(Math.round(record.durationMs * 1000) / 1000)},"bytes":${jsonNumber(record.bytesSent)},"fastPath":true${slow ? ',"slow":true' : ''}`
    );
  };
  // The pipeline hands over the same recorded statement for every request of the same statement and route.
  const singleStatementMembers = new WeakMap<RequestRecord['statements'][number], string>();
  const statementsPart = (statements: RequestRecord['statements']): string => {
    const only = statements.length === 1 ? statements[0] : undefined;
    if (only === undefined) return statementMembers(statements);
    let members = singleStatementMembers.get(only);
    if (members === undefined) {
      members = statementMembers(statements);
      singleStatementMembers.set(only, members);
    }
    return members;
  };
  const write = writeJson
    ? (level: 'info' | 'warn', message: string, record: RequestRecord, slow: boolean, atMs: number): void => {
        if (record.fastPath && lineMasker && isPlainHit(record)) writeJson(level, message, hitLineMembers(record, slow, lineMasker()), true, atMs);
        else writeJson(level, message, accessLogMembers(record, slow, statementsPart(record.statements)), false, atMs);
      }
    : (level: 'info' | 'warn', message: string, record: RequestRecord, slow: boolean): void => logger[level](message, accessLogFields(record, slow));
  const pending: PendingLine[] = [];
  const flush = (): void => {
    for (let i = 0; i < pending.length; i++) {
      const line = pending[i] as PendingLine;
      const slow = line.level === 'warn';
      try {
        write(line.level, slow ? 'slow query' : 'request', line.record, slow, line.atMs);
      } catch (error) {
        // Outside the request now (no observer guard above): a line that fails loses itself only.
        try {
          logger.error('writing an access log line failed', { error: String(error) });
        } catch {
          // The log itself is failing: nothing left to tell.
        }
      }
    }
    pending.length = 0;
  };
  const observe = (record: RequestRecord): void => {
    const { requests, slowQueryMs } = settings();
    const slow = slowQueryMs > 0 && record.durationMs >= slowQueryMs;
    let level: 'info' | 'warn';
    if (slow) {
      if (logger.isLevelEnabled?.('warn') === false) return;
      level = 'warn';
    } else {
      if (!requests || logger.isLevelEnabled?.('info') === false) return;
      level = 'info';
    }
    pending.push({ level, record, atMs: Date.now() });
    if (pending.length === 1) setImmediate(flush);
    else if (pending.length >= MAX_PENDING_LINES) flush();
  };
  return Object.assign(observe, { flush });
}

interface PendingLine {
  level: 'info' | 'warn';
  record: RequestRecord;
  /** When the request finished: the line's time. */
  atMs: number;
}

/** A cache hit that reached no node and failed nowhere: what the fast path serves. */
const isPlainHit = (record: RequestRecord): boolean =>
  record.cache === 'hit' && record.upstreamNodes.length === 0 && record.error === undefined && record.clickhouseErrorCode === undefined;

/** The masked members of a plain hit's line that stay the same while its user, status, reason and the secrets do. */
interface RememberedHitLine {
  readonly userMember: string;
  readonly constantMembers: string;
  fits(record: RequestRecord, mask: (text: string) => string): boolean;
}

function rememberHitLine(record: RequestRecord, mask: (text: string) => string): RememberedHitLine {
  const { user, status, cacheReason } = record;
  return {
    userMember: mask(`"user":${JSON.stringify(user)}`),
    constantMembers: mask(
      `${statementMembers(record.statements)},"cache":"hit","cacheReason":${jsonStringOrNull(cacheReason)},"upstream":[],"status":${jsonNumber(status)},"error":null,"errorCode":null,"clickhouseErrorCode":null`,
    ),
    fits: (other, maskOfNow) => maskOfNow === mask && other.user === user && other.status === status && other.cacheReason === cacheReason,
  };
}
