import { expect } from 'chai';
import { NameScope, StatementFacts } from '../../../src/sql/statement-facts.js';

describe('StatementFacts', () => {
  it('flags system and information_schema tables as server state', () => {
    const facts = new StatementFacts();
    facts.noteTableRead({ database: 'db', name: 't', text: 'db.t' });
    expect(facts.readsServerState).to.equal(false);
    facts.noteTableRead({ database: 'INFORMATION_SCHEMA', name: 'tables', text: 'INFORMATION_SCHEMA.tables' });
    expect(facts.readsServerState).to.equal(true);
    expect([...facts.tablesRead]).to.deep.equal(['db.t', 'INFORMATION_SCHEMA.tables']);
  });

  it('flags table functions that read outside data', () => {
    const facts = new StatementFacts();
    facts.noteTableFunction('numbers');
    expect(facts.readsOutsideData).to.equal(false);
    facts.noteTableFunction('s3');
    expect(facts.readsOutsideData).to.equal(true);
  });
});

describe('NameScope', () => {
  it('sees the names of enclosing scopes, not of inner ones', () => {
    const outer = new NameScope();
    outer.define('cte');
    const inner = outer.child();
    inner.define('alias');
    expect(inner.has('cte')).to.equal(true);
    expect(inner.has('alias')).to.equal(true);
    expect(outer.has('alias')).to.equal(false);
  });
});
