import { expect } from 'chai';
import { buildClassification, fallbackReadClassification, unknownClassification } from '../../../src/sql/classification-result.js';
import { tokenize } from '../../../src/sql/lexer.js';
import { StatementFacts } from '../../../src/sql/statement-facts.js';

describe('classification results', () => {
  const { tokens } = tokenize('SELECT * FROM b, a');

  it('sorts table lists, computes cacheability and freezes the result', () => {
    const facts = new StatementFacts();
    facts.noteTableRead({ database: undefined, name: 'b', text: 'b' });
    facts.noteTableRead({ database: undefined, name: 'a', text: 'a' });
    const c = buildClassification({ type: 'select', route: 'read' }, facts, tokens, tokens.length);
    expect(c.tablesRead).to.deep.equal(['a', 'b']);
    expect(c.cacheable).to.equal(true);
    expect(Object.isFrozen(c)).to.equal(true);
    expect(Object.isFrozen(c.tablesRead)).to.equal(true);
  });

  it('never caches what is not a deterministic SELECT of ordinary tables', () => {
    const cases: [Partial<StatementFacts>, 'select' | 'show'][] = [
      [{ nonDeterministic: true }, 'select'],
      [{ readsServerState: true }, 'select'],
      [{ readsOutsideData: true }, 'select'],
      [{ hasUnresolvedTable: true }, 'select'],
      [{}, 'show'],
    ];
    for (const [flags, type] of cases) {
      const facts = Object.assign(new StatementFacts(), flags);
      expect(buildClassification({ type, route: 'read' }, facts, tokens, tokens.length).cacheable).to.equal(false);
    }
  });

  it('says when non-deterministic functions are the only reason a read is not cacheable', () => {
    const build = (flags: Partial<StatementFacts>, type: 'select' | 'show' = 'select') =>
      buildClassification({ type, route: 'read' }, Object.assign(new StatementFacts(), flags), tokens, tokens.length);
    expect(build({ nonDeterministic: true })).to.deep.include({ cacheable: false, nonDeterministic: true, cacheableIfDeterministic: true });
    for (const [flags, type] of [
      [{ nonDeterministic: true, readsServerState: true }, 'select'],
      [{ nonDeterministic: true, readsOutsideData: true }, 'select'],
      [{ nonDeterministic: true, hasUnresolvedTable: true }, 'select'],
      [{ nonDeterministic: true }, 'show'],
    ] as const) {
      const c = build(flags, type);
      expect(c.nonDeterministic).to.equal(true);
      expect(c.cacheableIfDeterministic).to.equal(undefined);
    }
    expect(build({})).to.not.have.property('nonDeterministic');
    expect(unknownClassification('select', tokens, tokens.length)).to.not.have.property('nonDeterministic');
  });

  it('makes unknown statements writes with no tables', () => {
    const c = unknownClassification('select', tokens, tokens.length);
    expect(c).to.deep.include({ route: 'write', cacheable: false, unknown: true, tablesRead: [], tablesWritten: [] });
  });

  it('makes fallback reads uncacheable', () => {
    const c = fallbackReadClassification(['a'], tokens, tokens.length);
    expect(c).to.deep.include({ type: 'select', route: 'read', cacheable: false, unknown: false, tablesRead: ['a'] });
  });
});
