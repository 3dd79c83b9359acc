import { expect } from 'chai';
import { deeper, type ParseContext } from '../../../src/sql/parse-context.js';
import { NameScope, StatementFacts } from '../../../src/sql/statement-facts.js';
import { ParseFailure, TokenCursor } from '../../../src/sql/token-cursor.js';

describe('parse context', () => {
  const base: ParseContext = {
    cursor: new TokenCursor([], ''),
    facts: new StatementFacts(),
    scope: new NameScope(),
    nesting: 0,
    inPositionCall: false,
    parseQuery: () => undefined,
  };

  it('derives deeper contexts sharing cursor and facts', () => {
    const scope = base.scope.child();
    const inner = deeper(base, scope, true);
    expect(inner.nesting).to.equal(1);
    expect(inner.cursor).to.equal(base.cursor);
    expect(inner.facts).to.equal(base.facts);
    expect(inner.scope).to.equal(scope);
    expect(inner.inPositionCall).to.equal(true);
  });

  it('refuses to nest without bound', () => {
    let ctx = base;
    expect(() => {
      for (let i = 0; i < 1000; i++) ctx = deeper(ctx);
    }).to.throw(ParseFailure, /nesting/);
  });
});
