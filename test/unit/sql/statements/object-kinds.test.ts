import { expect } from 'chai';
import { tokenize } from '../../../../src/sql/lexer.js';
import type { ParseContext } from '../../../../src/sql/parse-context.js';
import { NameScope, StatementFacts } from '../../../../src/sql/statement-facts.js';
import { acceptDatabaseOrAccessEntity, acceptIndexOn, acceptTableKind, isAccessEntityAt } from '../../../../src/sql/statements/object-kinds.js';
import { parseQuery } from '../../../../src/sql/statements/select.js';
import { TokenCursor } from '../../../../src/sql/token-cursor.js';

function context(sql: string): ParseContext {
  return { cursor: new TokenCursor(tokenize(sql).tokens, sql), facts: new StatementFacts(), scope: new NameScope(), nesting: 0, inPositionCall: false, parseQuery };
}

describe('statements/object-kinds', () => {
  it('recognises access entities, one or two words long, without consuming them', () => {
    for (const sql of ['USER u', 'ROW POLICY p', 'SETTINGS PROFILE p', 'NAMED COLLECTION c', 'FUNCTION f', 'QUOTA q']) {
      const ctx = context(sql);
      expect(isAccessEntityAt(ctx.cursor), sql).to.equal(true);
      expect(ctx.cursor.pos).to.equal(0);
    }
    expect(isAccessEntityAt(context('TABLE t').cursor)).to.equal(false);
  });

  it('accepts the table-like kinds', () => {
    for (const sql of ['TABLE', 'DICTIONARY', 'VIEW', 'MATERIALIZED VIEW', 'LIVE VIEW', 'WINDOW VIEW']) {
      expect(acceptTableKind(context(sql).cursor), sql).to.equal(true);
    }
    expect(acceptTableKind(context('DATABASE').cursor)).to.equal(false);
  });

  it('handles DATABASE and access entities whole', () => {
    const db = context('DATABASE IF NOT EXISTS analytics ENGINE = Atomic');
    expect(acceptDatabaseOrAccessEntity(db)).to.equal(true);
    expect([...db.facts.databasesWritten]).to.deep.equal(['analytics']);
    expect(db.cursor.atEnd()).to.equal(true);
    expect(acceptDatabaseOrAccessEntity(context('ROLE r'))).to.equal(true);
    expect(acceptDatabaseOrAccessEntity(context('TABLE t'))).to.equal(false);
  });

  it('writes the table an index is on', () => {
    const ctx = context('UNIQUE INDEX IF NOT EXISTS i ON db.t (a) TYPE minmax');
    expect(acceptIndexOn(ctx)).to.equal(true);
    expect([...ctx.facts.tablesWritten]).to.deep.equal(['db.t']);
  });
});
