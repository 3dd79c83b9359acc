/**
 * Table names in a StatementClassification are as written: `db.t` or `t`. The cache keys and invalidates by the
 * resolved `db.t`, so `t` read with `?database=db` and `db.t` written are the same table. Case is kept: ClickHouse
 * identifiers are case-sensitive.
 *
 * A quoted name containing a dot (`` `a.b` ``) arrives unquoted and cannot be told apart from `a.b`; it resolves
 * the same way wherever it is written unqualified, which is what invalidation needs.
 */

/** The database ClickHouse uses when a request names none. */
export const defaultDatabase = 'default';

export function effectiveDatabase(database: string | null | undefined): string {
  return database === null || database === undefined || database === '' ? defaultDatabase : database;
}

export function resolveTableName(name: string, database: string): string {
  return name.includes('.') ? name : `${database}.${name}`;
}

/** Resolved, sorted, without duplicates. */
export function resolveTableNames(names: readonly string[], database: string): string[] {
  return [...new Set(names.map((name) => resolveTableName(name, database)))].sort();
}

/** The database part of a resolved name. */
export function databaseOfTable(resolved: string): string {
  const dot = resolved.indexOf('.');
  return dot < 0 ? defaultDatabase : resolved.slice(0, dot);
}
