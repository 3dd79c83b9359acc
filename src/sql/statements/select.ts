import {
  isBracketedQueryAt,
  isQueryStart,
  isSetOperatorAt,
  scanExpression,
  scanParameter,
  scanParenthesized,
  type ScanOptions,
} from '../expression-scanner.js';
import { expectQualifiedName, identifierName, stringLiteralValue } from '../names.js';
import { deeper, type ParseContext } from '../parse-context.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * SELECT as ClickHouse writes it:
 *
 *   [WITH expr AS name | name AS (subquery), ...]
 *   SELECT [DISTINCT [ON (...)] | ALL] [TOP n [WITH TIES]] expr_list
 *   [FROM table_expression]              -- or FROM first: FROM t SELECT ...
 *   [PREWHERE e] [WHERE e] [GROUP BY ... [WITH ROLLUP|CUBE|TOTALS]] [HAVING e] [WINDOW ...]
 *   [QUALIFY e] [ORDER BY ... [WITH FILL ...]] [LIMIT n BY ...] [LIMIT n [OFFSET m]] [WITH TIES]
 *   [OFFSET n ROWS] [FETCH ...] [SETTINGS ...] [INTO OUTFILE ...] [FORMAT name]
 *   [UNION [ALL|DISTINCT] | INTERSECT | EXCEPT  <select>]...
 *
 * and table expressions: tables, table functions, subqueries, `(...)`, every JOIN kind
 * (GLOBAL/LOCAL, ANY/ALL/ASOF/SEMI/ANTI, INNER/LEFT/RIGHT/FULL/CROSS/PASTE, OUTER),
 * `[LEFT] ARRAY JOIN`, comma joins, FINAL, SAMPLE k [OFFSET m], aliases.
 */

const CLAUSE_WORDS = [
  'FROM', 'WHERE', 'PREWHERE', 'GROUP', 'HAVING', 'WINDOW', 'QUALIFY', 'ORDER', 'LIMIT', 'OFFSET',
  'SETTINGS', 'FORMAT', 'UNION', 'INTERSECT', 'EXCEPT', 'INTO', 'WITH', 'FETCH', 'BY', 'SELECT',
];
const JOIN_MODIFIERS = new Set([
  'GLOBAL', 'LOCAL', 'ANY', 'ALL', 'ASOF', 'SEMI', 'ANTI', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'PASTE',
  'OUTER',
]);

/** Clause keywords: where a select-list or WHERE expression ends. */
export const CLAUSE_STOPS: ReadonlySet<string> = new Set(CLAUSE_WORDS);
/** Inside FROM, a JOIN (or its modifiers), ON and USING end an expression too. */
const JOIN_STOPS: ReadonlySet<string> = new Set([...CLAUSE_WORDS, ...JOIN_MODIFIERS, 'JOIN', 'ARRAY', 'ON', 'USING']);
/** Words that cannot be a table alias written without AS. */
const NOT_AN_ALIAS: ReadonlySet<string> = new Set([...JOIN_STOPS, 'FINAL', 'SAMPLE', 'SELECT']);

const CLAUSE_OPTIONS: ScanOptions = { stops: CLAUSE_STOPS, strict: true };
const JOIN_OPTIONS: ScanOptions = { stops: JOIN_STOPS, strict: true };
const WITH_ITEM_OPTIONS: ScanOptions = { stops: new Set([...CLAUSE_WORDS, 'INSERT']), stopAtComma: true, strict: true };
const WITH_FOLLOWERS = new Set(['TOTALS', 'ROLLUP', 'CUBE', 'TIES', 'FILL']);

/**
 * A query: one SELECT or several joined by UNION / INTERSECT / EXCEPT, each possibly in brackets.
 * The branches share one scope: ClickHouse propagates a WITH to every branch of the UNION
 * (enable_global_with_statement, on by default), so a CTE defined in the first branch is not a
 * table in the others.
 */
export function parseQuery(outer: ParseContext): void {
  const ctx: ParseContext = { ...outer, scope: outer.scope.child() };
  const c = ctx.cursor;
  parseQueryBranch(ctx);
  while (isSetOperatorAt(c)) {
    c.markKeyword();
    c.pos++;
    if (!c.acceptWord('ALL')) c.acceptWord('DISTINCT');
    parseQueryBranch(ctx);
  }
}

function parseQueryBranch(ctx: ParseContext): void {
  const c = ctx.cursor;
  if (c.isPunct('(')) {
    c.pos++;
    parseQuery(deeper(ctx));
    c.expectPunct(')');
    // A bracketed branch may still carry the outer query's trailing clauses.
    parseTrailingClauses(ctx);
    return;
  }
  parseSelect(ctx);
}

/** One SELECT; its WITH names go into the query's scope. */
function parseSelect(ctx: ParseContext): void {
  const c = ctx.cursor;
  if (c.acceptWord('WITH')) parseWithItems(ctx);
  let fromFirst = false;
  if (c.acceptWord('FROM')) {
    parseTableExpression(ctx);
    fromFirst = true;
  }
  c.expectWord('SELECT');
  if (c.acceptWord('DISTINCT')) {
    if (c.acceptWord('ON')) scanParenthesized(ctx, '');
  } else {
    c.acceptWord('ALL');
  }
  if (c.acceptWord('TOP')) {
    c.next();
    c.acceptWords('WITH', 'TIES');
  }
  if (scanExpression(ctx, CLAUSE_OPTIONS).tokens === 0) c.fail('empty select list');
  if (!fromFirst && c.acceptWord('FROM')) parseTableExpression(ctx);
  parseTrailingClauses(ctx);
}

/**
 * `WITH` items, after the keyword. `name AS (query)` defines a CTE: the name is not a table
 * inside this SELECT (and its subqueries), but a name used inside its own body still is one,
 * unless the WITH is RECURSIVE. `expr AS name` defines an alias the same way.
 */
export function parseWithItems(ctx: ParseContext): void {
  const c = ctx.cursor;
  const recursive = c.acceptWord('RECURSIVE');
  do {
    const name = c.peek();
    const isCte = name !== undefined && (name.kind === 'word' || name.kind === 'quoted') && c.isWord('AS', 1) &&
      (c.isPunct('(', 2) || (c.isWord('MATERIALIZED', 2) && c.isPunct('(', 3)));
    if (isCte) {
      const cteName = identifierName(name);
      c.pos++;
      c.acceptWord('AS');
      c.acceptWord('MATERIALIZED');
      if (recursive) ctx.scope.define(cteName);
      // `name AS (...)` must hold a query: `WITH d AS (DELETE ...)` is another dialect's write.
      if (!isBracketedQueryAt(c, 1)) c.fail('expected a query in the CTE');
      scanParenthesized(ctx, '');
      ctx.scope.define(cteName);
      continue;
    }
    const item = scanExpression(ctx, WITH_ITEM_OPTIONS);
    if (item.tokens === 0) c.fail('empty WITH item');
    if (item.alias !== undefined) ctx.scope.define(item.alias);
  } while (c.acceptPunct(','));
}

/** Everything after the select list and FROM, in any order ClickHouse allows. */
function parseTrailingClauses(ctx: ParseContext): void {
  const c = ctx.cursor;
  for (;;) {
    const word = c.word();
    switch (word) {
      case 'PREWHERE':
      case 'WHERE':
      case 'HAVING':
      case 'QUALIFY':
      case 'WINDOW':
      case 'SETTINGS':
        c.acceptWord(word);
        requireExpression(ctx, CLAUSE_OPTIONS);
        break;
      case 'GROUP':
      case 'ORDER':
        if (!c.acceptWords(word, 'BY')) c.fail(`expected ${word} BY`);
        requireExpression(ctx, CLAUSE_OPTIONS);
        if (word === 'ORDER') parseWithFill(ctx);
        break;
      case 'LIMIT':
      case 'OFFSET':
      case 'FETCH':
        c.acceptWord(word);
        requireExpression(ctx, CLAUSE_OPTIONS);
        if (word === 'LIMIT' && c.acceptWord('BY')) requireExpression(ctx, CLAUSE_OPTIONS);
        break;
      case 'WITH':
        if (!WITH_FOLLOWERS.has(c.word(1))) return;
        c.acceptWords(word, c.word(1));
        break;
      case 'INTO':
        if (!c.acceptWords('INTO', 'OUTFILE')) c.fail('expected INTO OUTFILE');
        requireExpression(ctx, CLAUSE_OPTIONS);
        break;
      case 'FORMAT':
        c.acceptWord(word);
        if (!c.isName()) c.fail('expected a format name');
        c.pos++;
        break;
      default:
        return;
    }
  }
}

/** `ORDER BY x WITH FILL [FROM a] [TO b] [STEP c] [STALENESS d], y ...`: FROM here is not a table. */
function parseWithFill(ctx: ParseContext): void {
  const c = ctx.cursor;
  while (c.acceptWords('WITH', 'FILL')) {
    if (c.acceptWord('FROM')) requireExpression(ctx, CLAUSE_OPTIONS);
    scanExpression(ctx, CLAUSE_OPTIONS);
  }
}

function requireExpression(ctx: ParseContext, options: ScanOptions): void {
  if (scanExpression(ctx, options).tokens === 0) ctx.cursor.fail('expected an expression');
}

/** FROM's table expression: items joined by commas, JOINs and ARRAY JOINs. */
export function parseTableExpression(ctx: ParseContext): void {
  const c = ctx.cursor;
  parseTableItem(ctx);
  for (;;) {
    if (c.acceptPunct(',')) {
      parseTableItem(ctx);
      continue;
    }
    if (acceptArrayJoin(ctx)) {
      requireExpression(ctx, JOIN_OPTIONS);
      continue;
    }
    if (!acceptJoin(ctx)) return;
    parseTableItem(ctx);
    if (c.acceptWord('ON') || c.acceptWord('USING')) requireExpression(ctx, JOIN_OPTIONS);
  }
}

function acceptArrayJoin(ctx: ParseContext): boolean {
  const c = ctx.cursor;
  return c.acceptWords('ARRAY', 'JOIN') || c.acceptWords('LEFT', 'ARRAY', 'JOIN') ||
    c.acceptWords('INNER', 'ARRAY', 'JOIN');
}

/** `[GLOBAL|LOCAL] [ANY|ALL|ASOF|SEMI|ANTI] [INNER|LEFT|RIGHT|FULL|CROSS|PASTE] [OUTER] JOIN`, in any order. */
function acceptJoin(ctx: ParseContext): boolean {
  const c = ctx.cursor;
  let offset = 0;
  while (JOIN_MODIFIERS.has(c.word(offset)) && !c.isPunct('(', offset + 1)) offset++;
  if (!c.isWord('JOIN', offset)) return false;
  for (let i = 0; i <= offset; i++) c.markKeyword(i);
  c.pos += offset + 1;
  return true;
}

/** One table, table function, subquery or bracketed join, with FINAL / SAMPLE / alias. */
function parseTableItem(ctx: ParseContext): void {
  const c = ctx.cursor;
  const facts = ctx.facts;
  if (c.isPunct('(')) {
    c.pos++;
    const inner = deeper(ctx);
    if (isQueryStart(c)) parseQuery(inner);
    else parseTableExpression(inner);
    c.expectPunct(')');
  } else if (c.isPunct('{')) {
    // FROM {table:Identifier}: the table is chosen at run time.
    scanParameter(ctx);
    facts.hasUnresolvedTable = true;
  } else if (c.isName() && c.isPunct('(', 1)) {
    parseTableFunction(ctx);
  } else {
    const name = expectQualifiedName(c);
    if (name.database !== undefined || !ctx.scope.has(name.name)) facts.noteTableRead(name);
  }
  parseTableModifiers(ctx);
}

/**
 * A table function call `name(args)` at the cursor: recorded in tableFunctions; its arguments
 * are scanned (a subquery there, as in `view(SELECT ...)`, is read); `dictionary('d')` names a dictionary.
 */
export function parseTableFunction(ctx: ParseContext): void {
  const c = ctx.cursor;
  const name = c.next().text;
  ctx.facts.noteTableFunction(name);
  const first = c.peek(1);
  if (name.toLowerCase() === 'dictionary' && first !== undefined) {
    if (first.kind === 'string') ctx.facts.dictionaries.add(stringLiteralValue(first));
    else if (first.kind === 'word' || first.kind === 'quoted') ctx.facts.dictionaries.add(identifierName(first));
  }
  scanParenthesized(ctx, name.toLowerCase());
}

/** `[FINAL] [[AS] alias [(columns)]] [FINAL] [SAMPLE k [OFFSET m]]`: one alias at most. */
function parseTableModifiers(ctx: ParseContext): void {
  const c = ctx.cursor;
  let aliased = false;
  for (;;) {
    if (c.acceptWord('FINAL')) continue;
    if (c.acceptWord('SAMPLE')) {
      requireExpression(ctx, JOIN_OPTIONS);
      if (c.acceptWord('OFFSET')) requireExpression(ctx, JOIN_OPTIONS);
      continue;
    }
    if (aliased) return;
    if (c.acceptWord('AS')) {
      if (!c.isName()) c.fail('expected an alias');
    } else {
      const t = c.peek();
      const bareAlias = t !== undefined && ((t.kind === 'word' && !NOT_AN_ALIAS.has(t.upper)) || t.kind === 'quoted') &&
        !c.isPunct('(', 1) && !c.isPunct('.', 1);
      if (!bareAlias) return;
    }
    c.pos++;
    aliased = true;
    if (c.isPunct('(')) scanParenthesized(ctx, '');
  }
}

/** A statement that is a query: always a read (ClickHouse's SELECT changes nothing). */
export function parseSelectStatement(ctx: ParseContext): StatementOutcome {
  parseQuery(ctx);
  return { type: 'select', route: 'read' };
}
