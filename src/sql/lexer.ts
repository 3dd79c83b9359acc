/**
 * ClickHouse's lexical rules, reproduced so chgate cuts text where ClickHouse would
 * (src/Parsers/Lexer.cpp is the reference): `'…'` strings with `\` escapes and `''`,
 * `"…"` and `` `…` `` identifiers, `--`, `//` and `# ` / `#!` line comments, nested
 * `/* … *\/` comments, `$tag$…$tag$` heredocs, `x'…'` / `b'…'` strings, numbers with
 * `_` separators, and the rule that `.5` after a name is a dot, not a number.
 *
 * Linear time by construction: every loop moves `pos` forward, and heredoc closings are
 * looked up in an index built once per text rather than searched for again at every `$`.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'error';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** The token's source text. */
  text: string;
  /** Upper-cased text for words (keyword matching); the text itself for other kinds. */
  upper: string;
  /** Set by the parsers when a word was read as a keyword: normalization upper-cases only those. */
  keyword: boolean;
}

/** What ended the text early: a string, identifier or comment that was never closed. */
export type Unterminated = 'string' | 'identifier' | 'comment' | undefined;

const CH_TAB = 9;
const CH_LF = 10;
const CH_VT = 11;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BANG = 33;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_DOLLAR = 36;
const CH_QUOTE = 39;
const CH_STAR = 42;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_1 = 49;
const CH_9 = 57;
const CH_BACKSLASH = 92;
const CH_UNDERSCORE = 95;
const CH_BACKTICK = 96;

export function isAsciiSpace(c: number): boolean {
  return c === CH_SPACE || c === CH_LF || c === CH_TAB || c === CH_CR || c === CH_FF || c === CH_VT;
}

/** ClickHouse skips Unicode spaces too, so queries pasted from word processors still parse. */
export function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

export function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === CH_UNDERSCORE;
}

/**
 * Skips one quoted run starting at `pos` (which holds the quote). Returns the offset past the
 * closing quote, or -1 when the text ends first. Doubled quotes and backslash escapes stay inside.
 * A regex finds the next quote or backslash: INSERT data is mostly long strings, and the regex
 * engine crosses them several times faster than a character loop.
 */
export function skipQuoted(text: string, pos: number, end: number, quote: number): number {
  const stop = quote === CH_QUOTE ? /['\\]/g : quote === CH_DQUOTE ? /["\\]/g : /[`\\]/g;
  let i = pos + 1;
  for (;;) {
    stop.lastIndex = i;
    const found = stop.exec(text);
    if (found === null || found.index >= end) return -1;
    const at = found.index;
    if (text.charCodeAt(at) === CH_BACKSLASH) {
      i = at + 2;
      continue;
    }
    if (at + 1 < end && text.charCodeAt(at + 1) === quote) {
      i = at + 2;
      continue;
    }
    return at + 1;
  }
}

/** Tag → sorted offsets of every `$…$` run, so a heredoc's closing is found without rescanning. */
type HeredocIndex = Map<string, number[]>;

function buildHeredocIndex(text: string, from: number, end: number): HeredocIndex {
  const index: HeredocIndex = new Map();
  let i = text.indexOf('$', from);
  while (i !== -1 && i < end) {
    const j = text.indexOf('$', i + 1);
    if (j === -1 || j >= end) break;
    const tag = text.slice(i, j + 1);
    const list = index.get(tag);
    if (list) list.push(i);
    else index.set(tag, [i]);
    i = j;
  }
  return index;
}

function isHeredocTag(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    if (!isWordChar(text.charCodeAt(k))) return false;
  }
  return true;
}

function firstAtOrAfter(list: number[], min: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? 0) < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? (list[lo] ?? -1) : -1;
}

/**
 * A pull lexer over `text[from, end)`. `next()` skips whitespace and comments and leaves the
 * token in `kind` / `start` / `end`; it allocates nothing, so the splitter can run it over a
 * whole request head cheaply.
 */
export class SqlLexer {
  pos: number;
  kind: TokenKind = 'punct';
  start = 0;
  end = 0;
  /** Set when the text ended inside a string, quoted identifier or block comment. */
  unterminated: Unterminated = undefined;
  /** Offset where the unterminated construct began. */
  unterminatedAt = -1;
  private prevKind: TokenKind | 'none' = 'none';
  private prevText = '';
  private heredocs: HeredocIndex | undefined;

  constructor(
    readonly text: string,
    readonly from = 0,
    readonly limit = text.length,
  ) {
    this.pos = from;
  }

  /** Skips whitespace and comments from `pos`. Returns false if a block comment runs off the end. */
  skipInsignificant(): boolean {
    const text = this.text;
    const end = this.limit;
    let i = this.pos;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (isAsciiSpace(c) || isUnicodeSpace(c)) {
        i++;
        continue;
      }
      const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
      if ((c === CH_MINUS && n === CH_MINUS) || (c === CH_SLASH && n === CH_SLASH) ||
        (c === CH_HASH && (n === CH_SPACE || n === CH_BANG))) {
        const nl = text.indexOf('\n', i + 2);
        i = nl === -1 || nl >= end ? end : nl;
        continue;
      }
      if (c === CH_SLASH && n === CH_STAR) {
        const close = this.skipBlockComment(i);
        if (close === -1) {
          this.unterminated = 'comment';
          this.unterminatedAt = i;
          this.pos = end;
          return false;
        }
        i = close;
        continue;
      }
      break;
    }
    this.pos = i;
    return true;
  }

  /** Nested block comments, as ClickHouse (and the SQL standard) has them. */
  private skipBlockComment(at: number): number {
    const text = this.text;
    const end = this.limit;
    let depth = 1;
    let i = at + 2;
    while (i + 1 < end) {
      const c = text.charCodeAt(i);
      const n = text.charCodeAt(i + 1);
      if (c === CH_SLASH && n === CH_STAR) {
        depth++;
        i += 2;
      } else if (c === CH_STAR && n === CH_SLASH) {
        depth--;
        i += 2;
        if (depth === 0) return i;
      } else {
        i++;
      }
    }
    return -1;
  }

  /** Advances to the next significant token. Returns false at the end of the text. */
  next(): boolean {
    if (!this.skipInsignificant()) return false;
    const text = this.text;
    const end = this.limit;
    const i = this.pos;
    if (i >= end) return false;
    this.start = i;
    const c = text.charCodeAt(i);
    let kind: TokenKind;
    let j: number;
    if (isDigit(c)) {
      ({ kind, end: j } = this.scanNumber(i));
    } else if (c === CH_QUOTE || c === CH_DQUOTE || c === CH_BACKTICK) {
      const close = skipQuoted(text, i, end, c);
      if (close === -1) {
        this.unterminated = c === CH_QUOTE ? 'string' : 'identifier';
        this.unterminatedAt = i;
        kind = 'error';
        j = end;
      } else {
        kind = c === CH_QUOTE ? 'string' : 'quoted';
        j = close;
      }
    } else if (c === CH_DOT) {
      ({ kind, end: j } = this.scanDot(i));
    } else if (c === CH_DOLLAR) {
      ({ kind, end: j } = this.scanDollar(i));
    } else if ((c === 120 || c === 88 || c === 98 || c === 66) && i + 2 < end && text.charCodeAt(i + 1) === CH_QUOTE) {
      ({ kind, end: j } = this.scanBinaryString(i, c === 120 || c === 88));
    } else if (isWordChar(c)) {
      j = i + 1;
      while (j < end && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === CH_DOLLAR)) j++;
      kind = 'word';
    } else {
      ({ kind, end: j } = this.scanPunct(i));
    }
    this.kind = kind;
    this.end = j;
    this.pos = j;
    this.prevKind = kind;
    this.prevText = kind === 'punct' ? text.slice(i, j) : '';
    return true;
  }

  private scanNumber(i: number): { kind: TokenKind; end: number } {
    const text = this.text;
    const end = this.limit;
    let j = i;
    // After a dot only a plain integer is read, so `t.1.2` is tuple access twice, not `t` `.` `1.2`.
    if (this.prevKind === 'punct' && this.prevText === '.') {
      while (j < end && (isDigit(text.charCodeAt(j)) || this.isSeparator(j, false))) j++;
    } else {
      let hex = false;
      if (text.charCodeAt(j) === CH_0 && j + 2 < end) {
        const x = text.charCodeAt(j + 1) | 0x20;
        if (x === 120 && isHexDigit(text.charCodeAt(j + 2))) {
          hex = true;
          j += 2;
        } else if (x === 98 && (text.charCodeAt(j + 2) === CH_0 || text.charCodeAt(j + 2) === CH_1)) {
          j += 2;
        }
      }
      const digit = hex ? isHexDigit : isDigit;
      while (j < end && (digit(text.charCodeAt(j)) || this.isSeparator(j, hex))) j++;
      if (j < end && text.charCodeAt(j) === CH_DOT) {
        j++;
        while (j < end && (digit(text.charCodeAt(j)) || this.isSeparator(j, hex))) j++;
      }
      j = this.scanExponent(j, hex);
    }
    // `1abc` is an identifier in ClickHouse.
    if (j < end && isWordChar(text.charCodeAt(j))) {
      while (j < end && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === CH_DOLLAR)) j++;
      return { kind: 'word', end: j };
    }
    return { kind: 'number', end: j };
  }

  private scanExponent(j: number, hex: boolean): number {
    const text = this.text;
    const end = this.limit;
    if (j + 1 < end) {
      const e = text.charCodeAt(j) | 0x20;
      if ((hex && e === 112) || (!hex && e === 101)) {
        let k = j + 1;
        const s = text.charCodeAt(k);
        if ((s === CH_MINUS || s === 43) && k + 1 < end) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (k < end && (isDigit(text.charCodeAt(k)) || this.isSeparator(k, false))) k++;
          return k;
        }
      }
    }
    return j;
  }

  /** `1_000_000`: an underscore between two digits. */
  private isSeparator(j: number, hex: boolean): boolean {
    const text = this.text;
    if (text.charCodeAt(j) !== CH_UNDERSCORE || j + 1 >= this.limit || j === 0) return false;
    const digit = hex ? isHexDigit : isDigit;
    return digit(text.charCodeAt(j - 1)) && digit(text.charCodeAt(j + 1));
  }

  private scanDot(i: number): { kind: TokenKind; end: number } {
    const text = this.text;
    const end = this.limit;
    const nextIsDigit = i + 1 < end && isDigit(text.charCodeAt(i + 1));
    const afterOperand = this.prevKind === 'word' || this.prevKind === 'quoted' || this.prevKind === 'number' ||
      (this.prevKind === 'punct' && (this.prevText === ')' || this.prevText === ']'));
    if (!nextIsDigit || afterOperand) return { kind: 'punct', end: i + 1 };
    let j = i + 1;
    while (j < end && (isDigit(text.charCodeAt(j)) || this.isSeparator(j, false))) j++;
    return { kind: 'number', end: this.scanExponent(j, false) };
  }

  private scanDollar(i: number): { kind: TokenKind; end: number } {
    const text = this.text;
    const end = this.limit;
    const tagEnd = text.indexOf('$', i + 1);
    if (tagEnd !== -1 && tagEnd < end) {
      this.heredocs ??= buildHeredocIndex(text, this.from, end);
      const size = tagEnd + 1 - i;
      const list = this.heredocs.get(text.slice(i, tagEnd + 1));
      const close = list ? firstAtOrAfter(list, i + size) : -1;
      if (close !== -1) return { kind: 'string', end: close + size };
      // `$tag$` never closed: a heredoc cut short (ClickHouse would read a name, then fail).
      if (isHeredocTag(text, i + 1, tagEnd)) {
        this.unterminated = 'string';
        this.unterminatedAt = i;
        return { kind: 'error', end };
      }
    }
    if (i + 1 >= end || !isWordChar(text.charCodeAt(i + 1))) return { kind: 'punct', end: i + 1 };
    let j = i + 1;
    while (j < end && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === CH_DOLLAR)) j++;
    return { kind: 'word', end: j };
  }

  private scanBinaryString(i: number, hex: boolean): { kind: TokenKind; end: number } {
    const text = this.text;
    const end = this.limit;
    let j = i + 2;
    while (j < end && (hex ? isHexDigit(text.charCodeAt(j)) : text.charCodeAt(j) === CH_0 || text.charCodeAt(j) === CH_1)) j++;
    if (j >= end || text.charCodeAt(j) !== CH_QUOTE) {
      this.unterminated = 'string';
      this.unterminatedAt = i;
      return { kind: 'error', end };
    }
    return { kind: 'string', end: j + 1 };
  }

  private scanPunct(i: number): { kind: TokenKind; end: number } {
    const text = this.text;
    const end = this.limit;
    const c = text[i] ?? '';
    const n = i + 1 < end ? text[i + 1] : '';
    switch (c) {
      case '(': case ')': case '[': case ']': case '{': case '}': case ',': case ';':
      case '+': case '*': case '%': case '?': case '/':
        return { kind: 'punct', end: i + 1 };
      case '-':
        return { kind: 'punct', end: n === '>' ? i + 2 : i + 1 };
      case '=':
        return { kind: 'punct', end: n === '=' ? i + 2 : i + 1 };
      case '!':
        return n === '=' ? { kind: 'punct', end: i + 2 } : { kind: 'error', end: i + 1 };
      case '<':
        return { kind: 'punct', end: n === '=' || n === '>' ? i + 2 : i + 1 };
      case '>':
        return { kind: 'punct', end: n === '=' ? i + 2 : i + 1 };
      case ':':
        return { kind: 'punct', end: n === ':' ? i + 2 : i + 1 };
      case '|':
        return { kind: 'punct', end: n === '|' ? i + 2 : i + 1 };
      case '@':
        return { kind: 'punct', end: n === '@' ? i + 2 : i + 1 };
      case '\\':
        return n === 'G' ? { kind: 'punct', end: i + 2 } : { kind: 'error', end: i + 1 };
      case '#':
        return { kind: 'error', end: i + 1 };
      default: {
        // A lone UTF-16 surrogate pair counts as one unrecognised character.
        const code = text.charCodeAt(i);
        const width = code >= 0xd800 && code <= 0xdbff && i + 1 < end ? 2 : 1;
        return { kind: 'error', end: i + width };
      }
    }
  }
}

export interface TokenizeResult {
  tokens: Token[];
  unterminated: Unterminated;
  /** Offset where the unterminated construct began, -1 when none. */
  unterminatedAt: number;
}

/** The significant tokens of `text[from, to)`, for the classifier (the splitter streams instead). */
export function tokenize(text: string, from = 0, to = text.length): TokenizeResult {
  const lexer = new SqlLexer(text, from, to);
  const tokens: Token[] = [];
  while (lexer.next()) {
    const raw = text.slice(lexer.start, lexer.end);
    tokens.push({
      kind: lexer.kind,
      start: lexer.start,
      end: lexer.end,
      text: raw,
      upper: lexer.kind === 'word' ? raw.toUpperCase() : raw,
      keyword: false,
    });
  }
  return { tokens, unterminated: lexer.unterminated, unterminatedAt: lexer.unterminatedAt };
}
