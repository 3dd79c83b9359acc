import { expect } from 'chai';
import { checkRights, type UserRights } from '../../../src/auth/check-rights.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

const classifier = createSqlClassifier();
const body = (text: string) => classifier.classifyBody(text).map((classification) => ({ classification }));

function outcome(user: UserRights, text: string): string {
  try {
    checkRights(user, body(text));
    return 'allowed';
  } catch (error) {
    expect(error).to.be.instanceOf(ChgateError);
    return `${(error as ChgateError).errorName} ${(error as ChgateError).code} ${(error as ChgateError).status}`;
  }
}

describe('checkRights', () => {
  const plain: UserRights = { name: 'app', readonly: false, denyDdl: false };
  const reader: UserRights = { name: 'dash', readonly: true, denyDdl: false };
  const loader: UserRights = { name: 'etl', readonly: false, denyDdl: true };
  const refusedReadonly = 'READONLY 164 403';
  const refusedDdl = 'ACCESS_DENIED 497 403';

  it('lets a user without restrictions run anything, unknown SQL included', () => {
    for (const sql of ['SELECT 1', 'INSERT INTO t VALUES (1)', 'DROP TABLE t', 'FROBNICATE everything']) expect(outcome(plain, sql), sql).to.equal('allowed');
  });

  it('readonly: reads, SHOW / DESCRIBE / EXISTS, plain SET and USE pass', () => {
    for (const sql of [
      'SELECT 1',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'SELECT count() FROM db.t WHERE a IN (SELECT a FROM u)',
      'SHOW TABLES',
      'DESCRIBE TABLE t',
      'EXISTS TABLE t',
      'SET max_threads = 2',
      'USE analytics',
      'SET max_threads = 1; USE db; SELECT 1',
    ]) {
      expect(outcome(reader, sql), sql).to.equal('allowed');
    }
  });

  it('readonly: every write, DDL, SET ROLE, temporary tables and unclassifiable SQL are refused with READONLY', () => {
    for (const sql of [
      'INSERT INTO t VALUES (1)',
      'INSERT INTO t SELECT * FROM u',
      'CREATE TABLE t (a UInt8) ENGINE = Memory',
      'CREATE TEMPORARY TABLE tmp (a UInt8)',
      'ALTER TABLE t DELETE WHERE 1',
      'DROP TABLE t',
      'TRUNCATE TABLE t',
      'RENAME TABLE a TO b',
      'OPTIMIZE TABLE t',
      'SYSTEM FLUSH LOGS',
      'KILL QUERY WHERE 1',
      'SET ROLE admin',
      'FROBNICATE everything',
    ]) {
      expect(outcome(reader, sql), sql).to.equal(refusedReadonly);
    }
  });

  it('readonly: a body hiding one write among reads is refused whole, naming the statement', () => {
    let thrown: ChgateError | undefined;
    try {
      checkRights(reader, body('SELECT 1; INSERT INTO t VALUES (1); SELECT 2'));
    } catch (error) {
      thrown = error as ChgateError;
    }
    expect(thrown?.errorName).to.equal('READONLY');
    expect(thrown?.message).to.include('statement 2 of 3').and.include('nothing was run').and.include('INSERT');
  });

  it('deny_ddl: reads, INSERT, mutations by DELETE, OPTIMIZE and temporary tables pass', () => {
    for (const sql of [
      'SELECT 1',
      'INSERT INTO t VALUES (1)',
      'INSERT INTO t FORMAT TSV',
      'SET max_threads = 1; INSERT INTO t VALUES (1); SELECT count() FROM t',
      'OPTIMIZE TABLE t',
      'CREATE TEMPORARY TABLE tmp (a UInt8)',
    ]) {
      expect(outcome(loader, sql), sql).to.equal('allowed');
    }
  });

  it('deny_ddl: schema, access and server changes and unclassifiable SQL are refused with ACCESS_DENIED', () => {
    for (const sql of [
      'CREATE TABLE t (a UInt8) ENGINE = Memory',
      'CREATE DATABASE d',
      'CREATE VIEW v AS SELECT 1',
      'ALTER TABLE t ADD COLUMN b UInt8',
      'ALTER TABLE t DELETE WHERE 1',
      'DROP TABLE t',
      'DROP DATABASE d',
      'TRUNCATE TABLE t',
      'RENAME TABLE a TO b',
      'DETACH TABLE t',
      'ATTACH TABLE t',
      'GRANT SELECT ON db.* TO u',
      'SYSTEM STOP MERGES',
      'FROBNICATE everything',
      'INSERT INTO t VALUES (1); DROP TABLE t',
    ]) {
      expect(outcome(loader, sql), sql).to.equal(refusedDdl);
    }
  });

  it('readonly and deny_ddl together: readonly wins (no write at all)', () => {
    expect(outcome({ name: 'x', readonly: true, denyDdl: true }, 'INSERT INTO t VALUES (1)')).to.equal(refusedReadonly);
    expect(outcome({ name: 'x', readonly: true, denyDdl: true }, 'SELECT 1')).to.equal('allowed');
  });
});
