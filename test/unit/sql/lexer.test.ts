import { expect } from 'chai';
import { SqlLexer, skipQuoted, tokenize } from '../../../src/sql/lexer.js';

function kinds(sql: string): string[] {
  return tokenize(sql).tokens.map((t) => `${t.kind}:${t.text}`);
}

describe('lexer', () => {
  it('reads words, numbers, strings, quoted identifiers and punctuation', () => {
    expect(kinds("SELECT a1, 'x', `b c`, \"d\", 1.5e3, 0x1F, 1_000 FROM t")).to.deep.equal([
      'word:SELECT', 'word:a1', 'punct:,', "string:'x'", 'punct:,', 'quoted:`b c`', 'punct:,', 'quoted:"d"',
      'punct:,', 'number:1.5e3', 'punct:,', 'number:0x1F', 'punct:,', 'number:1_000', 'word:FROM', 'word:t',
    ]);
  });

  it('keeps escapes and doubled quotes inside strings and identifiers', () => {
    expect(kinds("'it''s' 'a\\'b' `x``y` \"p\\\"q\"").map((k) => k.split(':')[0])).to.deep.equal(['string', 'string', 'quoted', 'quoted']);
  });

  it('skips --, //, # and #! line comments, but a # glued to a word is an error token', () => {
    expect(kinds('a -- c\nb // d\nc # e\nd #!f\ne #g')).to.deep.equal(['word:a', 'word:b', 'word:c', 'word:d', 'word:e', 'error:#', 'word:g']);
  });

  it('skips nested block comments', () => {
    expect(kinds('a /* x /* y */ z */ b')).to.deep.equal(['word:a', 'word:b']);
  });

  it('reports an unterminated block comment, string and identifier', () => {
    expect(tokenize('SELECT 1 /* open /* */').unterminated).to.equal('comment');
    expect(tokenize("SELECT 'abc").unterminated).to.equal('string');
    expect(tokenize('SELECT `abc').unterminated).to.equal('identifier');
    expect(tokenize('SELECT "abc').unterminated).to.equal('identifier');
    expect(tokenize('SELECT 1').unterminated).to.equal(undefined);
  });

  it('reads heredocs as strings, and an unclosed heredoc tag as an error', () => {
    expect(kinds("SELECT $$a;'b$$, $tag$x $$ y$tag$")).to.deep.equal(['word:SELECT', "string:$$a;'b$$", 'punct:,', 'string:$tag$x $$ y$tag$']);
    expect(tokenize('SELECT $tag$ never closed').unterminated).to.equal('string');
    expect(kinds('SELECT $1, a$b')).to.deep.equal(['word:SELECT', 'word:$1', 'punct:,', 'word:a$b']);
  });

  it('reads x\'..\' and b\'..\' as strings', () => {
    expect(kinds("x'1F' b'0101'")).to.deep.equal(["string:x'1F'", "string:b'0101'"]);
  });

  it('treats a dot after a name as a dot, before digits at an operand start as a number', () => {
    expect(kinds('t.1.2')).to.deep.equal(['word:t', 'punct:.', 'number:1', 'punct:.', 'number:2']);
    expect(kinds('(.5)')).to.deep.equal(['punct:(', 'number:.5', 'punct:)']);
    expect(kinds('db.t')).to.deep.equal(['word:db', 'punct:.', 'word:t']);
  });

  it('reads 1abc as a word (ClickHouse allows identifiers that start with digits)', () => {
    expect(kinds('1abc')).to.deep.equal(['word:1abc']);
  });

  it('reads multi-character operators as one token', () => {
    expect(kinds('a::b -> c != d <> e <= f >= g == h || i @@j').filter((k) => k.startsWith('punct'))).to.deep.equal([
      'punct:::', 'punct:->', 'punct:!=', 'punct:<>', 'punct:<=', 'punct:>=', 'punct:==', 'punct:||', 'punct:@@',
    ]);
  });

  it('skips Unicode spaces as ClickHouse does', () => {
    expect(kinds('SELECT\u00a01\u3000FROM\u2003t')).to.deep.equal(['word:SELECT', 'number:1', 'word:FROM', 'word:t']);
  });

  it('upper-cases words for keyword matching and leaves the keyword flag to the parsers', () => {
    const [t] = tokenize('select').tokens;
    expect(t?.upper).to.equal('SELECT');
    expect(t?.keyword).to.equal(false);
  });

  it('lexes within a range of the text', () => {
    const lexer = new SqlLexer('xx SELECT 1 yy', 3, 11);
    const seen: string[] = [];
    while (lexer.next()) seen.push(lexer.text.slice(lexer.start, lexer.end));
    expect(seen).to.deep.equal(['SELECT', '1']);
  });

  it('skipQuoted finds the closing quote or -1', () => {
    expect(skipQuoted("'a''b' rest", 0, 11, 39)).to.equal(6);
    expect(skipQuoted("'a\\'b' rest", 0, 11, 39)).to.equal(6);
    expect(skipQuoted("'abc", 0, 4, 39)).to.equal(-1);
  });
});
