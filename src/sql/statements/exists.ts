import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** EXISTS [TEMPORARY] [TABLE|VIEW|DICTIONARY|DATABASE] name [FORMAT ...]: a read; a table's name is read. */
export function parseExistsStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('EXISTS');
  c.acceptWord('TEMPORARY');
  if (c.acceptWord('DATABASE')) {
    expectQualifiedName(c);
  } else {
    if (!(c.acceptWord('TABLE') || c.acceptWord('VIEW') || c.acceptWord('DICTIONARY'))) {
      c.acceptWords('MATERIALIZED', 'VIEW');
    }
    ctx.facts.noteTableRead(expectQualifiedName(c));
  }
  skipRest(c);
  return { type: 'exists', route: 'read' };
}
