import { expect } from 'chai';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

describe('createSqlClassifier', () => {
  it('caches by exact statement text and returns the same frozen object', () => {
    const classifier = createSqlClassifier({ cacheEntries: 10 });
    const a = classifier.classify('SELECT * FROM t');
    expect(classifier.classify('SELECT * FROM t')).to.equal(a);
    expect(classifier.classify('select * from t')).not.to.equal(a);
    expect(Object.isFrozen(a)).to.equal(true);
  });

  it('keeps each instance\'s cache to itself', () => {
    const one = createSqlClassifier();
    const two = createSqlClassifier();
    expect(one.classify('SELECT 1')).not.to.equal(two.classify('SELECT 1'));
  });

  it('classifies every statement of a body in order', () => {
    const classifier = createSqlClassifier();
    const body = "USE analytics; SET max_threads = 2; INSERT INTO t VALUES (1, 'a;b'); SELECT * FROM t; DROP TABLE u";
    expect(classifier.classifyBody(body).map((c) => `${c.type}:${c.route}`)).to.deep.equal([
      'use:session', 'set:session', 'insert:write', 'select:read', 'drop:write',
    ]);
    expect(classifier.classifyBody('')).to.deep.equal([]);
  });

  it('never throws', () => {
    const classifier = createSqlClassifier({ cacheEntries: 1 });
    for (const text of ['', ';', '\u0000', "'", 'SELECT ((((', 'INSERT INTO t FORMAT']) {
      expect(() => classifier.classify(text)).not.to.throw();
      expect(() => classifier.classifyBody(text)).not.to.throw();
    }
  });
});
