import type { PlannedStatement } from '../routing/plan-body.js';
import { isDictionaryFunction, isJoinGetFunction, isNonDeterministicFunction } from '../sql/function-catalog.js';

/**
 * What the statement alone says about sending an INSERT twice. ClickHouse drops an INSERT block it has already
 * written to a Replicated*MergeTree table (same rows in the same order, hashed per block, within the table's
 * replicated_deduplication_window), so such an INSERT may be sent again after a failure that leaves its fate
 * unknown. That holds only when the second attempt produces the very same blocks: the same bytes and settings
 * (chgate resends both unchanged), rows given inline rather than computed by a SELECT, and no value that
 * ClickHouse computes anew on each attempt (now() in VALUES, a DEFAULT now() column: see dedup-tables.ts).
 */

/** The table an INSERT writes, as ClickHouse will be asked about it. */
export interface InsertTarget {
  /** Undefined: the database the statement runs in without one (the backend user's default). */
  database: string | undefined;
  table: string;
}

/**
 * The table of an INSERT that ClickHouse could deduplicate if it arrived twice, judged from the statement and the
 * request's settings; undefined when it could not be (then only the table's engine is left to ask about).
 */
export function findDedupInsertTarget(step: PlannedStatement, params: URLSearchParams): InsertTarget | undefined {
  const { classification, slice } = step;
  if (classification.type !== 'insert' || classification.unknown || step.decision.identity !== 'write') return undefined;
  // INSERT ... SELECT: its blocks depend on how the SELECT ran; INSERT INTO FUNCTION, input(): not a plain table.
  if (!slice.data || classification.tablesRead.length > 0 || classification.tableFunctions.length > 0) return undefined;
  if (classification.tablesWritten.length !== 1) return undefined;
  // `INSERT INTO t SETTINGS insert_deduplicate = 0 VALUES ...` (newer servers): not worth parsing, just not retried.
  if (/\b(insert_deduplicate|async_insert|insert_deduplication_token)\b/i.test(slice.sql)) return undefined;
  const setting = (name: string): string | undefined => {
    let value = params.get(name) ?? undefined;
    for (const [each, set] of step.settings) if (each === name) value = set;
    return value?.trim().toLowerCase();
  };
  if (isFalse(setting('insert_deduplicate') ?? '1')) return undefined;
  // Asynchronous inserts are deduplicated only with async_insert_deduplicate, and acknowledged before written.
  if (!isFalse(setting('async_insert') ?? '0')) return undefined;

  const written = classification.tablesWritten[0] as string;
  const database = step.database ?? (params.get('database') || undefined);
  const dot = written.indexOf('.');
  if (dot < 0) return { database, table: written };
  // `db.t`, but a quoted name may contain a dot (`a.b`) and arrives unquoted: refused when any quoted name has one.
  const name = written.slice(dot + 1);
  if (name.includes('.') || /[`"]/.test(slice.sql.replace(/[`"][^`".]*[`"]/g, ''))) return undefined;
  return { database: written.slice(0, dot), table: name };
}

function isFalse(value: string): boolean {
  return value === '0' || value === 'false';
}

/**
 * Whether inline data calls a function whose value differs between two attempts (`VALUES (now())`, `rand()`,
 * `dictGet(...)`): ClickHouse evaluates such expressions on each attempt, so the blocks differ and the second
 * attempt would not be deduplicated. Over-matches on purpose (a name followed by `(` inside a string or binary data
 * also counts): a false match only costs a retry.
 */
export function callsNonDeterministicFunction(text: string): boolean {
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = match[1] as string;
    if (isNonDeterministicFunction(name) || isDictionaryFunction(name) || isJoinGetFunction(name)) return true;
  }
  return false;
}
