import type { StatementClassification, StatementSlice } from '../sql/types.js';
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
 * after them, because each statement may run on a different node over a different connection.
 */
export function planBody(
  slices: readonly StatementSlice[],
  classifications: readonly StatementClassification[],
  context: RouteContext,
): PlannedStatement[] {
  let database: string | undefined;
  let settings: Array<readonly [string, string]> = [];
  return slices.map((slice, index) => {
    const classification = classifications[index];
    if (!classification) throw new Error(`no classification for statement ${index}`);
    const decision = decideRoute(classification, context);
    const planned: PlannedStatement = { slice, classification, decision, database, settings };
    if (decision.target === 'local' && classification.session) {
      const effect = classification.session;
      if (effect.kind === 'use') database = effect.database;
      if (effect.kind === 'set') settings = [...settings, ...Object.entries(effect.settings)];
    }
    return planned;
  });
}
