import { expect } from 'chai';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { planRequestWithRules, type RequestRules } from '../../../src/routing/plan-request.js';
import type { RouteContext } from '../../../src/routing/decide-route.js';
import { compileRules } from '../../../src/rules/compile-rules.js';
import type { QueryRule } from '../../../src/rules/query-rule.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

describe('planRequestWithRules', () => {
  const classifier = createSqlClassifier();
  const plan = (sql: string, rules: QueryRule[], options: { user?: string; context?: RouteContext; matches?: string[] } = {}) => {
    const requestRules: RequestRules = {
      compiled: compileRules(rules),
      proxyUser: options.user ?? 'app',
      onMatch: (rule, action) => options.matches?.push(`${rule}/${action}`),
    };
    const head = Buffer.from(sql, 'utf8');
    const planned = planRequestWithRules(head, true, classifier, options.context ?? {}, requestRules);
    const text = planned.head.toString('latin1');
    return {
      head: planned.head,
      plan: planned.plan,
      sent: planned.plan.map((step) => Buffer.from(text.slice(step.slice.start, step.slice.end), 'latin1').toString('utf8')),
      targets: planned.plan.map((step) => `${step.decision.target}/${step.decision.identity}/${step.decision.reason}`),
    };
  };
  const denyOf = (fn: () => unknown): ChgateError => {
    try {
      fn();
    } catch (error) {
      return error as ChgateError;
    }
    throw new Error('not denied');
  };

  it('plans as planRequest when no rule matches, or there are none', () => {
    const planned = plan('SELECT 1; INSERT INTO t VALUES (1)', []);
    expect(planned.targets).to.deep.equal(['reader/read/read', 'writer/write/write']);
    expect(planned.sent).to.deep.equal(['SELECT 1', 'INSERT INTO t VALUES (1)']);
  });

  it('refuses the whole body when any statement is denied, with ACCESS_DENIED', () => {
    const rules: QueryRule[] = [{ name: 'no-star', users: ['app'], tables: ['big'], match: '^SELECT \\*', deny: 'name the columns of big' }];
    const error = denyOf(() => plan('INSERT INTO t VALUES (1); SELECT * FROM big', rules));
    expect(error).to.be.instanceOf(ChgateError);
    expect(error.errorName).to.equal('ACCESS_DENIED');
    expect(error.status).to.equal(403);
    expect(error.message).to.equal('denied by rule no-star: name the columns of big');
    expect(plan('SELECT * FROM big', rules, { user: 'grafana' }).targets).to.deep.equal(['reader/read/read']);
  });

  it('routes a read to the writer as the read user, never a write to a replica', () => {
    expect(plan('SELECT * FROM t', [{ name: 'w', route: 'writer' }]).targets).to.deep.equal(['writer/read/rule']);
    expect(plan('INSERT INTO t VALUES (1)', [{ name: 'r', route: 'readers' }]).targets).to.deep.equal(['writer/write/write']);
    expect(plan('FROBNICATE t', [{ name: 'r', route: 'readers' }]).targets).to.deep.equal(['writer/write/unclassified']);
    expect(plan('SET max_threads = 1; SELECT 1', [{ name: 'w', route: 'writer' }]).targets).to.deep.equal(['local/read/session-statement', 'writer/read/rule']);
  });

  it('sends a just-written table\'s read to a replica under a readers rule only', () => {
    const context: RouteContext = { isRecentlyWritten: () => true };
    expect(plan('SELECT * FROM t', [], { context }).targets).to.deep.equal(['writer/read/read-after-write']);
    expect(plan('SELECT * FROM t', [{ name: 'r', route: 'readers' }], { context }).targets).to.deep.equal(['reader/read/rule']);
    const session = { database: undefined, settings: [], pinned: true };
    expect(plan('SELECT * FROM t', [{ name: 'r', route: 'readers' }], { context: { session } }).targets).to.deep.equal(['writer/write/pinned-session']);
  });

  it('rewrites before classifying: the rewritten statement is what is planned and sent', () => {
    const rules: QueryRule[] = [{ name: 'fix', users: ['app'], rewrite: { pattern: 'SELECT \\* FROM big', replacement: 'SELECT id FROM big' } }];
    const matches: string[] = [];
    const planned = plan('SELECT 1;\n select  *  from big -- all\n; SELECT * FROM small', rules, { matches });
    expect(planned.sent).to.deep.equal(['SELECT 1', 'SELECT id FROM big', 'SELECT * FROM small']);
    expect(planned.plan[1]?.classification.normalized).to.equal('SELECT id FROM big');
    expect(matches).to.deep.equal(['fix/rewrite']);
    expect(plan('SELECT * FROM big', rules, { user: 'other' }).sent).to.deep.equal(['SELECT * FROM big']);
  });

  it('classifies the rewritten text anew: a rewrite into a write goes to the writer, and deny rules see it', () => {
    const toWrite: QueryRule = { name: 'odd', rewrite: { pattern: '^SELECT 1$', replacement: 'INSERT INTO t SELECT 1' } };
    expect(plan('SELECT 1', [toWrite]).targets).to.deep.equal(['writer/write/write']);
    const denyInsert: QueryRule = { name: 'ro', statementTypes: ['insert'], deny: 'read only' };
    expect(denyOf(() => plan('SELECT 1', [toWrite, denyInsert])).message).to.equal('denied by rule ro: read only');
  });

  it('keeps byte offsets right around multi-byte text', () => {
    const rules: QueryRule[] = [{ name: 'f', rewrite: { pattern: "'é'", replacement: "'ü€'" } }];
    const planned = plan("SELECT 'é'; SELECT 'ñ'", rules);
    expect(planned.sent).to.deep.equal(["SELECT 'ü€'", "SELECT 'ñ'"]);
  });

  it('never rewrites a statement with inline data', () => {
    const rules: QueryRule[] = [{ name: 'f', rewrite: { pattern: 'INSERT INTO t', replacement: 'INSERT INTO u' } }];
    expect(plan('INSERT INTO t VALUES (1)', rules).sent).to.deep.equal(['INSERT INTO t VALUES (1)']);
  });

  it('refuses a statement that lifts a capped setting in its own SETTINGS clause', () => {
    const rules: QueryRule[] = [{ name: 'caps', users: ['app'], settings: { set: {}, cap: { max_result_rows: 100 } } }];
    const error = denyOf(() => plan('SELECT 1; select * from t settings max_result_rows=0', rules));
    expect(error.errorName).to.equal('ACCESS_DENIED');
    expect(error.message).to.equal('rule caps caps max_result_rows: the statement may not set it in a SETTINGS clause');
    expect(plan('SELECT * FROM t SETTINGS max_threads = 1', rules).targets).to.deep.equal(['reader/read/read']);
    expect(plan('SELECT * FROM t SETTINGS max_result_rows = 0', rules, { user: 'other' }).targets).to.deep.equal(['reader/read/read']);
  });

  it('carries each statement\'s actions for the cache and the settings', () => {
    const rules: QueryRule[] = [{ name: 'dash', users: ['grafana'], cache: { ttlMs: 10_000 }, settings: { set: {}, cap: { max_result_rows: 100 } } }];
    const [step] = plan('SELECT 1', rules, { user: 'grafana' }).plan;
    expect(step?.rules).to.deep.equal({ cache: { rule: 'dash', action: { ttlMs: 10_000 } }, settings: { rule: 'dash', action: { set: {}, cap: { max_result_rows: 100 } } } });
  });
});
