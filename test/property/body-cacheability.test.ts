import { expect } from 'chai';
import fc from 'fast-check';
import { createSqlClassifier } from '../../src/sql/create-sql-classifier.js';
import { isBodyCacheable } from '../../src/sql/is-body-cacheable.js';
import { mutatedSeed, relayout, separatorsArb } from './property-helpers.js';
import { READ_STATEMENTS, SESSION_STATEMENTS, WRITE_STATEMENTS } from './seed-statements.js';

type Labelled = { sql: string; route: 'read' | 'write' | 'session' };

const labelled: Labelled[] = [
  ...READ_STATEMENTS.map((sql) => ({ sql, route: 'read' as const })),
  // FORMAT data runs to the end of the body: that INSERT is tested on its own below.
  ...WRITE_STATEMENTS.filter((sql) => !sql.endsWith('FORMAT JSONEachRow')).map((sql) => ({ sql, route: 'write' as const })),
  ...SESSION_STATEMENTS.map((sql) => ({ sql, route: 'session' as const })),
];

describe('property: a body holding a write is never cacheable as a whole', () => {
  const classifier = createSqlClassifier();

  it('finds every statement of a labelled body, with its route, and never caches one holding a write', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...labelled), { minLength: 1, maxLength: 6 }),
        separatorsArb,
        fc.constantFrom(';', ';\n', ' ; ', ';;', ';/* between */'),
        (statements, separators, glue) => {
          const body = relayout(statements.map((s) => s.sql).join(glue), separators, 'keep');
          const classes = classifier.classifyBody(body);
          expect(classes.map((c) => c.route)).to.deep.equal(statements.map((s) => s.route));
          if (statements.some((s) => s.route !== 'read')) expect(isBodyCacheable(classes)).to.equal(false);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('an INSERT ... FORMAT at the end keeps its data out of the statements before it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...labelled), { maxLength: 4 }), fc.string({ maxLength: 200 }), (before, data) => {
        const body = [...before.map((s) => s.sql), `INSERT INTO t FORMAT TSV\n${data}`].join(';\n');
        const classes = classifier.classifyBody(body);
        expect(classes.map((c) => c.route)).to.deep.equal([...before.map((s) => s.route), 'write']);
        expect(isBodyCacheable(classes)).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });

  it('whatever the text, a body with any non-read statement is not cacheable', () => {
    fc.assert(
      fc.property(fc.array(mutatedSeed, { minLength: 1, maxLength: 4 }), (parts) => {
        const classes = classifier.classifyBody(parts.join(';'));
        if (classes.some((c) => c.route !== 'read' || c.unknown)) expect(isBodyCacheable(classes)).to.equal(false);
      }),
      { numRuns: 500 },
    );
  });
});
