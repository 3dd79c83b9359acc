import { expect } from 'chai';
import { classifyStatement } from '../../../src/sql/classify-statement.js';
import { tokenize } from '../../../src/sql/lexer.js';
import { normalizeTokens } from '../../../src/sql/normalize.js';

describe('normalize', () => {
  it('joins tokens with single spaces and upper-cases only flagged keywords', () => {
    const { tokens } = tokenize("select  Date -- c\n from\tt where x = 'A  b'");
    tokens[0]!.keyword = true;
    const forms = normalizeTokens(tokens);
    expect(forms.normalized).to.equal("SELECT Date from t where x = 'A  b'");
    expect(forms.fingerprint).to.equal('SELECT Date from t where x = ?');
  });

  it('gives the same normalized form for layout, comment and keyword case changes', () => {
    const a = classifyStatement('SELECT count() FROM db.t WHERE x IN (1, 2) AND y = \'z\' FORMAT JSON');
    const b = classifyStatement('select count( ) /* why */ from db.t\n  where x in (1,2) and y = \'z\' -- end\n format JSON');
    expect(b.normalized).to.equal(a.normalized);
  });

  it('keeps identifiers and literals exactly: different results never share a normalized form', () => {
    const pairs = [
      ['SELECT Date FROM t', 'SELECT date FROM t'],
      ["SELECT * FROM t WHERE s = 'a'", "SELECT * FROM t WHERE s = 'A'"],
      ['SELECT * FROM t WHERE n = 1.0', 'SELECT * FROM t WHERE n = 1'],
      ['SELECT * FROM `T`', 'SELECT * FROM t'],
      ['SELECT 1 FORMAT JSON', 'SELECT 1 FORMAT CSV'],
      ['SELECT * FROM t SETTINGS max_threads = 1', 'SELECT * FROM t SETTINGS max_threads = 2'],
      ['SELECT * FROM t AS end', 'SELECT * FROM t AS END'],
    ];
    for (const [a, b] of pairs) expect(classifyStatement(a!).normalized, `${a} vs ${b}`).not.to.equal(classifyStatement(b!).normalized);
  });

  it('replaces literals with ? in the fingerprint', () => {
    const c = classifyStatement("SELECT * FROM t WHERE id = 42 AND name = 'bob' LIMIT 10");
    expect(c.fingerprint).to.equal('SELECT * FROM t WHERE id = ? AND name = ? LIMIT ?');
  });
});
