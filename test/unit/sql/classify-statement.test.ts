import { expect } from 'chai';
import { classifyStatement } from '../../../src/sql/classify-statement.js';
import { expectClassification, expectUnknown } from './classification-expectations.js';

describe('classifyStatement', () => {
  it('dispatches on the first keyword, in any case', () => {
    expectClassification('select 1', { type: 'select', route: 'read' });
    expectClassification('Insert Into t Values', { type: 'insert', route: 'write' });
    expectClassification('(SELECT 1)', { type: 'select', route: 'read' });
    expectClassification('FROM t SELECT a', { type: 'select', reads: ['t'] });
  });

  it('allows trailing semicolons but not a second statement', () => {
    expectClassification('SELECT 1;;', { route: 'read', unknown: false });
    expectUnknown('SELECT 1; DROP TABLE t');
    expectUnknown('EXPLAIN SELECT 1; DROP TABLE t');
  });

  it('makes anything it cannot parse a write of unknown scope, keeping the apparent type for metrics', () => {
    expectUnknown('');
    expectUnknown('   -- nothing\n');
    expectUnknown('hello world');
    expectUnknown('SELECT * FROM');
    expectUnknown("SELECT 'unterminated");
    expectUnknown('SELECT 1 /* unterminated');
    expectUnknown('SELECT (1');
    expectUnknown('SELECT 1)');
    expectUnknown('SELECT a ! b');
    expect(classifyStatement('SELECT * FROM').type).to.equal('select');
    expect(classifyStatement('WITH 1 AS x INSERT INTO').type).to.equal('insert');
    expect(classifyStatement('bogus').type).to.equal('other');
  });

  it('never throws, even on pathological input', () => {
    for (const sql of ['('.repeat(10_000), `SELECT ${'['.repeat(5000)}`, '\u0000\uffff\ud800', 'SELECT $$', `${'WITH x AS (SELECT 1) '.repeat(500)}SELECT 1`]) {
      expect(() => classifyStatement(sql)).not.to.throw();
      expect(classifyStatement(sql).route).to.equal('write');
    }
  });

  it('ignores INSERT data handed over with the statement', () => {
    expectClassification("INSERT INTO t FORMAT CSV\n1,'unterminated\n", { type: 'insert', writes: ['t'], unknown: false });
    expectClassification("INSERT INTO t VALUES (1, 'x'), (2, 'y", { type: 'insert', writes: ['t'], unknown: false });
  });
});
