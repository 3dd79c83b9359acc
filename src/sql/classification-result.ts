import type { Token } from './lexer.js';
import { normalizeTokens } from './normalize.js';
import type { StatementFacts } from './statement-facts.js';
import type { StatementOutcome } from './statements/statement-outcome.js';
import type { StatementClassification, StatementType } from './types.js';

/**
 * Turns a parser's outcome and facts into the frozen StatementClassification the rest of
 * chgate sees. Frozen because the classifier hands the same object to every caller that asks
 * about the same text.
 */

/**
 * Everything that keeps a statement out of the cache except non-deterministic functions. Only SELECT results are
 * cached: SHOW / DESCRIBE / EXPLAIN / CHECK / WATCH answer from server state.
 */
function isCacheableIfDeterministic(outcome: StatementOutcome, facts: StatementFacts): boolean {
  return outcome.route === 'read' && outcome.type === 'select' &&
    !facts.readsServerState && !facts.readsOutsideData && !facts.hasUnresolvedTable;
}
export function buildClassification(
  outcome: StatementOutcome,
  facts: StatementFacts,
  tokens: readonly Token[],
  tokenCount: number,
): StatementClassification {
  const forms = normalizeTokens(tokens, tokenCount);
  const result: StatementClassification = {
    type: outcome.type,
    route: outcome.route,
    tablesRead: sorted(facts.tablesRead),
    tablesWritten: sorted(facts.tablesWritten),
    tableFunctions: sorted(facts.tableFunctions),
    dictionaries: sorted(facts.dictionaries),
    databasesWritten: sorted(facts.databasesWritten),
    cacheable: isCacheableIfDeterministic(outcome, facts) && !facts.nonDeterministic,
    unknown: false,
    normalized: forms.normalized,
    fingerprint: forms.fingerprint,
  };
  if (facts.nonDeterministic) {
    result.nonDeterministic = true;
    if (isCacheableIfDeterministic(outcome, facts)) result.cacheableIfDeterministic = true;
  }
  if (outcome.session !== undefined) result.session = outcome.session;
  if (outcome.sessionScoped === true) result.sessionScoped = true;
  if (facts.parameters.size > 0) result.parameters = sorted(facts.parameters);
  return freezeClassification(result);
}

/**
 * The safe default: route to the writer, never cached, and no table lists, so nobody takes a
 * partial list for the statement's whole scope.
 */
export function unknownClassification(
  type: StatementType,
  tokens: readonly Token[],
  tokenCount: number,
): StatementClassification {
  const forms = normalizeTokens(tokens, tokenCount);
  return freezeClassification({
    type,
    route: 'write',
    tablesRead: [],
    tablesWritten: [],
    tableFunctions: [],
    dictionaries: [],
    databasesWritten: [],
    cacheable: false,
    unknown: true,
    normalized: forms.normalized,
    fingerprint: forms.fingerprint,
  });
}

/** A SELECT only node-sql-parser could read: a read, its tables as it saw them, not cacheable. */
export function fallbackReadClassification(
  tablesRead: string[],
  tokens: readonly Token[],
  tokenCount: number,
): StatementClassification {
  const forms = normalizeTokens(tokens, tokenCount);
  return freezeClassification({
    type: 'select',
    route: 'read',
    tablesRead,
    tablesWritten: [],
    tableFunctions: [],
    dictionaries: [],
    databasesWritten: [],
    cacheable: false,
    unknown: false,
    normalized: forms.normalized,
    fingerprint: forms.fingerprint,
  });
}

function sorted(values: ReadonlySet<string>): string[] {
  return [...values].sort();
}

function freezeClassification(result: StatementClassification): StatementClassification {
  Object.freeze(result.tablesRead);
  Object.freeze(result.tablesWritten);
  Object.freeze(result.tableFunctions);
  Object.freeze(result.dictionaries);
  Object.freeze(result.databasesWritten);
  if (result.parameters !== undefined) Object.freeze(result.parameters);
  if (result.session !== undefined) {
    if (result.session.kind === 'set') Object.freeze(result.session.settings);
    Object.freeze(result.session);
  }
  return Object.freeze(result);
}
