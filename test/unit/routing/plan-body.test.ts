import { expect } from 'chai';
import { planBody } from '../../../src/routing/plan-body.js';
import type { StatementSlice } from '../../../src/sql/types.js';
import { classification } from '../../helpers/classification.js';

const slice = (sql: string): StatementSlice => ({ start: 0, end: sql.length, sql, truncated: false });

describe('planBody', () => {
  it('applies USE and SET to the statements after them, not before', () => {
    const plan = planBody(
      [slice('SELECT 1'), slice('USE analytics'), slice('SET max_threads = 2'), slice('SELECT 2'), slice('SET max_threads = 4, a = 1'), slice('INSERT')],
      [
        classification({}),
        classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'analytics' } }),
        classification({ type: 'set', route: 'session', session: { kind: 'set', settings: { max_threads: '2' } } }),
        classification({}),
        classification({ type: 'set', route: 'session', session: { kind: 'set', settings: { max_threads: '4', a: '1' } } }),
        classification({ type: 'insert', route: 'write' }),
      ],
      { hasHttpSession: false },
    );
    expect(plan.map((step) => step.decision.target)).to.deep.equal(['reader', 'local', 'local', 'reader', 'local', 'writer']);
    expect(plan[0]?.database).to.equal(undefined);
    expect(plan[3]?.database).to.equal('analytics');
    expect(plan[3]?.settings).to.deep.equal([['max_threads', '2']]);
    expect(plan[5]?.settings).to.deep.equal([['max_threads', '2'], ['max_threads', '4'], ['a', '1']]);
  });
  it('refuses mismatched inputs loudly', () => {
    expect(() => planBody([slice('SELECT 1')], [], { hasHttpSession: false })).to.throw();
  });
});

describe('planBody read-after-write inside one body', () => {
  const write = (table: string) => classification({ type: 'insert', route: 'write', tablesWritten: [table], cacheable: false });
  const read = (...tables: string[]) => classification({ tablesRead: tables });
  const routeOf = (plan: ReturnType<typeof planBody>) => plan.map((step) => `${step.decision.target}/${step.decision.identity}`);

  it('sends a read of a table written earlier in the body to the writer, as the read-only user', () => {
    const plan = planBody([slice('a'), slice('b'), slice('c')], [write('t'), read('default.t'), read('u')], { hasHttpSession: false });
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'writer/read', 'reader/read']);
    expect(plan[1]?.decision.reason).to.equal('read-after-write');
  });
  it('resolves names against USE and the request database', () => {
    const use = classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'db' } });
    const plan = planBody([slice('a'), slice('b'), slice('c'), slice('d')], [write('t'), use, read('t'), read('x.t')], { hasHttpSession: false, database: 'x' });
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'local/read', 'reader/read', 'writer/read']);
  });
  it('treats an unclassified statement as writing everything', () => {
    const plan = planBody([slice('a'), slice('b')], [classification({ unknown: true, route: 'write' }), read('u')], { hasHttpSession: false });
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'writer/read']);
  });
  it('does not move reads that come before the write', () => {
    const plan = planBody([slice('a'), slice('b')], [read('t'), write('t')], { hasHttpSession: false });
    expect(routeOf(plan)).to.deep.equal(['reader/read', 'writer/write']);
  });
});
