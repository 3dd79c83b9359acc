import { buildClassification, fallbackReadClassification, unknownClassification } from './classification-result.js';
import { tokenize, type Token } from './lexer.js';
import type { QueryFallback } from './node-sql-parser-fallback.js';
import type { ParseContext } from './parse-context.js';
import { NameScope, StatementFacts } from './statement-facts.js';
import { parseGrantStatement } from './statements/access-control.js';
import { parseAlterStatement } from './statements/alter.js';
import { parseCheckStatement } from './statements/check.js';
import { parseCreateStatement } from './statements/create.js';
import { parseDeleteStatement } from './statements/delete.js';
import { parseDescribeStatement } from './statements/describe.js';
import { parseDropStatement } from './statements/drop.js';
import { parseExistsStatement } from './statements/exists.js';
import { parseExplainStatement } from './statements/explain.js';
import { isWithInsertAt, parseInsertStatement } from './statements/insert.js';
import { parseKillStatement } from './statements/kill.js';
import { parseOptimizeStatement } from './statements/optimize.js';
import { OTHER_WRITE_VERBS, parseOtherWriteStatement } from './statements/other.js';
import { parseExchangeStatement, parseRenameStatement } from './statements/rename.js';
import { parseQuery, parseSelectStatement } from './statements/select.js';
import { parseSetStatement } from './statements/set.js';
import { parseShowStatement } from './statements/show.js';
import type { StatementOutcome } from './statements/statement-outcome.js';
import { parseSystemStatement } from './statements/system.js';
import { parseTruncateStatement } from './statements/truncate.js';
import { parseUpdateStatement } from './statements/update.js';
import { parseUseStatement } from './statements/use.js';
import { parseWatchStatement } from './statements/watch.js';
import { ParseFailure, TokenCursor } from './token-cursor.js';
import type { StatementClassification, StatementType } from './types.js';

/**
 * One statement's classification, uncached: lex, dispatch on the first keyword to the parser of
 * that statement kind, check that the parser consumed everything, and build the result. Any
 * doubt (unparsable text, a lexer error, a `;` inside, a parser exception of any kind) yields
 * the safe default: unknown, routed to the writer, not cached.
 */
export function classifyStatement(sql: string, fallback?: QueryFallback): StatementClassification {
  let tokens: Token[] = [];
  let count = 0;
  try {
    const lexed = tokenize(sql);
    tokens = lexed.tokens;
    count = tokens.length;
    // A trailing `;` (or several) is allowed: classify may be handed a statement as written.
    while (count > 0 && isSemicolon(tokens[count - 1])) count--;
    if (count === 0) return unknownClassification('other', tokens, 0);
    const body = count < tokens.length ? tokens.slice(0, count) : tokens;
    try {
      return analyze(sql, body, lexed.unterminatedAt);
    } catch (error) {
      if (!(error instanceof ParseFailure) && !(error instanceof RangeError)) throw error;
      const fromFallback = lexed.unterminated === undefined ? tryFallback(sql, body, fallback) : undefined;
      if (fromFallback !== undefined) return fromFallback;
      return unknownClassification(guessType(body), body, body.length);
    }
  } catch {
    return unknownClassification('other', tokens, count);
  }
}

/** @param unterminatedAt where the text ran out inside a string or comment (-1: it did not) */
function analyze(sql: string, tokens: Token[], unterminatedAt: number): StatementClassification {
  const cursor = new TokenCursor(tokens, sql);
  const facts = new StatementFacts();
  const ctx: ParseContext = { cursor, facts, scope: new NameScope(), nesting: 0, inPositionCall: false, parseQuery };
  const outcome = dispatch(ctx);
  let checkedUpTo = outcome.dataFrom ?? cursor.pos;
  if (outcome.explainsRest === true) {
    explainRest(ctx);
    checkedUpTo = tokens.length;
  } else if (outcome.dataFrom === undefined && !cursor.atEnd()) {
    cursor.fail('unexpected token');
  }
  for (let i = 0; i < checkedUpTo; i++) {
    const t = tokens[i];
    if (t !== undefined && (t.kind === 'error' || isSemicolon(t))) throw new ParseFailure('stray token');
  }
  // Text cut inside a comment is unknown, unless the cut lies in INSERT data (never looked at).
  const dataStart = tokens[checkedUpTo]?.start ?? Number.POSITIVE_INFINITY;
  if (unterminatedAt >= 0 && unterminatedAt < dataStart) throw new ParseFailure('text ends inside a comment');
  return buildClassification(outcome, facts, tokens, checkedUpTo);
}

function dispatch(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  if (c.isPunct('(')) return parseSelectStatement(ctx);
  const verb = c.word();
  switch (verb) {
    case 'SELECT':
    case 'FROM':
      return parseSelectStatement(ctx);
    case 'WITH':
      return isWithInsertAt(c) ? parseInsertStatement(ctx) : parseSelectStatement(ctx);
    case 'INSERT':
      return parseInsertStatement(ctx);
    case 'ALTER':
      return parseAlterStatement(ctx);
    case 'CREATE':
    case 'REPLACE':
    case 'ATTACH':
      return parseCreateStatement(ctx);
    case 'DROP':
    case 'DETACH':
    case 'UNDROP':
      return parseDropStatement(ctx);
    case 'TRUNCATE':
      return parseTruncateStatement(ctx);
    case 'RENAME':
      return parseRenameStatement(ctx);
    case 'EXCHANGE':
      return parseExchangeStatement(ctx);
    case 'OPTIMIZE':
      return parseOptimizeStatement(ctx);
    case 'SYSTEM':
      return parseSystemStatement(c);
    case 'KILL':
      return parseKillStatement(ctx);
    case 'GRANT':
    case 'REVOKE':
      return parseGrantStatement(c);
    case 'DELETE':
      return parseDeleteStatement(ctx);
    case 'UPDATE':
      return parseUpdateStatement(ctx);
    case 'SET':
      return parseSetStatement(ctx);
    case 'USE':
      return parseUseStatement(ctx);
    case 'SHOW':
      return parseShowStatement(ctx);
    case 'DESC':
    case 'DESCRIBE':
      return parseDescribeStatement(ctx);
    case 'EXISTS':
      return parseExistsStatement(ctx);
    case 'EXPLAIN':
      return parseExplainStatement(ctx);
    case 'CHECK':
      return parseCheckStatement(ctx);
    case 'WATCH':
      return parseWatchStatement(ctx);
    default:
      if (OTHER_WRITE_VERBS.has(verb)) return parseOtherWriteStatement(ctx);
      return c.fail('unknown statement');
  }
}

/**
 * The statement after EXPLAIN is parsed for the tables it would read. It is not run, so its
 * writes are not writes, and a statement we cannot parse does not make EXPLAIN unknown.
 */
function explainRest(ctx: ParseContext): void {
  const facts = new StatementFacts();
  try {
    dispatch({ ...ctx, facts, scope: new NameScope() });
  } catch (error) {
    if (!(error instanceof ParseFailure) && !(error instanceof RangeError)) throw error;
  }
  for (const table of facts.tablesRead) ctx.facts.tablesRead.add(table);
  for (const fn of facts.tableFunctions) ctx.facts.tableFunctions.add(fn);
  for (const dictionary of facts.dictionaries) ctx.facts.dictionaries.add(dictionary);
  for (const parameter of facts.parameters) ctx.facts.parameters.add(parameter);
}

/** Only a statement that can be nothing but a query is worth a second opinion. */
function tryFallback(sql: string, tokens: Token[], fallback: QueryFallback | undefined): StatementClassification | undefined {
  if (fallback === undefined) return undefined;
  const cursor = new TokenCursor(tokens, sql);
  const first = cursor.word();
  const queryLike = first === 'SELECT' || cursor.isPunct('(') || (first === 'WITH' && !isWithInsertAt(cursor));
  if (!queryLike || tokens.some((t) => t.kind === 'error' || isSemicolon(t)) || maxBracketDepth(tokens) > MAX_FALLBACK_NESTING) {
    return undefined;
  }
  const end = tokens[tokens.length - 1]?.end ?? sql.length;
  const reading = fallback.readQuery(sql.slice(0, end));
  if (reading === undefined) return undefined;
  return fallbackReadClassification(reading.tablesRead, tokens, tokens.length);
}

/** Deeply nested text makes node-sql-parser backtrack for long: such statements stay unknown. */
const MAX_FALLBACK_NESTING = 16;

function maxBracketDepth(tokens: readonly Token[]): number {
  let depth = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') max = Math.max(max, ++depth);
    else if (t.text === ')' || t.text === ']') depth--;
  }
  return max;
}

const TYPE_BY_VERB: Readonly<Record<string, StatementType>> = {
  SELECT: 'select', WITH: 'select', FROM: 'select', INSERT: 'insert', ALTER: 'alter', CREATE: 'create',
  REPLACE: 'create', ATTACH: 'attach', DROP: 'drop', DETACH: 'detach', TRUNCATE: 'truncate', RENAME: 'rename',
  EXCHANGE: 'exchange', OPTIMIZE: 'optimize', SYSTEM: 'system', KILL: 'kill', GRANT: 'grant', REVOKE: 'revoke',
  DELETE: 'delete', UPDATE: 'update', SET: 'set', USE: 'use', SHOW: 'show', DESC: 'describe',
  DESCRIBE: 'describe', EXISTS: 'exists', EXPLAIN: 'explain', CHECK: 'check', WATCH: 'watch',
};

/** The type an unparsable statement appears to have, for metrics; its route stays 'write'. */
function guessType(tokens: readonly Token[]): StatementType {
  const first = tokens[0];
  if (first === undefined) return 'other';
  if (first.kind === 'punct' && first.text === '(') return 'select';
  if (first.kind !== 'word') return 'other';
  if (first.upper === 'WITH' && isWithInsertAt(new TokenCursor(tokens, ''))) return 'insert';
  return TYPE_BY_VERB[first.upper] ?? 'other';
}

function isSemicolon(token: Token | undefined): boolean {
  return token !== undefined && token.kind === 'punct' && token.text === ';';
}
