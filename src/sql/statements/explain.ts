import type { ParseContext } from '../parse-context.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * EXPLAIN [AST | SYNTAX | QUERY TREE | PLAN | PIPELINE | ESTIMATE | TABLE OVERRIDE | CURRENT TRANSACTION]
 *   [setting = value, ...] statement
 * A read whatever it explains: nothing is run. The explained statement is parsed afterwards by
 * the classifier for the tables it would read.
 */
const KINDS: readonly (readonly string[])[] = [
  ['AST'], ['SYNTAX'], ['QUERY', 'TREE'], ['PLAN'], ['PIPELINE'], ['ESTIMATE'], ['TABLE', 'OVERRIDE'],
  ['CURRENT', 'TRANSACTION'],
];

export function parseExplainStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('EXPLAIN');
  for (const kind of KINDS) {
    if (c.acceptWords(...kind)) break;
  }
  // Explain settings: `header = 1, actions = 1`.
  while (c.isName() && c.isPunct('=', 1)) {
    c.pos += 2;
    if (c.isPunct('-') || c.isPunct('+')) c.pos++;
    c.next();
    c.acceptPunct(',');
  }
  return { type: 'explain', route: 'read', explainsRest: true };
}
