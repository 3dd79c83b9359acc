import { expect } from 'chai';
import { classifyStatement } from '../../../src/sql/classify-statement.js';
import { isBodyCacheable } from '../../../src/sql/is-body-cacheable.js';

const of = (...sqls: string[]) => sqls.map((s) => classifyStatement(s));

describe('isBodyCacheable', () => {
  it('is true only when every statement is a cacheable read', () => {
    expect(isBodyCacheable(of('SELECT 1', 'SELECT * FROM t'))).to.equal(true);
    expect(isBodyCacheable(of('SELECT 1', 'INSERT INTO t VALUES'))).to.equal(false);
    expect(isBodyCacheable(of('SET max_threads = 1', 'SELECT 1'))).to.equal(false);
    expect(isBodyCacheable(of('SELECT now()'))).to.equal(false);
    expect(isBodyCacheable(of('SELEC 1'))).to.equal(false);
  });

  it('is false for an empty body', () => {
    expect(isBodyCacheable([])).to.equal(false);
  });
});
