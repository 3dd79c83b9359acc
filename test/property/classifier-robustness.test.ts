import { expect } from 'chai';
import fc from 'fast-check';
import { createSqlClassifier } from '../../src/sql/create-sql-classifier.js';
import { splitStatements } from '../../src/sql/split-statements.js';
import type { StatementClassification } from '../../src/sql/types.js';
import { mutatedSeed, randomText, tokenSoup } from './property-helpers.js';

const ROUTES = new Set(['read', 'write', 'session']);
const LIMIT_MS = 50;

function expectWellFormed(c: StatementClassification): void {
  expect(ROUTES.has(c.route)).to.equal(true);
  if (c.unknown) {
    expect(c.route).to.equal('write');
    expect(c.cacheable).to.equal(false);
  }
  if (c.cacheable) expect(c.route).to.equal('read');
  if (c.route !== 'write') {
    expect(c.tablesWritten).to.deep.equal([]);
    expect(c.databasesWritten).to.deep.equal([]);
  }
}

/** Runs everything the proxy would run on `text`, timing each call. */
function exercise(text: string): void {
  // A fresh classifier per input: no cache hit may hide a slow parse.
  const classifier = createSqlClassifier({ cacheEntries: 0 });
  let t0 = performance.now();
  const slices = splitStatements(text);
  expect(performance.now() - t0, 'splitStatements ms').to.be.below(LIMIT_MS);
  for (const slice of slices) {
    expect(slice.start).to.be.at.least(0);
    expect(slice.end).to.be.at.most(text.length);
    t0 = performance.now();
    const c = classifier.classify(slice.sql);
    expect(performance.now() - t0, `classify ms for ${JSON.stringify(slice.sql)}`).to.be.below(LIMIT_MS);
    expectWellFormed(c);
  }
  t0 = performance.now();
  const whole = classifier.classify(text);
  expect(performance.now() - t0, 'classify(whole text) ms').to.be.below(LIMIT_MS);
  expectWellFormed(whole);
}

describe('property: the classifier never throws and never takes more than 50 ms', () => {
  before(() => {
    // Loads node-sql-parser once (tens of ms) so its first use is not counted against a case.
    createSqlClassifier().classify('SELECT 1 1 1');
  });

  it('on random text', () => {
    fc.assert(fc.property(randomText, (text) => exercise(text)), { numRuns: 400 });
  });

  it('on random sequences of SQL words and symbols', () => {
    fc.assert(fc.property(tokenSoup, (text) => exercise(text)), { numRuns: 400 });
  });

  it('on mutated statements', () => {
    fc.assert(fc.property(mutatedSeed, (text) => exercise(text)), { numRuns: 400 });
  });

  it('on text cut anywhere', () => {
    fc.assert(
      fc.property(mutatedSeed, fc.nat(), (text, at) => exercise(text.slice(0, at % (text.length + 1)))),
      { numRuns: 300 },
    );
  });

  it('on deeply nested brackets', () => {
    for (const depth of [50, 200, 5000]) {
      exercise(`SELECT ${'('.repeat(depth)}1${')'.repeat(depth)} FROM t`);
      exercise(`SELECT * FROM t WHERE x IN ${'(SELECT x FROM t WHERE x IN '.repeat(depth)}t${')'.repeat(depth)}`);
    }
  });

  it('on long texts full of dollar signs, quotes and comment openers', () => {
    exercise(`SELECT ${'$a$ '.repeat(3000)}`);
    exercise(`SELECT ${'$x1$ $x2$ '.repeat(2000)}`);
    exercise(`SELECT ${"'a' ".repeat(5000)}`);
    exercise(`SELECT 1 ${'/* '.repeat(5000)}`);
  });
});
