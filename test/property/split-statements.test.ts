import { expect } from 'chai';
import fc from 'fast-check';
import { splitStatements } from '../../src/sql/split-statements.js';
import { mutatedSeed, randomText, tokenSoup } from './property-helpers.js';

describe('property: splitStatements', () => {
  it('gives ordered, non-overlapping slices whose sql is the text they cover', () => {
    fc.assert(
      fc.property(fc.oneof(randomText, tokenSoup, mutatedSeed), (text) => {
        const slices = splitStatements(text);
        let previousEnd = 0;
        slices.forEach((s, i) => {
          expect(s.start).to.be.at.least(previousEnd);
          expect(s.end).to.be.at.least(s.start);
          expect(s.end).to.be.at.most(text.length);
          expect(text.startsWith(s.sql, s.start)).to.equal(true);
          expect(s.start + s.sql.length).to.be.at.most(s.end);
          if (s.data !== undefined) {
            expect(s.data.start).to.be.at.least(s.start + s.sql.length);
            expect(s.data.end).to.be.at.most(s.end);
          }
          // Only the last statement can run into the end of the text.
          if (s.truncated || s.data?.kind === 'format') expect(i).to.equal(slices.length - 1);
          previousEnd = s.end;
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('is linear: a megabyte of adversarial text splits in well under a second', () => {
    const unit = "SELECT 'a;b', `c;d`, $x$;$x$ /* ; */ -- ;\n; $a$ $b$ ";
    const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const t0 = performance.now();
    const slices = splitStatements(text);
    const ms = performance.now() - t0;
    expect(slices.length).to.be.greaterThan(1000);
    expect(ms).to.be.below(1000);
  });
});
