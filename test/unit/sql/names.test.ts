import { expect } from 'chai';
import { tokenize } from '../../../src/sql/lexer.js';
import { expectQualifiedName, identifierName, readQualifiedName, stringLiteralValue, unquote } from '../../../src/sql/names.js';
import { ParseFailure, TokenCursor } from '../../../src/sql/token-cursor.js';

function cursor(sql: string): TokenCursor {
  return new TokenCursor(tokenize(sql).tokens, sql);
}

describe('names', () => {
  it('unquote drops the quotes and resolves doubled quotes and escapes', () => {
    expect(unquote('`a``b`')).to.equal('a`b');
    expect(unquote('"my db"')).to.equal('my db');
    expect(unquote("'it''s'")).to.equal("it's");
    expect(unquote("'a\\tb\\\\c\\x41'")).to.equal('a\tb\\cA');
    expect(unquote('plain')).to.equal('plain');
  });

  it('stringLiteralValue reads quoted strings and heredocs', () => {
    const [quoted, heredoc] = tokenize("'a\\'b' $tag$x'y$tag$").tokens;
    expect(stringLiteralValue(quoted!)).to.equal("a'b");
    expect(stringLiteralValue(heredoc!)).to.equal("x'y");
  });

  it('identifierName keeps a word as written and unquotes quoted identifiers', () => {
    const [word, quoted] = tokenize('MyTable `my table`').tokens;
    expect(identifierName(word!)).to.equal('MyTable');
    expect(identifierName(quoted!)).to.equal('my table');
  });

  it('readQualifiedName reads t and db.t, quotes removed', () => {
    expect(readQualifiedName(cursor('events'))).to.deep.equal({ database: undefined, name: 'events', text: 'events' });
    expect(readQualifiedName(cursor('`my db`."t 1"'))).to.deep.equal({ database: 'my db', name: 't 1', text: 'my db.t 1' });
  });

  it('readQualifiedName consumes nothing when no name is there', () => {
    const c = cursor('(1)');
    expect(readQualifiedName(c)).to.equal(undefined);
    expect(c.pos).to.equal(0);
    expect(() => expectQualifiedName(c)).to.throw(ParseFailure);
  });
});
