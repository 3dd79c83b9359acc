import type { Token } from './lexer.js';

/** Thrown by the statement parsers when the text does not have the shape they expect. */
export class ParseFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseFailure';
  }
}

/**
 * A position in a statement's tokens with the look-ahead helpers the parsers need. Words
 * accepted as keywords are flagged on the token, which is how normalization knows which
 * words it may upper-case (an identifier's case is meaningful and must be kept).
 */
export class TokenCursor {
  pos = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly text: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  next(): Token {
    const token = this.tokens[this.pos];
    if (token === undefined) throw new ParseFailure('unexpected end of statement');
    this.pos++;
    return token;
  }

  /** The word at `offset` upper-cased, or '' when it is not a word. */
  word(offset = 0): string {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && token.kind === 'word' ? token.upper : '';
  }

  isWord(word: string, offset = 0): boolean {
    return this.word(offset) === word;
  }

  isPunct(punct: string, offset = 0): boolean {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && token.kind === 'punct' && token.text === punct;
  }

  /** A word or quoted identifier at `offset`. */
  isName(offset = 0): boolean {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && (token.kind === 'word' || token.kind === 'quoted');
  }

  /** Accepts the words in order, all or nothing, flagging them as keywords. */
  acceptWords(...words: string[]): boolean {
    for (let i = 0; i < words.length; i++) {
      if (this.word(i) !== words[i]) return false;
    }
    for (let i = 0; i < words.length; i++) this.markKeyword(i);
    this.pos += words.length;
    return true;
  }

  acceptWord(word: string): boolean {
    if (this.word() !== word) return false;
    this.markKeyword(0);
    this.pos++;
    return true;
  }

  /** Accepts any one of `words`; returns the one accepted, or ''. */
  acceptAnyWord(words: ReadonlySet<string>): string {
    const word = this.word();
    if (word === '' || !words.has(word)) return '';
    this.markKeyword(0);
    this.pos++;
    return word;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`expected ${word}`);
  }

  acceptPunct(punct: string): boolean {
    if (!this.isPunct(punct)) return false;
    this.pos++;
    return true;
  }

  expectPunct(punct: string): void {
    if (!this.acceptPunct(punct)) this.fail(`expected ${punct}`);
  }

  markKeyword(offset = 0): void {
    const token = this.tokens[this.pos + offset];
    if (token !== undefined && token.kind === 'word') token.keyword = true;
  }

  fail(message: string): never {
    const token = this.peek();
    throw new ParseFailure(token ? `${message} at offset ${token.start}` : `${message} at end`);
  }
}
