import { expect } from 'chai';
import { compileRules } from '../../../src/rules/compile-rules.js';
import { evaluateRules, findRewrite, listMatches, ruleSubjectOf } from '../../../src/rules/evaluate-rules.js';
import type { QueryRule } from '../../../src/rules/query-rule.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

describe('evaluateRules', () => {
  const classifier = createSqlClassifier();
  const subject = (sql: string, user = 'app', database?: string) => ruleSubjectOf(user, classifier.classify(sql), database);
  const evaluate = (rules: QueryRule[], sql: string, user = 'app', database?: string) => evaluateRules(compileRules(rules), subject(sql, user, database));

  const denyStar: QueryRule = { name: 'no-star', users: ['app'], statementTypes: ['select'], tables: ['analytics.events'], match: '^SELECT \\*', deny: 'name the columns' };

  it('denies SELECT * on a table for one user only', () => {
    expect(evaluate([denyStar], 'select *  from analytics.events where x = 1').deny).to.deep.equal({ rule: 'no-star', message: 'name the columns' });
    expect(evaluate([denyStar], 'SELECT * FROM analytics.events', 'grafana').deny, 'another user').to.equal(undefined);
    expect(evaluate([denyStar], 'SELECT a FROM analytics.events').deny, 'named columns').to.equal(undefined);
    expect(evaluate([denyStar], 'SELECT * FROM analytics.users').deny, 'another table').to.equal(undefined);
  });

  it('resolves unqualified tables against the statement database', () => {
    expect(evaluate([denyStar], 'SELECT * FROM events', 'app', 'analytics').deny?.rule).to.equal('no-star');
    expect(evaluate([denyStar], 'SELECT * FROM events').deny, 'default.events is another table').to.equal(undefined);
    expect(evaluate([{ name: 't', tables: ['events'], route: 'writer' }], 'SELECT 1 FROM default.events').route?.route).to.equal('writer');
  });

  it('matches tables written as well as read', () => {
    const rule: QueryRule = { name: 'no-writes', tables: ['db.t'], statementTypes: ['insert', 'alter'], deny: 'frozen' };
    expect(evaluate([rule], 'INSERT INTO db.t VALUES (1)').deny?.rule).to.equal('no-writes');
    expect(evaluate([rule], 'ALTER TABLE db.t DELETE WHERE 1').deny?.rule).to.equal('no-writes');
    expect(evaluate([rule], 'SELECT * FROM db.t').deny).to.equal(undefined);
  });

  it('matches a fingerprint whatever the literals', () => {
    const rule: QueryRule = { name: 'lookup', fingerprints: ['SELECT name FROM users WHERE id = ?'], cache: { ttlMs: 10_000 } };
    expect(evaluate([rule], "select name from users where id = 42").cache).to.deep.equal({ rule: 'lookup', action: { ttlMs: 10_000 } });
    expect(evaluate([rule], "SELECT name FROM users WHERE id = 'x' -- comment").cache?.rule).to.equal('lookup');
    expect(evaluate([rule], 'SELECT name FROM users WHERE id > 1').cache).to.equal(undefined);
  });

  it('takes each kind of action from the first matching rule that has it, in order', () => {
    const rules: QueryRule[] = [
      { name: 'a', users: ['grafana'], cache: { ttlMs: 10_000 } },
      { name: 'b', cache: { noCache: true }, route: 'writer' },
      { name: 'c', settings: { set: { max_threads: '4' }, cap: {} }, route: 'readers' },
    ];
    const grafana = evaluate(rules, 'SELECT 1', 'grafana');
    expect(grafana.cache?.rule).to.equal('a');
    expect(grafana.route).to.deep.equal({ rule: 'b', route: 'writer' });
    expect(grafana.settings?.rule).to.equal('c');
    expect(listMatches(grafana)).to.deep.equal([
      { rule: 'b', action: 'route' },
      { rule: 'a', action: 'cache' },
      { rule: 'c', action: 'settings' },
    ]);
    expect(evaluate(rules, 'SELECT 1', 'app').cache?.rule).to.equal('b');
    expect(evaluate([], 'SELECT 1')).to.deep.equal({});
  });

  it('conditions all hold or the rule does not match; none means every statement', () => {
    expect(evaluate([{ name: 'all', route: 'writer' }], 'SHOW TABLES').route?.rule).to.equal('all');
    const rule: QueryRule = { name: 'x', users: ['app'], statementTypes: ['insert'], route: 'writer' };
    expect(evaluate([rule], 'SELECT 1').route).to.equal(undefined);
  });
});

describe('findRewrite', () => {
  const classifier = createSqlClassifier();
  const subject = (sql: string, user = 'app') => ruleSubjectOf(user, classifier.classify(sql), undefined);

  it('replaces in the normalized text, with groups', () => {
    const rules = compileRules([{ name: 'fix', users: ['app'], rewrite: { pattern: 'SELECT \\* FROM (\\w+)', replacement: 'SELECT id FROM $1' } }]);
    expect(findRewrite(rules, subject('select *\n from   big where x = 1'))).to.deep.equal({ rule: 'fix', sql: 'SELECT id FROM big WHERE x = 1' });
    expect(findRewrite(rules, subject('SELECT * FROM big', 'other'))).to.equal(undefined);
    expect(findRewrite(rules, subject('SELECT id FROM big'))).to.equal(undefined);
  });

  it('replaces every occurrence, the same on every call (no lastIndex carried over)', () => {
    const rules = compileRules([{ name: 'f', rewrite: { pattern: 'max_threads = \\d+', replacement: 'max_threads = 1' } }]);
    for (let i = 0; i < 3; i++) {
      expect(findRewrite(rules, subject('SELECT 1 SETTINGS max_threads = 8, max_threads = 9'))?.sql).to.equal('SELECT 1 SETTINGS max_threads = 1 , max_threads = 1');
    }
  });

  it('is skipped when no rule rewrites', () => {
    expect(compileRules([{ name: 'd', deny: 'no' }]).hasRewrites).to.equal(false);
    expect(findRewrite(compileRules([{ name: 'd', deny: 'no' }]), subject('SELECT 1'))).to.equal(undefined);
  });
});
