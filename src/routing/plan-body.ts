import type { StatementClassification, StatementSlice } from '../sql/types.js';
import { databaseOfTable, effectiveDatabase, resolveTableName } from '../sql/resolve-table.js';
import { decideRoute, type RouteContext, type RouteDecision } from './decide-route.js';

export interface PlannedStatement {
  slice: StatementSlice;
  classification: StatementClassification;
  decision: RouteDecision;
  /** Set by an earlier `USE db` in the same body. */
  database: string | undefined;
  /** Settings from earlier `SET` statements in the same body, in order; later ones win. */
  settings: ReadonlyArray<readonly [string, string]>;
}

/**
 * Decides every statement of a body before any runs. SET and USE are applied by chgate to the statements
 * after them, because each statement may run on a different node over a different connection. A read of a table
 * written earlier in the same body goes to the writer: a replica may not have that write yet.
 */
export function planBody(
  slices: readonly StatementSlice[],
  classifications: readonly StatementClassification[],
  context: RouteContext,
): PlannedStatement[] {
  let database: string | undefined;
  let settings: Array<readonly [string, string]> = [];
  const written = createWrittenTables();
  const routeContext: RouteContext = {
    ...context,
    isRecentlyWritten: (classification, statementDatabase) =>
      written.isReadBy(classification, statementDatabase) || (context.isRecentlyWritten?.(classification, statementDatabase) ?? false),
  };
  return slices.map((slice, index) => {
    const classification = classifications[index];
    if (!classification) throw new Error(`no classification for statement ${index}`);
    const statementDatabase = database ?? context.database;
    const decision = decideRoute(classification, routeContext, statementDatabase);
    if (decision.identity === 'write') written.note(classification, statementDatabase);
    const planned: PlannedStatement = { slice, classification, decision, database, settings };
    if (decision.target === 'local' && classification.session) {
      const effect = classification.session;
      if (effect.kind === 'use') database = effect.database;
      if (effect.kind === 'set') settings = [...settings, ...Object.entries(effect.settings)];
    }
    return planned;
  });
}

/** Tables, databases or everything written by the statements so far. */
function createWrittenTables() {
  const tables = new Set<string>();
  const databases = new Set<string>();
  let everything = false;
  return {
    note(classification: StatementClassification, database: string | undefined): void {
      const db = effectiveDatabase(database);
      if (classification.unknown) everything = true;
      for (const table of classification.tablesWritten) tables.add(resolveTableName(table, db));
      for (const name of classification.databasesWritten) databases.add(name);
    },
    isReadBy(classification: StatementClassification, database: string | undefined): boolean {
      if (everything) return true;
      const db = effectiveDatabase(database);
      return classification.tablesRead.some((table) => {
        const resolved = resolveTableName(table, db);
        return tables.has(resolved) || databases.has(databaseOfTable(resolved));
      });
    },
  };
}
