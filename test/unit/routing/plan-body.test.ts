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
      {},
    );
    expect(plan.map((step) => step.decision.target)).to.deep.equal(['reader', 'local', 'local', 'reader', 'local', 'writer']);
    expect(plan[0]?.database).to.equal(undefined);
    expect(plan[3]?.database).to.equal('analytics');
    expect(plan[3]?.settings).to.deep.equal([['max_threads', '2']]);
    expect(plan[5]?.settings).to.deep.equal([['max_threads', '2'], ['max_threads', '4'], ['a', '1']]);
  });
  it('refuses mismatched inputs loudly', () => {
    expect(() => planBody([slice('SELECT 1')], [], {})).to.throw();
  });
});

describe('planBody read-after-write inside one body', () => {
  const write = (table: string) => classification({ type: 'insert', route: 'write', tablesWritten: [table], cacheable: false });
  const read = (...tables: string[]) => classification({ tablesRead: tables });
  const routeOf = (plan: ReturnType<typeof planBody>) => plan.map((step) => `${step.decision.target}/${step.decision.identity}`);

  it('sends a read of a table written earlier in the body to the writer, as the read-only user', () => {
    const plan = planBody([slice('a'), slice('b'), slice('c')], [write('t'), read('default.t'), read('u')], {});
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'writer/read', 'reader/read']);
    expect(plan[1]?.decision.reason).to.equal('read-after-write');
  });
  it('resolves names against USE and the request database', () => {
    const use = classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'db' } });
    const plan = planBody([slice('a'), slice('b'), slice('c'), slice('d')], [write('t'), use, read('t'), read('x.t')], { database: 'x' });
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'local/read', 'reader/read', 'writer/read']);
  });
  it('treats an unclassified statement as writing everything', () => {
    const plan = planBody([slice('a'), slice('b')], [classification({ unknown: true, route: 'write' }), read('u')], {});
    expect(routeOf(plan)).to.deep.equal(['writer/write', 'writer/read']);
  });
  it('does not move reads that come before the write', () => {
    const plan = planBody([slice('a'), slice('b')], [read('t'), write('t')], {});
    expect(routeOf(plan)).to.deep.equal(['reader/read', 'writer/write']);
  });
});

describe('planBody with an HTTP session', () => {
  const start = { database: undefined, settings: [] as Array<readonly [string, string]>, pinned: false };
  const temporary = classification({ type: 'create', route: 'write', tablesWritten: ['tmp'], cacheable: false, sessionScoped: true });
  const insert = classification({ type: 'insert', route: 'write', tablesWritten: ['t'], cacheable: false });
  const set = classification({ type: 'set', route: 'session', session: { kind: 'set', settings: { max_threads: '2' } } });
  const use = classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'db2' } });
  const summary = (plan: ReturnType<typeof planBody>) => plan.map((step) => `${step.decision.target}/${step.decision.identity}/${step.session}`);

  it("starts from the session's USE and SET; the body's own come after them", () => {
    const session = { database: 'db1', settings: [['max_threads', '8'], ['a', '1']] as const, pinned: false };
    const plan = planBody([slice('a'), slice('b'), slice('c'), slice('d')], [classification({}), set, use, classification({})], { session });
    expect(summary(plan)).to.deep.equal(['reader/read/held', 'local/read/held', 'local/read/held', 'reader/read/held']);
    expect(plan[0]?.database).to.equal('db1');
    expect(plan[0]?.settings).to.deep.equal([['max_threads', '8'], ['a', '1']]);
    expect(plan[3]?.database).to.equal('db2');
    expect(plan[3]?.settings).to.deep.equal([['max_threads', '8'], ['a', '1'], ['max_threads', '2']]);
  });
  it('keeps reads on replicas and writes on the writer until something pins the session', () => {
    const plan = planBody([slice('a'), slice('b'), slice('c'), slice('d'), slice('e')], [classification({}), insert, temporary, classification({}), set], { session: start });
    expect(summary(plan)).to.deep.equal(['reader/read/held', 'writer/write/held', 'writer/write/pins', 'writer/write/pinned', 'local/read/held']);
  });
  it('sends every statement of a pinned session to its node as the write user, but still applies SET and USE itself', () => {
    const plan = planBody([slice('a'), slice('b'), slice('c')], [classification({}), use, insert], { session: { ...start, pinned: true } });
    expect(summary(plan)).to.deep.equal(['writer/write/pinned', 'local/read/held', 'writer/write/pinned']);
    expect(plan.map((step) => step.decision.reason)).to.deep.equal(['pinned-session', 'session-statement', 'pinned-session']);
  });
  it('pins on SET ROLE and on SQL it cannot classify', () => {
    const role = classification({ type: 'set', route: 'session', session: { kind: 'other' } });
    expect(summary(planBody([slice('a'), slice('b')], [role, classification({})], { session: start }))).to.deep.equal(['writer/write/pins', 'writer/write/pinned']);
    const unknown = classification({ unknown: true, route: 'write' });
    expect(summary(planBody([slice('a')], [unknown], { session: start }))).to.deep.equal(['writer/write/pins']);
  });
  it('marks no statement with a session mode without session_id', () => {
    const plan = planBody([slice('a'), slice('b')], [temporary, classification({})], {});
    expect(plan.map((step) => step.session)).to.deep.equal([undefined, undefined]);
    expect(summary(plan)).to.deep.equal(['writer/write/undefined', 'reader/read/undefined']);
  });
});
