import type { StatementClassification, StatementSlice } from '../sql/types.js';
import { databaseOfTable, effectiveDatabase, resolveTableName } from '../sql/resolve-table.js';
import type { RuleActions } from '../rules/evaluate-rules.js';
import { decideRoute, type RouteContext, type RouteDecision } from './decide-route.js';

export interface PlannedStatement {
  slice: StatementSlice;
  classification: StatementClassification;
  decision: RouteDecision;
  /** Set by an earlier `USE db` in the same body, or in the session. */
  database: string | undefined;
  /** Settings from earlier `SET` statements in the same body (after the session's), in order; later ones win. */
  settings: ReadonlyArray<readonly [string, string]>;
  /**
   * Only with `session_id`. held: chgate applies the session's state, ClickHouse sees no session; pins: the
   * statement leaves state on one server, so it carries the session there; pinned: the session lives on one writer
   * node, and the statement carries it there.
   */
  session?: SessionMode;
  /** What the operator's query rules decided for it (planRequestWithRules); absent without rules. */
  rules?: RuleActions;
}

export type SessionMode = 'held' | 'pins' | 'pinned';

/**
 * Decides every statement of a body before any runs. SET and USE are applied by chgate to the statements
 * after them, because each statement may run on a different node over a different connection. A read of a table
 * written earlier in the same body goes to the writer: a replica may not have that write yet. With `session_id`
 * the body starts from the session's SET / USE state, and from a statement that pins the session on, every statement
 * goes to the session's node.
 */
export function planBody(
  slices: readonly StatementSlice[],
  classifications: readonly StatementClassification[],
  context: RouteContext,
): PlannedStatement[] {
  let database = context.session?.database;
  let settings: Array<readonly [string, string]> = [...(context.session?.settings ?? [])];
  let pinned = context.session?.pinned ?? false;
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
    const session = context.session && { ...context.session, pinned };
    const decision = decideRoute(classification, { ...routeContext, session }, statementDatabase);
    if (decision.identity === 'write') written.note(classification, statementDatabase);
    const planned: PlannedStatement = { slice, classification, decision, database, settings };
    if (session) planned.session = sessionMode(decision);
    // The statements after a pinning one must reach the node it ran on.
    if (decision.reason === 'pins-session') pinned = true;
    if (decision.target === 'local' && classification.session) {
      const effect = classification.session;
      if (effect.kind === 'use') database = effect.database;
      if (effect.kind === 'set') settings = [...settings, ...Object.entries(effect.settings)];
    }
    return planned;
  });
}

function sessionMode(decision: RouteDecision): SessionMode {
  if (decision.reason === 'pins-session') return 'pins';
  return decision.reason === 'pinned-session' ? 'pinned' : 'held';
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
