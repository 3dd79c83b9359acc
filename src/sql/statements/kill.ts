import { scanExpression } from '../expression-scanner.js';
import type { ParseContext } from '../parse-context.js';
import { acceptOnCluster, skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

const TAIL_WORDS: ReadonlySet<string> = new Set(['SYNC', 'ASYNC', 'TEST', 'FORMAT']);

/** KILL QUERY|MUTATION|TRANSACTION [ON CLUSTER c] WHERE expr [SYNC|ASYNC|TEST]: a write; subqueries are read. */
export function parseKillStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('KILL');
  if (!(c.acceptWord('QUERY') || c.acceptWord('MUTATION') || c.acceptWord('TRANSACTION'))) c.fail('unsupported KILL');
  acceptOnCluster(c);
  if (c.acceptWord('WHERE')) scanExpression(ctx, { stops: TAIL_WORDS });
  skipRest(c);
  return { type: 'kill', route: 'write' };
}
