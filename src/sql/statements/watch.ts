import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** WATCH [db.]live_view [EVENTS] [LIMIT n] [FORMAT ...]: streams a live view's changes; a read of it. */
export function parseWatchStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('WATCH');
  ctx.facts.noteTableRead(expectQualifiedName(c));
  skipRest(c);
  return { type: 'watch', route: 'read' };
}
