import { expect } from 'chai';
import { isSetOperatorAt, NO_STOPS, scanExpression } from '../../../src/sql/expression-scanner.js';
import { tokenize } from '../../../src/sql/lexer.js';
import type { ParseContext } from '../../../src/sql/parse-context.js';
import { NameScope, StatementFacts } from '../../../src/sql/statement-facts.js';
import { parseQuery } from '../../../src/sql/statements/select.js';
import { ParseFailure, TokenCursor } from '../../../src/sql/token-cursor.js';

function context(sql: string): ParseContext {
  return {
    cursor: new TokenCursor(tokenize(sql).tokens, sql),
    facts: new StatementFacts(),
    scope: new NameScope(),
    nesting: 0,
    inPositionCall: false,
    parseQuery,
  };
}

describe('expression scanner', () => {
  it('stops at a depth-0 stop word and counts tokens', () => {
    const ctx = context('a + f(b, FROM) FROM t');
    const result = scanExpression(ctx, { stops: new Set(['FROM']) });
    expect(result.tokens).to.equal(3);
    expect(ctx.cursor.word()).to.equal('FROM');
  });

  it('parses subqueries and records the tables they read', () => {
    const ctx = context('x IN (SELECT id FROM db.u) AND EXISTS (SELECT 1 FROM v)');
    scanExpression(ctx, { stops: NO_STOPS });
    expect([...ctx.facts.tablesRead].sort()).to.deep.equal(['db.u', 'v']);
  });

  it('reads a bare name after IN as a table, unless it is a WITH name or inside position()', () => {
    const ctx = context('a IN t AND b GLOBAL NOT IN db.s AND c IN cte AND position(s IN col) > 0 AND d IN tuple(1, 2)');
    ctx.scope.define('cte');
    scanExpression(ctx, { stops: NO_STOPS });
    expect([...ctx.facts.tablesRead].sort()).to.deep.equal(['db.s', 't']);
  });

  it('records dictionaries, joinGet tables, non-deterministic calls and parameters', () => {
    const ctx = context("dictGet('geo.regions', 'name', id) + dictHas(db.d, 1) + joinGet('j', 'v', 1) + now() + {p:UInt8}");
    scanExpression(ctx, { stops: NO_STOPS });
    expect([...ctx.facts.dictionaries].sort()).to.deep.equal(['db.d', 'geo.regions']);
    expect([...ctx.facts.tablesRead]).to.deep.equal(['j']);
    expect(ctx.facts.nonDeterministic).to.equal(true);
    expect([...ctx.facts.parameters]).to.deep.equal(['p']);
  });

  it('does not take a method-like call after a dot for a catalog function', () => {
    const ctx = context('t.now()');
    scanExpression(ctx, { stops: NO_STOPS });
    expect(ctx.facts.nonDeterministic).to.equal(false);
  });

  it('returns the alias of the last depth-0 AS', () => {
    expect(scanExpression(context('(1 AS x) + 2 AS total'), { stops: NO_STOPS }).alias).to.equal('total');
  });

  it('flags operator words as keywords for normalization', () => {
    const ctx = context('a and b or not c is null');
    scanExpression(ctx, { stops: NO_STOPS });
    expect(ctx.cursor.tokens.filter((t) => t.keyword).map((t) => t.text)).to.deep.equal(['and', 'or', 'not', 'is', 'null']);
  });

  it('refuses a leading or doubled comma, an error token and, when strict, three operands in a row', () => {
    expect(() => scanExpression(context(', a'), { stops: NO_STOPS })).to.throw(ParseFailure);
    expect(() => scanExpression(context('a,, b'), { stops: NO_STOPS })).to.throw(ParseFailure);
    expect(() => scanExpression(context('a ! b'), { stops: NO_STOPS })).to.throw(ParseFailure);
    expect(() => scanExpression(context('* FORM db.t'), { stops: NO_STOPS, strict: true })).to.throw(ParseFailure);
    expect(() => scanExpression(context('a b c'), { stops: NO_STOPS, strict: true })).to.throw(ParseFailure);
    expect(scanExpression(context("a b, DATE '2024-01-01' d, INTERVAL 1 DAY, x DESC NULLS LAST"), { stops: NO_STOPS, strict: true }).tokens)
      .to.be.greaterThan(0);
  });

  it('tells the EXCEPT set operator from the EXCEPT column modifier', () => {
    const at = (sql: string) => isSetOperatorAt(new TokenCursor(tokenize(sql).tokens, sql));
    expect(at('EXCEPT SELECT 1')).to.equal(true);
    expect(at('EXCEPT ((SELECT 1))')).to.equal(true);
    expect(at('EXCEPT DISTINCT SELECT 1')).to.equal(true);
    expect(at('EXCEPT (a, b)')).to.equal(false);
    expect(at('EXCEPT a')).to.equal(false);
    expect(at('UNION ALL SELECT 1')).to.equal(true);
  });
});
