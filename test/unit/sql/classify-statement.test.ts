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

describe('classifyStatement: non-deterministic reads', () => {
  const flags = (sql: string) => {
    const c = classifyStatement(sql);
    return { cacheable: c.cacheable, nonDeterministic: c.nonDeterministic ?? false, onlyReason: c.cacheableIfDeterministic ?? false };
  };

  it('marks reads whose only obstacle is a non-deterministic function', () => {
    for (const sql of [
      'SELECT now()',
      'SELECT count() FROM t WHERE ts > now() - 3600',
      'SELECT today(), rand() FROM db.t',
      'WITH now() AS n SELECT n FROM numbers(3)',
      'SELECT a FROM t WHERE b IN (SELECT b FROM u WHERE ts > now())',
    ]) {
      expect(flags(sql), sql).to.deep.equal({ cacheable: false, nonDeterministic: true, onlyReason: true });
    }
  });

  it('never marks reads that something else keeps out of the cache', () => {
    for (const sql of [
      'SELECT now() FROM system.parts',
      'SELECT now() FROM system.one',
      "SELECT now(), * FROM url('http://x/y.csv', CSV)",
      "SELECT now() FROM remote('h', db.t)",
      "SELECT file('a.txt')",
      "SELECT hasColumnInTable('db', 't', 'c'), now()",
      'SELECT now() FROM {t:Identifier}',
      'SHOW TABLES WHERE now() > 0',
    ]) {
      const got = flags(sql);
      expect(got.cacheable, sql).to.equal(false);
      expect(got.onlyReason, sql).to.equal(false);
    }
    expect(flags('SELECT now() FROM system.parts').nonDeterministic).to.equal(true);
  });

  it('leaves deterministic statements unmarked', () => {
    for (const sql of ['SELECT count() FROM t', 'SELECT * FROM system.parts', "SELECT * FROM url('http://x', CSV)"]) {
      const c = classifyStatement(sql);
      expect(c.nonDeterministic, sql).to.equal(undefined);
      expect(c.cacheableIfDeterministic, sql).to.equal(undefined);
    }
    expect(classifyStatement('INSERT INTO t SELECT now()').nonDeterministic).to.equal(true);
    expect(classifyStatement('INSERT INTO t SELECT now()').cacheableIfDeterministic).to.equal(undefined);
  });
});
