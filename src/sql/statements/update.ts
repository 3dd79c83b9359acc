import { NO_STOPS, scanExpression } from '../expression-scanner.js';
import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { acceptOnCluster } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** Lightweight UPDATE [db.]t [ON CLUSTER c] SET col = expr, ... WHERE expr: t written, subqueries read. */
export function parseUpdateStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('UPDATE');
  ctx.facts.noteTableWritten(expectQualifiedName(c));
  acceptOnCluster(c);
  c.expectWord('SET');
  scanExpression(ctx, { stops: NO_STOPS });
  return { type: 'update', route: 'write' };
}
