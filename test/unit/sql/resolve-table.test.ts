import { expect } from 'chai';
import { databaseOfTable, effectiveDatabase, resolveTableName, resolveTableNames } from '../../../src/sql/resolve-table.js';

describe('resolveTableName', () => {
  it('qualifies a bare name with the database and keeps a qualified one', () => {
    expect(resolveTableName('t', 'db')).to.equal('db.t');
    expect(resolveTableName('x.t', 'db')).to.equal('x.t');
  });
  it('keeps case: ClickHouse identifiers are case-sensitive', () => {
    expect(resolveTableName('Events', 'Analytics')).to.equal('Analytics.Events');
    expect(resolveTableNames(['T', 't', 'db.t'], 'db')).to.deep.equal(['db.T', 'db.t']);
  });
  it('uses default when the request names no database', () => {
    expect(effectiveDatabase(undefined)).to.equal('default');
    expect(effectiveDatabase(null)).to.equal('default');
    expect(effectiveDatabase('')).to.equal('default');
    expect(effectiveDatabase('db')).to.equal('db');
  });
  it('finds the database of a resolved name', () => {
    expect(databaseOfTable('db.t')).to.equal('db');
    expect(databaseOfTable('db.a.b')).to.equal('db');
  });
});
