import { identifierName, stringLiteralValue } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import type { TokenCursor } from '../token-cursor.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * SET name = value [, ...] → session: the settings, valued as ClickHouse takes them in URL
 *   parameters (string literals unquoted, numbers and compound literals as written), so the
 *   proxy can replay them on later statements. `SET param_x = ...` sets a query parameter.
 * SET ROLE ... / SET TRANSACTION SNAPSHOT ... → session state chgate cannot replay: kind 'other'.
 * SET DEFAULT ROLE ... TO user → a write: it changes a user's stored defaults.
 */
export function parseSetStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('SET');
  if (c.acceptWords('DEFAULT', 'ROLE')) {
    skipRest(c);
    return { type: 'set', route: 'write' };
  }
  if (c.acceptWord('ROLE') || c.acceptWords('TRANSACTION', 'SNAPSHOT')) {
    skipRest(c);
    return { type: 'set', route: 'session', session: { kind: 'other' } };
  }
  const settings: Record<string, string> = {};
  let replayable = true;
  do {
    const name = c.next();
    if (name.kind !== 'word' && name.kind !== 'quoted') c.fail('expected a setting name');
    c.expectPunct('=');
    const value = readSettingValue(c);
    if (value === undefined) replayable = false;
    else settings[identifierName(name)] = value;
  } while (c.acceptPunct(','));
  if (!c.atEnd()) c.fail('unexpected token in SET');
  return replayable
    ? { type: 'set', route: 'session', session: { kind: 'set', settings } }
    : { type: 'set', route: 'session', session: { kind: 'other' } };
}

/**
 * One setting value, up to a comma at depth 0. Undefined when it is not a literal chgate can
 * pass on as a URL parameter (`SET x = DEFAULT` resets, it has no URL form).
 */
function readSettingValue(c: TokenCursor): string | undefined {
  const first = c.peek();
  if (first === undefined) c.fail('expected a value');
  let depth = 0;
  let last = first;
  let count = 0;
  // A compound literal is rebuilt from its tokens so comments and layout inside do not leak into the value.
  let compound = '';
  for (let t = c.peek(); t !== undefined; t = c.peek()) {
    if (t.kind === 'error') c.fail('unrecognized token');
    if (t.kind === 'punct') {
      if (t.text === ',' && depth === 0) break;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
      if (depth < 0) c.fail('unbalanced brackets');
    }
    const glued = t.kind === 'punct' || last.kind === 'punct' || count === 0;
    compound += glued ? t.text : ` ${t.text}`;
    last = t;
    count++;
    c.pos++;
  }
  if (count === 0 || depth !== 0) c.fail('expected a value');
  if (count === 1) {
    if (first.kind === 'string') return stringLiteralValue(first);
    if (first.kind === 'number') return first.text;
    if (first.kind === 'word') {
      return first.upper === 'TRUE' || first.upper === 'FALSE' ? first.text.toLowerCase() : undefined;
    }
  }
  if (count === 2 && (first.text === '-' || first.text === '+') && last.kind === 'number') {
    return first.text === '-' ? `-${last.text}` : last.text;
  }
  if (first.kind === 'punct' && (first.text === '[' || first.text === '(' || first.text === '{')) {
    return compound;
  }
  return undefined;
}
