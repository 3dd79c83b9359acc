import { isAsciiSpace, skipQuoted, SqlLexer } from './lexer.js';

/**
 * Where an INSERT's inline data begins, found token by token while the splitter lexes, so the
 * data itself is never lexed: CSV or TSV rows are not SQL, and a stray quote in them must not
 * swallow the rest of the body. Follows ClickHouse's ParserInsertQuery:
 *
 *   INSERT INTO [TABLE] {[db.]t | FUNCTION f(...)} [(columns)] [SETTINGS ...]
 *     { VALUES <data> | FORMAT name <data> | FROM INFILE 'f' [COMPRESSION 'c'] FORMAT name
 *     | SELECT/WITH ... [FORMAT name <data>]   -- input() reads the data after FORMAT
 *     | WATCH ... }
 *
 * Everything after `FORMAT name` is data (SETTINGS must come before FORMAT). A leading
 * `WITH ...` before INSERT is not ClickHouse syntax, but such a statement is still scanned
 * for its INSERT so its data is not taken for SQL.
 */

export type InsertDataStart =
  /** `VALUES` ended at the current token: the tuples start at the next significant character. */
  | { kind: 'values' }
  /** The current token is the format name: data starts after it (see formatDataStart). */
  | { kind: 'format' };

type State =
  | 'start' | 'with' | 'insert' | 'into' | 'target' | 'target-dot' | 'function' | 'function-args'
  | 'after-target' | 'columns' | 'tail' | 'format-name' | 'select' | 'select-format' | 'done';

const QUERY_START = new Set(['SELECT', 'WITH', 'WATCH']);

/** One per statement: feed it every significant token of the statement, in order. */
export class InsertDataLocator {
  private state: State = 'start';
  private prevUpper = '';

  /**
   * @param kind token kind ('word', 'quoted', 'punct', ...)
   * @param upper upper-cased token text
   * @param depth bracket depth before this token
   */
  feed(kind: string, upper: string, depth: number): InsertDataStart | undefined {
    const prev = this.prevUpper;
    this.prevUpper = upper;
    const isName = kind === 'word' || kind === 'quoted';
    const word = kind === 'word' ? upper : '';
    switch (this.state) {
      case 'start':
        this.state = word === 'INSERT' ? 'insert' : word === 'WITH' ? 'with' : 'done';
        return undefined;
      case 'with':
        if (depth === 0 && word === 'INSERT') this.state = 'insert';
        return undefined;
      case 'insert':
        this.state = word === 'INTO' ? 'into' : 'done';
        return undefined;
      case 'into':
        if (word === 'TABLE') return undefined;
        if (word === 'FUNCTION') this.state = 'function';
        else if (isName) this.state = 'target';
        else if (upper === '{') this.state = 'function-args'; // {name:Identifier} target
        else this.state = 'done';
        return undefined;
      case 'target':
        if (upper === '.') {
          this.state = 'target-dot';
          return undefined;
        }
        return this.afterTarget(kind, upper, depth);
      case 'target-dot':
        this.state = isName ? 'target' : 'done';
        return undefined;
      case 'function':
        this.state = isName ? 'function-args' : 'done';
        return undefined;
      case 'function-args':
        // Waits for the bracket opened by the function call (or parameter) to close.
        if (depth === 1 && (upper === ')' || upper === '}')) this.state = 'after-target';
        return undefined;
      case 'after-target':
        return this.afterTarget(kind, upper, depth);
      case 'columns':
        if (depth === 1 && upper === ')') this.state = 'tail';
        return undefined;
      case 'tail':
        return this.tail(kind, upper, depth);
      case 'format-name':
        if (isName) {
          this.state = 'done';
          return { kind: 'format' };
        }
        this.state = 'done';
        return undefined;
      case 'select':
        // FORMAT after INSERT ... SELECT names the format of the data input() reads.
        if (depth === 0 && word === 'FORMAT' && prev !== 'AS') this.state = 'select-format';
        return undefined;
      case 'select-format':
        if (isName) {
          this.state = 'done';
          return { kind: 'format' };
        }
        this.state = 'select';
        return undefined;
      case 'done':
        return undefined;
    }
  }

  private afterTarget(kind: string, upper: string, depth: number): InsertDataStart | undefined {
    if (depth === 0 && upper === '(') {
      this.state = 'columns';
      return undefined;
    }
    this.state = 'tail';
    return this.tail(kind, upper, depth);
  }

  private tail(kind: string, upper: string, depth: number): InsertDataStart | undefined {
    if (depth !== 0 || kind !== 'word') {
      // `INSERT INTO t (SELECT ...)` style: a bracketed query is the SELECT part.
      if (depth === 0 && upper === '(') this.state = 'select';
      return undefined;
    }
    if (upper === 'VALUES') {
      this.state = 'done';
      return { kind: 'values' };
    }
    if (upper === 'FORMAT') this.state = 'format-name';
    else if (QUERY_START.has(upper)) this.state = 'select';
    // SETTINGS, FROM INFILE 'f', COMPRESSION 'c' stay in the tail until VALUES / FORMAT / SELECT.
    return undefined;
  }
}

/**
 * Where FORMAT data begins after the format name that ends at `nameEnd`: after spaces and tabs,
 * then one line break if there is one (ClickHouse strips exactly that much).
 */
export function formatDataStart(text: string, nameEnd: number): number {
  let i = nameEnd;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 12) break;
    i++;
  }
  if (text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) === 10) i++;
  return i;
}

export interface ValuesScan {
  /** Offset of the `;` that ends the data, or the end of the text. */
  stop: number;
  /** Offset just past the last non-space character of the data. */
  end: number;
  /** The text ended inside a string or bracket. */
  truncated: boolean;
}

/**
 * Scans VALUES tuples from `from` without parsing them: strings (with `\` and `''`), brackets
 * and comments are tracked only so that a `;` inside them does not end the data.
 */
export function scanValuesData(text: string, from: number): ValuesScan {
  // Jumps from one character that matters to the next, crossing a whole '...' string per match:
  // the regex engine is faster than a JavaScript loop over a megabyte of tuples, mostly strings.
  const special = /'(?:[^'\\]+|\\[\s\S]|'')*('?)|["`()[\]{};\-/#]/g;
  let depth = 0;
  let i = from;
  const n = text.length;
  for (;;) {
    special.lastIndex = i;
    const found = special.exec(text);
    if (found === null) break;
    i = found.index;
    const c = text.charCodeAt(i);
    if (c === 39) {
      if (found[1] !== "'") return { stop: n, end: n, truncated: true };
      i += found[0].length;
      continue;
    }
    if (c === 34 || c === 96) {
      const close = skipQuoted(text, i, n, c);
      if (close === -1) return { stop: n, end: n, truncated: true };
      i = close;
      continue;
    }
    if (c === 45 || c === 47 || c === 35) {
      const comment = skipComment(text, i, n);
      if (comment === -1) return { stop: n, end: n, truncated: true };
      i = comment > i ? comment : i + 1;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    else if (c === 59 && depth === 0) return { stop: i, end: trimEnd(text, from, i), truncated: false };
    i++;
  }
  return { stop: n, end: depth > 0 ? n : trimEnd(text, from, n), truncated: depth > 0 };
}

function trimEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && isAsciiSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Offset past a comment starting at `i`, `i` itself when none starts there, -1 when it never closes. */
function skipComment(text: string, i: number, n: number): number {
  const c = text.charCodeAt(i);
  const d = i + 1 < n ? text.charCodeAt(i + 1) : -1;
  if ((c === 45 && d === 45) || (c === 47 && d === 47) || (c === 35 && (d === 32 || d === 33))) {
    const nl = text.indexOf('\n', i + 2);
    return nl === -1 ? n : nl;
  }
  if (c === 47 && d === 42) {
    const lexer = new SqlLexer(text, i, n);
    return lexer.skipInsignificant() ? lexer.pos : -1;
  }
  return i;
}
