import { NO_STOPS, scanExpression } from '../expression-scanner.js';
import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { acceptOnCluster } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** Lightweight DELETE FROM [db.]t [ON CLUSTER c] [IN PARTITION p] WHERE expr: t written, subqueries read. */
export function parseDeleteStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('DELETE');
  c.expectWord('FROM');
  ctx.facts.noteTableWritten(expectQualifiedName(c));
  acceptOnCluster(c);
  scanExpression(ctx, { stops: NO_STOPS });
  return { type: 'delete', route: 'write' };
}
