import { expect } from 'chai';
import { tokenize } from '../../../src/sql/lexer.js';
import { ParseFailure, TokenCursor } from '../../../src/sql/token-cursor.js';

function cursor(sql: string): TokenCursor {
  return new TokenCursor(tokenize(sql).tokens, sql);
}

describe('TokenCursor', () => {
  it('accepts a word sequence all or nothing and flags the words as keywords', () => {
    const c = cursor('group by x');
    expect(c.acceptWords('GROUP', 'ORDER')).to.equal(false);
    expect(c.pos).to.equal(0);
    expect(c.acceptWords('GROUP', 'BY')).to.equal(true);
    expect(c.pos).to.equal(2);
    expect(c.tokens[0]?.keyword).to.equal(true);
    expect(c.tokens[2]?.keyword).to.equal(false);
  });

  it('looks ahead at words, punctuation and names', () => {
    const c = cursor('a.`b` (');
    expect(c.isName()).to.equal(true);
    expect(c.isPunct('.', 1)).to.equal(true);
    expect(c.isName(2)).to.equal(true);
    expect(c.word(2)).to.equal('');
    expect(c.isPunct('(', 3)).to.equal(true);
    expect(c.peek(4)).to.equal(undefined);
  });

  it('acceptAnyWord returns the word it took', () => {
    const c = cursor('LEFT JOIN');
    expect(c.acceptAnyWord(new Set(['RIGHT', 'LEFT']))).to.equal('LEFT');
    expect(c.acceptAnyWord(new Set(['RIGHT']))).to.equal('');
  });

  it('fails with a ParseFailure naming the offset', () => {
    const c = cursor('SELECT x');
    expect(() => c.expectWord('INSERT')).to.throw(ParseFailure, /offset 0/);
    c.pos = 2;
    expect(() => c.next()).to.throw(ParseFailure, /end of statement/);
    expect(() => c.expectPunct(')')).to.throw(ParseFailure, /at end/);
  });
});
