import {
  isDictionaryFunction,
  isJoinGetFunction,
  isNonDeterministicFunction,
  isOutsideDataFunction,
} from './function-catalog.js';
import type { Token } from './lexer.js';
import { identifierName, readQualifiedName, stringLiteralValue } from './names.js';
import { deeper, type ParseContext } from './parse-context.js';
import type { TokenCursor } from './token-cursor.js';

/**
 * Expressions are not parsed into trees: chgate only needs what they touch. The scanner walks
 * an expression's tokens and records subqueries (parsed as queries), `x IN table`, functions
 * that make a result non-deterministic, dictionaries named by dictGet*, and query parameters.
 * It stops at a clause keyword at bracket depth 0 and leaves it for the statement parser.
 */

export interface ScanOptions {
  /** Words that end the expression at bracket depth 0 (the clause keywords that may follow). */
  readonly stops: ReadonlySet<string>;
  /** A comma at depth 0 ends the expression too (one WITH item at a time). */
  readonly stopAtComma?: boolean;
  /** Query clauses: refuse operands side by side beyond `expr alias` (see OperandRun). */
  readonly strict?: boolean;
}

export interface ScanResult {
  /** Tokens (a bracketed group counting as one) the expression spans; 0 means it was empty. */
  tokens: number;
  /** The name after the last depth-0 `AS`: the alias the expression defines. */
  alias: string | undefined;
}

export const NO_STOPS: ReadonlySet<string> = new Set();

/** Operator words that are keywords wherever the scanner meets them (a column needs quotes to be named so). */
const OPERATOR_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'LIKE', 'ILIKE', 'BETWEEN', 'DISTINCT', 'GLOBAL']);
const CASE_KEYWORDS = new Set(['WHEN', 'THEN', 'ELSE']);
const INFIX_KEYWORDS = new Set(['AND', 'OR', 'IN', 'LIKE', 'ILIKE', 'BETWEEN', 'IS']);

function endsOperand(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === 'punct') return t.text === ')' || t.text === ']' || t.text === '}';
  return t.kind !== 'error' && !(t.kind === 'word' && (OPERATOR_KEYWORDS.has(t.upper) || t.upper === 'IN'));
}

/** True when the cursor is at a query: SELECT, or WITH (a CTE or scalar WITH ahead of SELECT). */
export function isQueryStart(cursor: TokenCursor, offset = 0): boolean {
  const word = cursor.word(offset);
  return word === 'SELECT' || word === 'WITH';
}

/** A query, possibly behind opening brackets: `(SELECT ...)`, `((SELECT ...) UNION ...)`. */
export function isBracketedQueryAt(cursor: TokenCursor, offset: number): boolean {
  let i = offset;
  while (cursor.isPunct('(', i)) i++;
  return isQueryStart(cursor, i);
}

/**
 * EXCEPT is both a set operator (`q1 EXCEPT q2`) and a column modifier (`* EXCEPT (a, b)`,
 * `* EXCEPT a`): it is the operator when a query follows.
 */
export function isSetOperatorAt(cursor: TokenCursor): boolean {
  const word = cursor.word();
  if (word === 'UNION' || word === 'INTERSECT') return true;
  if (word !== 'EXCEPT') return false;
  const next = cursor.word(1);
  return next === 'ALL' || next === 'DISTINCT' || isBracketedQueryAt(cursor, 1);
}

/** Clause words that are also function names: `left(s, 2)`, `any(x)`, `format('{}', x)`, `array(1, 2)`. */
const CALLABLE_STOPS = new Set(['LEFT', 'RIGHT', 'ANY', 'ALL', 'FORMAT', 'ARRAY']);

function isStop(cursor: TokenCursor, word: string, isCall: boolean): boolean {
  if (word === 'EXCEPT') return isSetOperatorAt(cursor);
  // `GLOBAL IN` / `GLOBAL NOT IN` is an operator, not the start of a GLOBAL JOIN.
  if (word === 'GLOBAL') return !(cursor.isWord('IN', 1) || cursor.isWord('NOT', 1));
  // Any other clause word followed by `(` is the clause: `FROM (SELECT ...)`, `WHERE (a = 1)`.
  if (isCall) return !CALLABLE_STOPS.has(word);
  return true;
}

export function scanExpression(ctx: ParseContext, options: ScanOptions): ScanResult {
  const c = ctx.cursor;
  const run = options.strict === true ? new OperandRun(c) : undefined;
  let tokens = 0;
  let alias: string | undefined;
  let caseDepth = 0;
  let prevComma = false;
  for (;;) {
    const t = c.peek();
    if (t === undefined) break;
    if (t.kind === 'punct') {
      const p = t.text;
      if (p === ')' || p === ']' || p === '}' || p === ';') break;
      if (p === ',') {
        if (options.stopAtComma === true) break;
        // `SELECT , a` and `a,, b` are never valid.
        if (tokens === 0 || prevComma) c.fail('misplaced comma');
      }
      prevComma = p === ',';
      if (p === '(' || p === '[' || p === '{') {
        run?.group();
        if (p === '(') scanParenthesized(ctx, '');
        else if (p === '[') scanBracketed(ctx);
        else scanParameter(ctx);
      } else {
        if (p !== '.') run?.reset();
        c.pos++;
      }
      tokens++;
      continue;
    }
    prevComma = false;
    if (t.kind === 'error') c.fail('unrecognized token');
    if (t.kind !== 'word') {
      run?.operand(t);
      c.pos++;
      tokens++;
      continue;
    }
    const afterDot = c.isPunct('.', -1);
    const isCall = c.isPunct('(', 1);
    const word = t.upper;
    if (!afterDot && options.stops.has(word) && isStop(c, word, isCall)) break;
    tokens++;
    if (isCall) {
      // `IN (...)`, `OVER (...)`, `APPLY(f)`: an operator word before a bracket starts a fresh operand.
      if (!afterDot && (RESET_WORDS.has(word) || OPERATOR_KEYWORDS.has(word))) {
        run?.reset();
        run?.group();
        // After an operand, `x IN (...)` / `a AND (...)` is the operator, not a function named so.
        if (INFIX_KEYWORDS.has(word) && endsOperand(c.peek(-1))) t.keyword = true;
      } else {
        run?.operand(t);
      }
      scanCall(ctx, t, afterDot);
      continue;
    }
    if (!afterDot && (RESET_WORDS.has(word) || OPERATOR_KEYWORDS.has(word))) run?.reset();
    else run?.operand(t);
    c.pos++;
    if (afterDot) continue;
    if (word === 'IN') {
      t.keyword = true;
      scanInTarget(ctx);
    } else if (word === 'AS') {
      const next = c.peek();
      if (next !== undefined && (next.kind === 'word' || next.kind === 'quoted')) {
        t.keyword = true;
        alias = identifierName(next);
      }
    } else if (word === 'CASE') {
      t.keyword = true;
      caseDepth++;
    } else if (caseDepth > 0 && word === 'END') {
      t.keyword = true;
      caseDepth--;
    } else if ((caseDepth > 0 && CASE_KEYWORDS.has(word)) || OPERATOR_KEYWORDS.has(word)) {
      t.keyword = true;
    }
  }
  return { tokens, alias };
}

/**
 * Words that sit between operands in query clauses (`x IS NOT NULL`, `INTERVAL 1 DAY`,
 * `a DESC NULLS LAST`, `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, ...): they end a
 * run of operands.
 */
const RESET_WORDS = new Set([
  'AS', 'IN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'INTERVAL', 'ASC', 'DESC', 'ASCENDING', 'DESCENDING',
  'NULLS', 'FIRST', 'LAST', 'COLLATE', 'FROM', 'FOR', 'TO', 'STEP', 'FILL', 'WITH', 'TIES', 'ROWS', 'ROW',
  'RANGE', 'GROUPS', 'PRECEDING', 'FOLLOWING', 'UNBOUNDED', 'CURRENT', 'OVER', 'PARTITION', 'BY', 'ORDER',
  'NEXT', 'ONLY', 'EXCEPT', 'REPLACE', 'APPLY', 'STALENESS', 'INTERPOLATE', 'STDOUT', 'APPEND', 'TRUNCATE',
  'COMPRESSION', 'LEVEL', 'OUTFILE', 'ALL', 'ANY', 'SOME', 'EXISTS', 'ON', 'USING', 'GROUPING', 'SETS',
  'ROLLUP', 'CUBE', 'TOTALS', 'OFFSET', 'LIMIT', 'RESPECT', 'IGNORE', 'FINAL', 'SAMPLE', 'ARRAY', 'JOIN', 'FILTER',
  'ESCAPE', 'WITHIN',
]);

/** Literal prefixes that take a string: `DATE '2024-01-01'`, `TIMESTAMP '...'`. */
const TYPED_LITERAL_PREFIXES = new Set(['DATE', 'TIMESTAMP', 'DATETIME', 'TIME']);

/**
 * In query clauses two operands may stand side by side only as `expr alias` (the alias a plain
 * name); a third, or a compound name or literal in the alias position, means the text is not
 * ClickHouse SQL (`SELECT * FORM db.t`), and the statement becomes unknown.
 */
class OperandRun {
  private count = 0;
  private previous: Token | undefined;

  constructor(private readonly cursor: TokenCursor) {}

  reset(): void {
    this.count = 0;
  }

  group(): void {
    if (this.count === 0) this.count = 1;
  }

  operand(t: Token): void {
    const c = this.cursor;
    if (c.isPunct('.', -1) && this.count > 0) return;
    if (this.count === 1) {
      const aliasLike = (t.kind === 'word' || t.kind === 'quoted') && !c.isPunct('.', 1) && !c.isPunct('(', 1);
      const typedLiteral = t.kind === 'string' && this.previous !== undefined &&
        TYPED_LITERAL_PREFIXES.has(this.previous.upper);
      if (typedLiteral) return;
      if (!aliasLike) c.fail('unexpected operand');
    } else if (this.count >= 2) {
      c.fail('unexpected operand');
    }
    this.count++;
    this.previous = t;
  }
}

/** `( ... )` at the cursor: a subquery when a query starts inside, otherwise a bracketed expression. */
export function scanParenthesized(ctx: ParseContext, functionName: string): void {
  const c = ctx.cursor;
  c.expectPunct('(');
  if (isQueryStart(c)) {
    ctx.parseQuery(deeper(ctx));
  } else {
    scanExpression(deeper(ctx, ctx.scope, functionName === 'position'), { stops: NO_STOPS });
  }
  c.expectPunct(')');
}

function scanBracketed(ctx: ParseContext): void {
  const c = ctx.cursor;
  c.expectPunct('[');
  scanExpression(deeper(ctx), { stops: NO_STOPS });
  c.expectPunct(']');
}

/**
 * `{name:Type}` query parameter at the cursor. Returns its type's first word upper-cased
 * (`IDENTIFIER` when the parameter names a table), or '' when the braces hold something else.
 */
export function scanParameter(ctx: ParseContext): string {
  const c = ctx.cursor;
  c.expectPunct('{');
  let type = '';
  const name = c.peek();
  if (name !== undefined && (name.kind === 'word' || name.kind === 'quoted') && c.isPunct(':', 1)) {
    ctx.facts.parameters.add(identifierName(name));
    type = c.word(2);
  }
  scanExpression(deeper(ctx), { stops: NO_STOPS });
  c.expectPunct('}');
  return type;
}

function scanCall(ctx: ParseContext, nameToken: Token, afterDot: boolean): void {
  const c = ctx.cursor;
  const facts = ctx.facts;
  const name = nameToken.text;
  c.pos++;
  if (!afterDot) {
    if (isNonDeterministicFunction(name)) facts.nonDeterministic = true;
    if (isOutsideDataFunction(name)) facts.readsOutsideData = true;
    if (isDictionaryFunction(name)) {
      const dictionary = firstArgumentName(c);
      if (dictionary !== undefined) facts.dictionaries.add(dictionary);
    } else if (isJoinGetFunction(name)) {
      const table = firstArgumentName(c);
      if (table !== undefined) facts.noteTableRead(splitQualified(table));
    }
  }
  scanParenthesized(ctx, name.toLowerCase());
}

/** The name a call's first argument gives, as a string literal or an identifier; cursor at `(`. */
function firstArgumentName(c: TokenCursor): string | undefined {
  const first = c.peek(1);
  if (first === undefined) return undefined;
  if (first.kind === 'string') return stringLiteralValue(first);
  if (first.kind !== 'word' && first.kind !== 'quoted') return undefined;
  const second = c.peek(3);
  if (c.isPunct('.', 2) && second !== undefined && (second.kind === 'word' || second.kind === 'quoted')) {
    return `${identifierName(first)}.${identifierName(second)}`;
  }
  return identifierName(first);
}

function splitQualified(text: string): { database: string | undefined; name: string; text: string } {
  const dot = text.indexOf('.');
  return dot === -1
    ? { database: undefined, name: text, text }
    : { database: text.slice(0, dot), name: text.slice(dot + 1), text };
}

/** After `IN`: a bare (possibly qualified) name there is a table ClickHouse reads as a set. */
function scanInTarget(ctx: ParseContext): void {
  const c = ctx.cursor;
  if (ctx.inPositionCall || c.isWord('PARTITION')) return;
  if (c.isPunct('{')) {
    if (scanParameter(ctx) === 'IDENTIFIER') ctx.facts.hasUnresolvedTable = true;
    return;
  }
  if (!c.isName()) return;
  // A call on the right (`IN tuple(1, 2)`) is an expression: the main loop scans it.
  if (c.isPunct('(', 1) || (c.isPunct('.', 1) && c.isPunct('(', 3))) return;
  const name = readQualifiedName(c);
  if (name === undefined) return;
  if (name.database === undefined && ctx.scope.has(name.name)) return;
  ctx.facts.noteTableRead(name);
}
