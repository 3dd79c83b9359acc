import { expect } from 'chai';
import { MAX_OPERATOR_CHAIN, findNestingProblem } from '../../../src/server/check-query-nesting.js';

const check = (text: string, maxDepth = 256): string | undefined => findNestingProblem(Buffer.from(text), maxDepth);

describe('findNestingProblem', () => {
  it('accepts ordinary queries, INSERT data and deep-looking text inside strings and comments', () => {
    expect(check('SELECT count() FROM t WHERE (a + 1) * 2 > [1, 2][1] -- ((((')).to.equal(undefined);
    expect(check(`SELECT '${'('.repeat(5000)}', "${'['.repeat(5000)}", \`${'('.repeat(5000)}\` /* ${'('.repeat(5000)} */`)).to.equal(undefined);
    expect(check(`SELECT 'it''s \\' (' , ${'('.repeat(10)}1${')'.repeat(10)}`)).to.equal(undefined);
    expect(check(`INSERT INTO t FORMAT TSV\n${'-1\t-2\n'.repeat(5000)}`)).to.equal(undefined);
    expect(check(`INSERT INTO t VALUES ${'(-1, -2 - 3), '.repeat(5000)}`)).to.equal(undefined);
    expect(check(`SELECT ${'x + '.repeat(MAX_OPERATOR_CHAIN - 1)}1`)).to.equal(undefined);
    expect(check(`SELECT ${Array.from({ length: 2000 }, (_, i) => `a${i} + 1`).join(', ')}`)).to.equal(undefined);
  });

  it('refuses parentheses or brackets nested deeper than the limit, even unbalanced', () => {
    expect(check(`SELECT ${'('.repeat(256)}1${')'.repeat(256)}`)).to.equal(undefined);
    expect(check(`SELECT ${'('.repeat(257)}1${')'.repeat(257)}`)).to.match(/more than 256 deep/);
    expect(check(`SELECT ${'['.repeat(10_000)}`)).to.match(/more than 256 deep/);
    expect(check(`INSERT INTO t VALUES ${'('.repeat(300)}`)).to.match(/deep/);
    expect(check('SELECT ((((1))))', 3)).to.match(/more than 3 deep/);
  });

  it('refuses long operator chains, also after a statement with data', () => {
    expect(check(`SELECT ${'1+'.repeat(300_000)}1`)).to.match(/more than 1000 operators/);
    expect(check(`SELECT 1 FORMAT TSV; SELECT ${'1*'.repeat(2000)}1`)).to.match(/operators/);
  });

  it('ends on unterminated strings and comments without throwing', () => {
    expect(check("SELECT 'abc")).to.equal(undefined);
    expect(check('SELECT /* abc')).to.equal(undefined);
    expect(check('SELECT `abc\\')).to.equal(undefined);
  });
});
