import type { NameScope, StatementFacts } from './statement-facts.js';
import type { TokenCursor } from './token-cursor.js';
import { ParseFailure } from './token-cursor.js';

/** How deep subqueries and brackets may nest before the statement is declared unknown. */
const MAX_NESTING = 96;

/** Everything a statement parser works with; immutable, derived for nested scopes. */
export interface ParseContext {
  readonly cursor: TokenCursor;
  readonly facts: StatementFacts;
  readonly scope: NameScope;
  readonly nesting: number;
  /**
   * Inside `position(x IN y)`: there `IN` is part of the function's syntax, not a set test,
   * so the name after it is a column, not a table.
   */
  readonly inPositionCall: boolean;
  /**
   * Parses a query (SELECT ... [UNION ...]) at the cursor. Passed in rather than imported so
   * the expression scanner, which meets subqueries, and the SELECT parser, which meets
   * expressions, do not import each other.
   */
  readonly parseQuery: (ctx: ParseContext) => void;
}

/** A context one level deeper (a subquery or bracket); fails past MAX_NESTING rather than overflow the stack. */
export function deeper(ctx: ParseContext, scope: NameScope = ctx.scope, inPositionCall = false): ParseContext {
  if (ctx.nesting >= MAX_NESTING) throw new ParseFailure('nesting too deep');
  return { ...ctx, scope, nesting: ctx.nesting + 1, inPositionCall };
}
