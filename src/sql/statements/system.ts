import type { TokenCursor } from '../token-cursor.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * SYSTEM ... is always a write: it changes server state (caches, merges, replication, logs).
 * No table targets, even when a table is named (SYSTEM STOP MERGES t): a write of unknown scope.
 */
export function parseSystemStatement(c: TokenCursor): StatementOutcome {
  c.expectWord('SYSTEM');
  if (c.atEnd()) c.fail('expected a SYSTEM command');
  skipRest(c);
  return { type: 'system', route: 'write' };
}
