import { expect } from 'chai';
import fc from 'fast-check';
import { createSqlClassifier } from '../../src/sql/create-sql-classifier.js';
import type { StatementClassification } from '../../src/sql/types.js';
import { anySeed, caseArb, mutatedSeed, relayout, separatorsArb } from './property-helpers.js';

/** Everything a layout change must leave alone: all but the normalized forms. */
function decision(c: StatementClassification): object {
  const { normalized: _normalized, fingerprint: _fingerprint, ...rest } = c;
  return rest;
}

describe('property: comments, whitespace and keyword case never change a decision', () => {
  const classifier = createSqlClassifier();

  it('for every seed statement, re-laid out and re-cased', () => {
    fc.assert(
      fc.property(anySeed, separatorsArb, caseArb, (sql, separators, change) => {
        const original = classifier.classify(sql);
        const changed = classifier.classify(relayout(sql, separators, change));
        expect(decision(changed)).to.deep.equal(decision(original));
        // Layout alone never changes the cache key. (Keyword case may: only words the parser
        // read as keywords are upper-cased, so a miss is possible, a wrong hit is not.)
        if (change === 'keep') expect(changed.normalized).to.equal(original.normalized);
      }),
      { numRuns: 1000 },
    );
  });

  it('for mutated statements, re-laid out', () => {
    fc.assert(
      fc.property(mutatedSeed, separatorsArb, (sql, separators) => {
        const original = classifier.classify(sql);
        const changed = classifier.classify(relayout(sql, separators, 'keep'));
        expect(decision(changed)).to.deep.equal(decision(original));
      }),
      { numRuns: 1000 },
    );
  });

  it('for bodies of several statements, statement by statement', () => {
    fc.assert(
      fc.property(fc.array(anySeed, { minLength: 1, maxLength: 5 }), separatorsArb, caseArb, (seeds, separators, change) => {
        // FORMAT data would swallow the statements after it: keep such an INSERT last.
        const ordered = [...seeds.filter((s) => !/FORMAT JSONEachRow$/.test(s)), ...seeds.filter((s) => /FORMAT JSONEachRow$/.test(s)).slice(0, 1)];
        const body = ordered.join(';\n');
        const original = classifier.classifyBody(body).map(decision);
        const changed = classifier.classifyBody(relayout(body, separators, change)).map(decision);
        expect(changed).to.deep.equal(original);
      }),
      { numRuns: 300 },
    );
  });
});
