import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** CHECK TABLE [db.]t [PARTITION p] [PART 'x'] reads t to verify it; CHECK GRANT / CHECK ALL TABLES read too. */
export function parseCheckStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('CHECK');
  if (c.acceptWord('TABLE')) ctx.facts.noteTableRead(expectQualifiedName(c));
  else if (!c.acceptWord('GRANT') && !c.acceptWords('ALL', 'TABLES')) c.fail('unsupported CHECK');
  skipRest(c);
  return { type: 'check', route: 'read' };
}
