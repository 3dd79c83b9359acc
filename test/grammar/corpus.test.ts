/**
 * The grammar corpus (grammar-tests/, issue 3): one test per case, plus corpus-wide checks.
 * Format of the cases: grammar-tests/README.md.
 */
import { expect } from 'chai';
import { createSqlClassifier } from '../../src/sql/create-sql-classifier.js';
import { splitStatements } from '../../src/sql/split-statements.js';
import { runCase, type CaseRun, type Engine } from './compare-case.js';
import { caseTitle, loadCorpus, type GrammarCase } from './load-cases.js';

const MIN_CASES = 600;

const cases = loadCorpus();
const classifier = createSqlClassifier();
const engine: Engine = {
  split: (sql) => splitStatements(sql),
  classify: (sql) => classifier.classify(sql),
};

/** Runs are memoised so the summary tests do not depend on the order mocha picks. */
const runs = new Map<GrammarCase, CaseRun | Error>();
function run(c: GrammarCase): CaseRun | Error {
  let r = runs.get(c);
  if (r === undefined) {
    try {
      r = runCase(c, engine);
    } catch (error) {
      r = error instanceof Error ? error : new Error(String(error));
    }
    runs.set(c, r);
  }
  return r;
}

describe('grammar corpus', () => {
  const byFile = new Map<string, GrammarCase[]>();
  for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);

  for (const [file, fileCases] of byFile) {
    describe(file, () => {
      for (const c of fileCases) {
        it(caseTitle(c), () => {
          const r = run(c);
          if (r instanceof Error) throw r;
          if (r.problems.length > 0) {
            throw new Error(
              `${c.file}:${c.line} ${c.name}\n  sql: ${JSON.stringify(c.sql)}\n  ` + r.problems.join('\n  '),
            );
          }
        });
      }
    });
  }

  describe('whole corpus', () => {
    it(`holds at least ${MIN_CASES} cases`, () => {
      expect(cases.length).to.be.at.least(MIN_CASES);
    });

    it('classifies no write statement as a read', () => {
      const offenders: string[] = [];
      for (const c of cases) {
        const r = run(c);
        if (r instanceof Error) continue; // reported by the case's own test
        c.statements.forEach((expected, i) => {
          const got = r.classifications[i];
          if (expected.route === 'write' && got !== undefined && got.route === 'read') {
            offenders.push(`${c.file}:${c.line} ${c.name}${c.statements.length > 1 ? ` [statement ${i + 1}]` : ''}`);
          }
        });
      }
      expect(offenders, `write statements classified as reads:\n${offenders.join('\n')}`).to.deep.equal([]);
    });
  });
});
