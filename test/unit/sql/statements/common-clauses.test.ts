import { expect } from 'chai';
import { tokenize } from '../../../../src/sql/lexer.js';
import { acceptIfExists, acceptIfNotExists, acceptOnCluster, readNameList, skipRest } from '../../../../src/sql/statements/common-clauses.js';
import { ParseFailure, TokenCursor } from '../../../../src/sql/token-cursor.js';

const cursor = (sql: string) => new TokenCursor(tokenize(sql).tokens, sql);

describe('statements/common-clauses', () => {
  it('accepts IF [NOT] EXISTS', () => {
    expect(acceptIfExists(cursor('IF EXISTS t'))).to.equal(true);
    expect(acceptIfNotExists(cursor('IF NOT EXISTS t'))).to.equal(true);
    expect(acceptIfNotExists(cursor('IF EXISTS t'))).to.equal(false);
  });

  it('accepts ON CLUSTER with a name or a string', () => {
    expect(acceptOnCluster(cursor("ON CLUSTER '{cluster}'"))).to.equal(true);
    expect(acceptOnCluster(cursor('ON CLUSTER main'))).to.equal(true);
    expect(() => acceptOnCluster(cursor('ON CLUSTER'))).to.throw(ParseFailure);
  });

  it('reads name lists and skips the rest, but not past an error token', () => {
    expect(readNameList(cursor('a, db.b')).map((n) => n.text)).to.deep.equal(['a', 'db.b']);
    expect(() => skipRest(cursor('a b c'))).not.to.throw();
    expect(() => skipRest(cursor('a ! c'))).to.throw(ParseFailure);
  });
});
