/**
 * The query digest (issue #7, what ProxySQL's stats_mysql_query_digest gives): per statement fingerprint (normalized
 * text, literals as `?`), how often it ran, how long it took, what it sent, what the cache did with it. Bounded: at
 * most `maxFingerprints` are kept; a new one past that evicts the least recently seen. Each request costs a Map
 * lookup, a move to the Map's end and a few additions per statement (it runs on the cache-hit fast path); sorting
 * happens only when the digest is read.
 *
 * Attribution: a body of several statements counts once for each statement's fingerprint (the same fingerprint twice
 * counts twice). The request's duration and bytes are split evenly between its statements (the record does not say
 * what each took), so the totals over all fingerprints add up to the requests' totals; a failed request counts as an
 * error for each of its statements. Rows come from ClickHouse's X-ClickHouse-Summary header (servers from 22.x send
 * it, 18.16 does not), which describes the last statement of a body: the other statements, and every execution
 * without the header, count in `rowsUnknown`. A cache hit reads no rows.
 */
import { isFailedRequest, shortenFingerprint, type RequestObserver, type RequestRecord } from './request-record.js';

export interface QueryDigestOptions {
  /** Distinct fingerprints kept; the least recently seen goes when a new one would exceed it. */
  maxFingerprints: number;
  /** Distinct proxy users remembered per fingerprint (further ones set `usersTruncated`). */
  maxUsersPerFingerprint?: number;
  /** Longer fingerprints are cut to this many characters (and end with `…`), so one huge IN list cannot hog memory. */
  maxFingerprintChars?: number;
  now?: () => number;
  /** A fingerprint was dropped to make room. */
  onEviction?: () => void;
  /** The number of fingerprints kept changed. */
  onSizeChange?: (size: number) => void;
}

/** One fingerprint's counters (times in milliseconds, instants as ms since the epoch). */
export interface DigestEntry {
  readonly fingerprint: string;
  readonly statementType: string;
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  bytesSent: number;
  rowsRead: number;
  rowsWritten: number;
  /** Executions whose rows ClickHouse did not report. */
  rowsUnknown: number;
  cacheHits: number;
  cacheMisses: number;
  cacheBypasses: number;
  firstSeenMs: number;
  lastSeenMs: number;
  readonly users: string[];
  usersTruncated: boolean;
}

export const digestSortKeys = ['total_time', 'count', 'avg_time', 'max_time', 'errors', 'bytes', 'rows', 'last_seen'] as const;
export type DigestSortKey = (typeof digestSortKeys)[number];

export interface QueryDigest {
  /** Push into main.ts's request observers. */
  readonly observe: RequestObserver;
  /** Copies of the entries, largest first by `sort` (default total_time), at most `limit`. */
  top(options?: { sort?: DigestSortKey; limit?: number }): DigestEntry[];
  /** Forgets every fingerprint (POST /admin/digest/reset). */
  reset(): void;
  size(): number;
}

const sortValue: Record<DigestSortKey, (entry: DigestEntry) => number> = {
  total_time: (entry) => entry.totalMs,
  count: (entry) => entry.count,
  avg_time: (entry) => entry.totalMs / entry.count,
  max_time: (entry) => entry.maxMs,
  errors: (entry) => entry.errors,
  bytes: (entry) => entry.bytesSent,
  rows: (entry) => entry.rowsRead + entry.rowsWritten,
  last_seen: (entry) => entry.lastSeenMs,
};

export function createQueryDigest(options: QueryDigestOptions): QueryDigest {
  const maxUsers = options.maxUsersPerFingerprint ?? 10;
  const maxChars = options.maxFingerprintChars ?? 2048;
  const now = options.now ?? Date.now;
  // Insertion order is recency order: a fingerprint seen again is moved to the end, so the first is the stalest.
  const entries = new Map<string, DigestEntry>();

  const entryFor = (fingerprint: string, statementType: string, at: number): DigestEntry => {
    const key = shortenFingerprint(fingerprint, maxChars);
    const found = entries.get(key);
    if (found) {
      entries.delete(key);
      entries.set(key, found);
      return found;
    }
    if (entries.size >= options.maxFingerprints) {
      const stalest = entries.keys().next().value;
      if (stalest !== undefined) {
        entries.delete(stalest);
        options.onEviction?.();
      }
    }
    const created: DigestEntry = {
      fingerprint: key,
      statementType,
      count: 0,
      errors: 0,
      totalMs: 0,
      maxMs: 0,
      bytesSent: 0,
      rowsRead: 0,
      rowsWritten: 0,
      rowsUnknown: 0,
      cacheHits: 0,
      cacheMisses: 0,
      cacheBypasses: 0,
      firstSeenMs: at,
      lastSeenMs: at,
      users: [],
      usersTruncated: false,
    };
    entries.set(key, created);
    options.onSizeChange?.(entries.size);
    return created;
  };

  const observe = (record: RequestRecord): void => {
    const { statements } = record;
    if (statements.length === 0) return;
    const at = now();
    const share = 1 / statements.length;
    const durationMs = record.durationMs * share;
    const bytes = record.bytesSent * share;
    const failed = isFailedRequest(record);
    // Rows are known only for the last statement, and only when ClickHouse sent a summary (never for a cache hit).
    const summary = record.cache === 'hit' ? undefined : readSummary(record.upstreamHeaders);
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index] as RequestRecord['statements'][number];
      const entry = entryFor(statement.fingerprint, statement.type, at);
      entry.count += 1;
      if (failed) entry.errors += 1;
      entry.totalMs += durationMs;
      if (durationMs > entry.maxMs) entry.maxMs = durationMs;
      entry.bytesSent += bytes;
      if (record.cache === 'hit') entry.cacheHits += 1;
      else if (record.cache === 'miss') entry.cacheMisses += 1;
      else if (record.cache === 'bypass') entry.cacheBypasses += 1;
      if (record.cache !== 'hit') {
        if (summary && index === statements.length - 1) {
          entry.rowsRead += summary.readRows;
          entry.rowsWritten += summary.writtenRows;
        } else entry.rowsUnknown += 1;
      }
      entry.lastSeenMs = at;
      if (!entry.users.includes(record.user)) {
        if (entry.users.length < maxUsers) entry.users.push(record.user);
        else entry.usersTruncated = true;
      }
    }
  };

  return {
    observe,
    top({ sort = 'total_time', limit = 100 } = {}) {
      const value = sortValue[sort];
      return [...entries.values()]
        .sort((a, b) => value(b) - value(a))
        .slice(0, Math.max(0, limit))
        .map((entry) => ({ ...entry, users: [...entry.users] }));
    },
    reset() {
      entries.clear();
      options.onSizeChange?.(0);
    },
    size: () => entries.size,
  };
}

/** read_rows and written_rows of X-ClickHouse-Summary (numbers sent as JSON strings); undefined when absent or unreadable. */
export function readSummary(headers: RequestRecord['upstreamHeaders']): { readRows: number; writtenRows: number } | undefined {
  const raw = headers?.['x-clickhouse-summary'];
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const readRows = Number(parsed.read_rows);
    const writtenRows = Number(parsed.written_rows ?? 0);
    if (!Number.isFinite(readRows) || !Number.isFinite(writtenRows)) return undefined;
    return { readRows, writtenRows };
  } catch {
    return undefined;
  }
}

/** An entry as GET /admin/digest and /status.json show it: snake_case, ISO times, averages and the hit ratio. */
export function describeDigestEntry(entry: DigestEntry): Record<string, unknown> {
  const lookups = entry.cacheHits + entry.cacheMisses;
  return {
    fingerprint: entry.fingerprint,
    statement_type: entry.statementType,
    count: entry.count,
    errors: entry.errors,
    total_time_ms: round(entry.totalMs),
    avg_time_ms: round(entry.totalMs / entry.count),
    max_time_ms: round(entry.maxMs),
    bytes_sent: Math.round(entry.bytesSent),
    rows_read: entry.rowsRead,
    rows_written: entry.rowsWritten,
    rows_unknown: entry.rowsUnknown,
    cache_hits: entry.cacheHits,
    cache_misses: entry.cacheMisses,
    cache_bypasses: entry.cacheBypasses,
    // Of the lookups the cache could answer, the share it did (null: never looked up).
    cache_hit_ratio: lookups === 0 ? null : round(entry.cacheHits / lookups, 4),
    first_seen: new Date(entry.firstSeenMs).toISOString(),
    last_seen: new Date(entry.lastSeenMs).toISOString(),
    users: entry.users,
    users_truncated: entry.usersTruncated,
  };
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
