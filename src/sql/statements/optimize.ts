import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** OPTIMIZE TABLE [db.]t [ON CLUSTER c] [PARTITION p] [FINAL] [DEDUPLICATE [BY ...]]: merges rewrite t. */
export function parseOptimizeStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('OPTIMIZE');
  c.acceptWord('TABLE');
  ctx.facts.noteTableWritten(expectQualifiedName(c));
  skipRest(c);
  return { type: 'optimize', route: 'write' };
}
