import { expect } from 'chai';
import { classifyStatement } from '../../../src/sql/classify-statement.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';
import { createNodeSqlParserFallback, FALLBACK_MAX_LENGTH } from '../../../src/sql/node-sql-parser-fallback.js';

describe('node-sql-parser fallback', () => {
  const fallback = createNodeSqlParserFallback();

  it('reads plain SELECTs and reports their tables', () => {
    expect(fallback.readQuery('SELECT a FROM db.t JOIN u ON t.id = u.id')).to.deep.equal({ tablesRead: ['db.t', 'u'] });
  });

  it('refuses anything that is not SELECTs only, and overlong text', () => {
    expect(fallback.readQuery('DELETE FROM t')).to.equal(undefined);
    expect(fallback.readQuery('SELECT 1; DELETE FROM t')).to.equal(undefined);
    expect(fallback.readQuery('SELECT count() FROM t FORMAT JSON')).to.equal(undefined);
    expect(fallback.readQuery(`SELECT ${'1 + '.repeat(FALLBACK_MAX_LENGTH)}1`)).to.equal(undefined);
  });

  it('is used only after our parser gives up on a query-like statement, and never makes it cacheable', () => {
    // `SELECT a FROM t FOR UPDATE` is MySQL, not ClickHouse: our parser refuses the tail, node-sql-parser reads it.
    const c = classifyStatement('SELECT a FROM t FOR UPDATE', fallback);
    expect(c).to.deep.include({ type: 'select', route: 'read', unknown: false, cacheable: false });
    expect(c.tablesRead).to.deep.equal(['t']);
    expect(classifyStatement('SELECT a FROM t FOR UPDATE').unknown).to.equal(true);
  });

  it('is not asked about text with Unicode spaces, which it would read as parts of names (property-test regression)', () => {
    const classifier = createSqlClassifier();
    const plain = classifier.classify('SELECT * FROM t HERE active');
    const withNbsp = classifier.classify('SELECT * FROM t\u00a0HERE active');
    expect(withNbsp.route).to.equal(plain.route);
    expect(withNbsp.tablesRead).to.deep.equal(plain.tablesRead);
  });

  it('is not asked about deeply nested text, where it backtracks for long', () => {
    const nested = `SELECT ${'('.repeat(20)}1${')'.repeat(20)} FROM t FOR UPDATE`;
    expect(classifyStatement(nested, fallback)).to.deep.include({ route: 'write', unknown: true });
  });

  it('is not asked about text cut inside a comment or string', () => {
    expect(classifyStatement('SELECT 1 /* never closed', fallback)).to.deep.include({ route: 'write', unknown: true });
  });

  it('is never asked about statements that are not queries', () => {
    expect(classifyStatement('DELET FROM t', fallback)).to.deep.include({ route: 'write', unknown: true });
    expect(classifyStatement('WITH x AS (SELECT 1) INSERT INTO t SELECT 1 FOR UPDATE', fallback)).to.deep.include({ route: 'write' });
  });

  describe('cross-check: where both parsers read a statement, they find the same tables', () => {
    const statements = [
      'SELECT a, b FROM db.t WHERE c = 1',
      'SELECT * FROM t1 INNER JOIN t2 ON t1.id = t2.id LEFT JOIN db.t3 ON t3.k = t2.k',
      'SELECT x FROM a WHERE x IN (SELECT x FROM b WHERE y > (SELECT max(y) FROM c))',
      'SELECT x FROM (SELECT x FROM inner_table) AS s',
      'SELECT x FROM a UNION ALL SELECT x FROM b',
      'SELECT count(*) FROM orders GROUP BY customer HAVING count(*) > 1 ORDER BY 1 LIMIT 10',
      'SELECT EXISTS (SELECT 1 FROM flags WHERE on_off = 1)',
    ];
    for (const sql of statements) {
      it(sql, () => {
        const ours = classifyStatement(sql);
        const theirs = fallback.readQuery(sql);
        expect(theirs, 'node-sql-parser reads it').not.to.equal(undefined);
        expect(ours.unknown).to.equal(false);
        expect(ours.tablesRead).to.deep.equal(theirs?.tablesRead);
      });
    }
  });
});
