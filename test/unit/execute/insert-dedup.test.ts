import { expect } from 'chai';
import { callsNonDeterministicFunction, findDedupInsertTarget } from '../../../src/execute/insert-dedup.js';
import type { PlannedStatement } from '../../../src/routing/plan-body.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';
import { splitStatements } from '../../../src/sql/split-statements.js';

const classifier = createSqlClassifier();

/** The last statement of `body`, planned as a write to the writer, with `settings` from earlier SETs. */
function insert(body: string, options: { database?: string; settings?: [string, string][] } = {}): PlannedStatement {
  const slice = splitStatements(body).at(-1)!;
  return {
    slice,
    classification: classifier.classify(slice.sql),
    decision: { target: 'writer', reason: 'write', identity: 'write' },
    database: options.database,
    settings: options.settings ?? [],
  };
}

const target = (body: string, params = '', options: { database?: string; settings?: [string, string][] } = {}) =>
  findDedupInsertTarget(insert(body, options), new URLSearchParams(params));

describe('findDedupInsertTarget', () => {
  it('takes INSERTs of inline rows into one table: VALUES and FORMAT data', () => {
    expect(target('INSERT INTO t VALUES (1), (2)')).to.deep.equal({ database: undefined, table: 't' });
    expect(target('INSERT INTO db.t (a, b) FORMAT CSV\n1,2\n')).to.deep.equal({ database: 'db', table: 't' });
    expect(target('INSERT INTO `db`.`t` VALUES (1)')).to.deep.equal({ database: 'db', table: 't' });
  });

  it('resolves an unqualified table in the database the statement runs in (USE, then ?database=)', () => {
    expect(target('INSERT INTO t VALUES (1)', 'database=analytics')).to.deep.equal({ database: 'analytics', table: 't' });
    expect(target('INSERT INTO t VALUES (1)', 'database=analytics', { database: 'other' })).to.deep.equal({ database: 'other', table: 't' });
    expect(target('INSERT INTO db.t VALUES (1)', 'database=analytics')).to.deep.equal({ database: 'db', table: 't' });
  });

  it('refuses rows that a SELECT computes, table functions, input() and unclassified statements', () => {
    expect(target('INSERT INTO t SELECT number FROM numbers(10)')).to.equal(undefined);
    expect(target('INSERT INTO t SELECT * FROM other')).to.equal(undefined);
    expect(target("INSERT INTO FUNCTION remote('h', db.t) VALUES (1)")).to.equal(undefined);
    expect(target("INSERT INTO t SELECT * FROM input('a UInt8') FORMAT CSV\n1\n")).to.equal(undefined);
    expect(target('SELECT 1')).to.equal(undefined);
    expect(target('CREATE TABLE t (a UInt8) ENGINE = Memory')).to.equal(undefined);
  });

  it('refuses a read, whatever it is', () => {
    const step = insert('INSERT INTO t VALUES (1)');
    expect(findDedupInsertTarget({ ...step, decision: { target: 'reader', reason: 'read', identity: 'read' } }, new URLSearchParams())).to.equal(undefined);
  });

  it('refuses when the request turns deduplication off or inserts asynchronously, in the URL or by SET', () => {
    expect(target('INSERT INTO t VALUES (1)', 'insert_deduplicate=0')).to.equal(undefined);
    expect(target('INSERT INTO t VALUES (1)', 'insert_deduplicate=false')).to.equal(undefined);
    expect(target('INSERT INTO t VALUES (1)', 'insert_deduplicate=1')).to.not.equal(undefined);
    expect(target('INSERT INTO t VALUES (1)', '', { settings: [['insert_deduplicate', '0']] })).to.equal(undefined);
    // A later SET wins over the URL, as sendStatement applies them.
    expect(target('INSERT INTO t VALUES (1)', 'insert_deduplicate=0', { settings: [['insert_deduplicate', '1']] })).to.not.equal(undefined);
    expect(target('INSERT INTO t VALUES (1)', 'async_insert=1')).to.equal(undefined);
    expect(target('INSERT INTO t VALUES (1)', 'async_insert=0')).to.not.equal(undefined);
    expect(target('INSERT INTO t SETTINGS insert_deduplicate = 0 VALUES (1)')).to.equal(undefined);
  });

  it('refuses a table name that may be a quoted name with a dot in it', () => {
    expect(target('INSERT INTO `a.b` VALUES (1)')).to.equal(undefined);
    expect(target('INSERT INTO "a.b" VALUES (1)')).to.equal(undefined);
  });
});

describe('callsNonDeterministicFunction', () => {
  it('finds calls whose value changes between two attempts', () => {
    expect(callsNonDeterministicFunction('(1, now())')).to.equal(true);
    expect(callsNonDeterministicFunction('(1, NOW ())')).to.equal(true);
    expect(callsNonDeterministicFunction('(generateUUIDv4(), 2)')).to.equal(true);
    expect(callsNonDeterministicFunction("dictGet('d', 'v', toUInt64(1))")).to.equal(true);
    expect(callsNonDeterministicFunction('toStartOfHour(now())')).to.equal(true);
    expect(callsNonDeterministicFunction('rand() % 10')).to.equal(true);
  });
  it('passes plain rows and deterministic expressions', () => {
    expect(callsNonDeterministicFunction("(1, 'now', 2.5), (2, 'x', 3)")).to.equal(false);
    expect(callsNonDeterministicFunction("(toDate('2024-01-01'), lower('A'))")).to.equal(false);
    expect(callsNonDeterministicFunction('1,2\n3,4\n')).to.equal(false);
    expect(callsNonDeterministicFunction('toDate(ts)')).to.equal(false);
    expect(callsNonDeterministicFunction('')).to.equal(false);
  });
});
