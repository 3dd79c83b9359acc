import type { StatementClassification } from '../sql/types.js';
import type { CacheRule } from './cache-config.js';
import { resolveTableNames } from '../sql/resolve-table.js';

/** Why a request's result is neither served from nor stored in the cache. A bounded set: a metrics label. */
export type BypassReason =
  /** cache.enabled is false. */
  | 'disabled'
  /** Only GET and POST queries are cached (HEAD answers no body). */
  | 'method'
  /** `no_cache=1` from the client. */
  | 'no-cache-param'
  /**
   * `session_id`: the statements run with the SET / USE state chgate holds for the session, which the key does not
   * cover, or, in a pinned session, may read its temporary tables.
   */
  | 'http-session'
  /** A statement the SQL engine could not classify. */
  | 'unknown-statement'
  /** A write, or SET / USE, in the body. */
  | 'write-in-body'
  /** Several statements: only single-statement bodies are cached. */
  | 'multi-statement'
  /** A `cache.rules` entry with `no_cache` matched the read. */
  | 'rule'
  /** The SQL engine says so: non-deterministic functions, outside data, server state, not a SELECT. */
  | 'not-cacheable'
  /** dictGet & co.: a dictionary reloads from its source on its own schedule, unseen by chgate. */
  | 'reads-dictionary'
  /** `compress=1` (ClickHouse's own block compression) or `decompress=1` (an opaque body): chgate cannot check
   * such a response for a trailing exception, nor see the body's statements. */
  | 'compressed-format'
  /** A table read has a mutation (ALTER UPDATE/DELETE, lightweight DELETE/UPDATE) still running. */
  | 'mutation-in-flight'
  /** A table read was written moments ago and the read cannot go to the writer. */
  | 'replica-lag-window'
  /** cache.store.kind redis: Redis is not reachable (or not synced after reconnecting); the read goes to the writer. */
  | 'store-unavailable';

export type CachingDecision =
  | { mode: 'use'; tables: string[]; readFromWriter: boolean }
  | { mode: 'bypass'; reason: BypassReason };

export interface CachingInput {
  enabled: boolean;
  method: string;
  params: { get(name: string): string | null; has(name: string): boolean };
  classifications: readonly StatementClassification[];
  /** The effective database of the statement. */
  database: string;
  /** The first `cache.rules` entry matching the (single) statement, if any: the caller matches, the policy obeys. */
  rule?: Pick<CacheRule, 'noCache' | 'cacheNonDeterministic'>;
  /**
   * What changes from one moment to the next. Left out, the decision covers only the request itself (a first pass
   * that needs no table versions); given, it must be read after the table versions were taken: see README.md.
   */
  state?: CachingState;
}

export interface CachingState {
  isMutating(table: string): boolean;
  /** True when a table was written within the replica-lag window. */
  wasRecentlyWritten(tables: readonly string[]): boolean;
  /** False when the pipeline cannot send this read to the writer (no healthy writer). */
  canReadFromWriter: boolean;
}

/** ClickHouse's boolean settings accept 1/0 and true/false. */
export function isTruthyParam(value: string | null): boolean {
  if (value === null) return false;
  const lower = value.trim().toLowerCase();
  return lower === '1' || lower === 'true';
}

/** Pure: whether a request's result may come from (and go into) the cache, and if not, why. First reason wins. */
export function decideCaching(input: CachingInput): CachingDecision {
  const bypass = (reason: BypassReason): CachingDecision => ({ mode: 'bypass', reason });
  const { classifications, params } = input;
  if (!input.enabled) return bypass('disabled');
  if (input.method !== 'GET' && input.method !== 'POST') return bypass('method');
  if (isTruthyParam(params.get('no_cache'))) return bypass('no-cache-param');
  if (params.has('session_id')) return bypass('http-session');
  if (classifications.some((c) => c.unknown)) return bypass('unknown-statement');
  if (classifications.some((c) => c.route !== 'read')) return bypass('write-in-body');
  const only = classifications[0];
  if (classifications.length !== 1 || only === undefined) return bypass('multi-statement');
  if (input.rule?.noCache === true) return bypass('rule');
  // A rule may lift non-determinism, and only when it is the sole reason: never system tables, url(), ...
  const liftedByRule = input.rule?.cacheNonDeterministic === true && only.cacheableIfDeterministic === true;
  if ((!only.cacheable && !liftedByRule) || only.type !== 'select') return bypass('not-cacheable');
  if (only.dictionaries.length > 0) return bypass('reads-dictionary');
  if (isTruthyParam(params.get('compress')) || isTruthyParam(params.get('decompress'))) return bypass('compressed-format');
  const tables = resolveTableNames(only.tablesRead, input.database);
  const { state } = input;
  if (!state) return { mode: 'use', tables, readFromWriter: false };
  if (tables.some((table) => state.isMutating(table))) return bypass('mutation-in-flight');
  const readFromWriter = state.wasRecentlyWritten(tables);
  if (readFromWriter && !state.canReadFromWriter) return bypass('replica-lag-window');
  return { mode: 'use', tables, readFromWriter };
}

/** What a statement's completion (and start) must invalidate. */
export type InvalidationTarget =
  | { kind: 'none' }
  | { kind: 'tables'; tables: string[] }
  /** Database-level writes; `tables` are any tables the statement also names. */
  | { kind: 'databases'; databases: string[]; tables: string[] }
  | { kind: 'everything' };

/**
 * Pure. Reads and SET / USE invalidate nothing. A write invalidates the tables and databases it names, resolved
 * against `database`. A write the engine could not analyse, or one without targets, invalidates everything:
 * SYSTEM (RELOAD DICTIONARY, RESTART REPLICA, ... change what reads return), KILL (a killed mutation or INSERT
 * leaves data half-changed), GRANT / REVOKE and CREATE / ALTER / DROP of users, roles, row policies, quotas and
 * settings profiles (what the backend user may see and its result limits), CREATE OR REPLACE FUNCTION, INSERT
 * INTO FUNCTION. They are rare, and a wrong guess would serve stale or forbidden rows.
 */
export function tablesInvalidatedBy(classification: StatementClassification, database: string): InvalidationTarget {
  if (classification.unknown) return { kind: 'everything' };
  if (classification.route !== 'write') return { kind: 'none' };
  const tables = resolveTableNames(classification.tablesWritten, database);
  if (classification.databasesWritten.length > 0) {
    return { kind: 'databases', databases: [...new Set(classification.databasesWritten)].sort(), tables };
  }
  if (tables.length > 0) return { kind: 'tables', tables };
  return { kind: 'everything' };
}

/**
 * Statements that may leave a mutation running after they return: ALTER ... UPDATE / DELETE (and MODIFY / DROP
 * COLUMN, MATERIALIZE ... which are mutations too), lightweight DELETE and UPDATE. Every ALTER counts: tracking
 * one that started no mutation costs a few polls of system.mutations.
 */
export function mayStartMutation(classification: StatementClassification): boolean {
  return classification.route === 'write' && ['alter', 'delete', 'update'].includes(classification.type);
}
