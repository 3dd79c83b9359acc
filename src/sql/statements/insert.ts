import { isQueryStart, scanExpression, scanParameter, scanParenthesized } from '../expression-scanner.js';
import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import type { TokenCursor } from '../token-cursor.js';
import { parseQuery, parseTableFunction, parseWithItems } from './select.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * INSERT INTO [TABLE] {[db.]t | FUNCTION f(...) | {t:Identifier}} [(columns)] [SETTINGS ...]
 *   { VALUES | FORMAT name | FROM INFILE 'f' [COMPRESSION 'c'] ... | SELECT ... [FORMAT name] | WATCH lv }
 *
 * Always a write. The target goes to tablesWritten (an `INSERT INTO FUNCTION` target to
 * tableFunctions), the SELECT part's tables to tablesRead. Anything after VALUES or after the
 * FORMAT name is data and is not looked at. A WITH before INSERT is accepted too: ClickHouse
 * itself rejects it, but it must never pass for a SELECT.
 */

const SETTINGS_STOPS: ReadonlySet<string> = new Set(['VALUES', 'FORMAT', 'SELECT', 'WITH', 'FROM', 'WATCH']);

export function parseInsertStatement(outer: ParseContext): StatementOutcome {
  const ctx: ParseContext = { ...outer, scope: outer.scope.child() };
  const c = ctx.cursor;
  const facts = ctx.facts;
  if (c.acceptWord('WITH')) parseWithItems(ctx);
  c.expectWord('INSERT');
  c.expectWord('INTO');
  c.acceptWord('TABLE');
  if (c.acceptWord('FUNCTION')) {
    if (!c.isName() || !c.isPunct('(', 1)) c.fail('expected a table function');
    parseTableFunction(ctx);
  } else if (c.isPunct('{')) {
    scanParameter(ctx);
    facts.hasUnresolvedTable = true;
  } else {
    facts.noteTableWritten(expectQualifiedName(c));
  }
  if (c.isPunct('(') && !isQueryStart(c, 1)) scanParenthesized(ctx, '');

  const outcome: StatementOutcome = { type: 'insert', route: 'write' };
  for (;;) {
    if (c.atEnd()) return outcome;
    if (c.acceptWord('SETTINGS')) {
      scanExpression(ctx, { stops: SETTINGS_STOPS });
    } else if (c.acceptWord('VALUES')) {
      return { ...outcome, dataFrom: c.pos };
    } else if (c.acceptWord('FORMAT')) {
      if (c.isName()) c.pos++;
      return { ...outcome, dataFrom: c.pos };
    } else if (c.acceptWords('FROM', 'INFILE')) {
      c.next();
      if (c.acceptWord('COMPRESSION')) c.next();
    } else if (c.acceptWord('WATCH')) {
      facts.noteTableRead(expectQualifiedName(c));
      c.acceptWord('EVENTS');
      if (c.acceptWord('LIMIT')) c.next();
    } else if (isQueryStart(c) || c.isPunct('(')) {
      parseQuery(ctx);
    } else {
      c.fail('unexpected token in INSERT');
    }
  }
}

/** `WITH ... INSERT INTO`: an INSERT at bracket depth 0 after a leading WITH. */
export function isWithInsertAt(c: TokenCursor): boolean {
  let depth = 0;
  for (let i = 0; ; i++) {
    const t = c.peek(i);
    if (t === undefined) return false;
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    } else if (depth === 0 && t.kind === 'word' && t.upper === 'INSERT' && c.isWord('INTO', i + 1)) {
      return true;
    }
  }
}
