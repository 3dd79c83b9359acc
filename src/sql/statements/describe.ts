import { isQueryStart, scanParenthesized } from '../expression-scanner.js';
import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import { parseTableFunction } from './select.js';
import type { StatementOutcome } from './statement-outcome.js';

/** DESC|DESCRIBE [TABLE] {[db.]t | f(...) | (query)} [SETTINGS ...] [FORMAT ...]: a read of t's structure. */
export function parseDescribeStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  if (!c.acceptWord('DESCRIBE')) c.expectWord('DESC');
  c.acceptWord('TABLE');
  if (c.isPunct('(')) {
    if (!isQueryStart(c, 1)) c.fail('expected a query');
    scanParenthesized(ctx, '');
  } else if (c.isName() && c.isPunct('(', 1)) {
    parseTableFunction(ctx);
  } else {
    ctx.facts.noteTableRead(expectQualifiedName(c));
  }
  skipRest(c);
  return { type: 'describe', route: 'read' };
}
