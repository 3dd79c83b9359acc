/** What the SQL engine tells the rest of chgate about one statement. Pure data, no I/O. */

export type StatementType =
  | 'select' | 'insert' | 'alter' | 'create' | 'drop' | 'truncate' | 'rename' | 'exchange'
  | 'optimize' | 'system' | 'kill' | 'grant' | 'revoke' | 'delete' | 'update' | 'set' | 'use'
  | 'show' | 'describe' | 'exists' | 'explain' | 'check' | 'attach' | 'detach' | 'watch' | 'other';

/** read: changes nothing; write: changes data, schema, server state or access; session: SET / USE. */
export type Route = 'read' | 'write' | 'session';

/** State a session statement carries to the statements after it in the same body. */
export type SessionEffect =
  | { kind: 'use'; database: string }
  /** Setting values as ClickHouse expects them in URL parameters: string literals unquoted, numbers as written. */
  | { kind: 'set'; settings: Record<string, string> }
  /** SET ROLE and other session statements chgate cannot replay as URL parameters. */
  | { kind: 'other' };

export interface StatementClassification {
  type: StatementType;
  route: Route;
  /** Tables as written: `db.t` when qualified, `t` when not; quotes removed; sorted, unique. */
  tablesRead: string[];
  tablesWritten: string[];
  tableFunctions: string[];
  dictionaries: string[];
  databasesWritten: string[];
  cacheable: boolean;
  /**
   * Present (true) when the statement calls a non-deterministic function (now, today, rand, currentUser, ...; see
   * function-catalog.ts). Absent otherwise, and on unknown and fallback classifications (nothing was checked).
   */
  nonDeterministic?: boolean;
  /**
   * Present (true) only with nonDeterministic, when the non-deterministic functions are the ONLY reason a read is
   * not cacheable: a SELECT of ordinary tables, no system tables, no outside data (url(), remote(), file(), ...), no
   * run-time table names. Such a read may be cached for a short TTL when the operator's cache rule allows it.
   */
  cacheableIfDeterministic?: boolean;
  /** True when neither parser understood the statement: route is then 'write' and cacheable false. */
  unknown: boolean;
  /** Comments, whitespace and keyword case removed; literals and identifiers exactly kept. */
  normalized: string;
  /** normalized with literals replaced by `?`: for metrics and rules, never for cache keys. */
  fingerprint: string;
  session?: SessionEffect;
  /**
   * Present (true) when the statement acts on state ClickHouse keeps in the HTTP session on one server: CREATE / DROP
   * TEMPORARY TABLE. It needs `session_id`, and the statements after it must reach the same server.
   */
  sessionScoped?: boolean;
  /**
   * Query parameters the statement uses (`{name:Type}`), by name. Their values arrive as
   * `param_<name>` URL parameters, outside the SQL: a cache key must include them.
   */
  parameters?: string[];
}

/** One statement of a body, as offsets into the text it was split from. */
export interface StatementSlice {
  /** Offset of the statement's first character (leading whitespace and comments before it excluded). */
  start: number;
  /** Offset just past the statement's last character, including inline INSERT data; the `;` is excluded. */
  end: number;
  /** The statement's SQL without inline data: what the classifier is given. */
  sql: string;
  /**
   * Inline INSERT data: `format` after `INSERT ... FORMAT name` (runs to the end of the body),
   * `values` for the tuples after `INSERT ... VALUES`.
   */
  data?: { start: number; end: number; kind: 'format' | 'values' };
  /** The text ended inside this statement (unterminated string, comment, bracket or data). */
  truncated: boolean;
}
