import type { Route, SessionEffect, StatementType } from '../types.js';

/** What a statement parser decides; the tables it found are in the context's facts. */
export interface StatementOutcome {
  type: StatementType;
  route: Route;
  session?: SessionEffect;
  /** CREATE / DROP TEMPORARY TABLE: state in the ClickHouse session of one server. */
  sessionScoped?: boolean;
  /**
   * EXPLAIN: the rest of the statement is another statement, to be parsed for the tables it
   * would read (it is not run, so its writes do not count).
   */
  explainsRest?: boolean;
  /** INSERT: index of the first token of inline data (after VALUES or the FORMAT name), never parsed. */
  dataFrom?: number;
}
