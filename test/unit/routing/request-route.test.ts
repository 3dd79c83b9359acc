import { expect } from 'chai';
import { requestRoute } from '../../../src/routing/request-route.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

describe('requestRoute', () => {
  const classifier = createSqlClassifier();
  const plan = (...sqls: string[]) => sqls.map((sql) => ({ classification: classifier.classify(sql) }));

  it('names the route of the whole body', () => {
    expect(requestRoute(plan('SELECT 1'))).to.equal('read');
    expect(requestRoute(plan('INSERT INTO t VALUES (1)'))).to.equal('write');
    expect(requestRoute(plan('SET max_threads = 1', 'SELECT 1'))).to.equal('read');
    expect(requestRoute(plan('INSERT INTO t VALUES (1)', 'SELECT * FROM t'))).to.equal('mixed');
    expect(requestRoute(plan('USE db'))).to.equal('session');
  });

  it('says unknown for a statement not understood, and for an empty plan', () => {
    expect(requestRoute(plan('SELECT 1', 'FROBNICATE the widgets'))).to.equal('unknown');
    expect(requestRoute([])).to.equal('unknown');
  });
});
