import { expect } from 'chai';
import { findQueryRuleProblems, type QueryRule } from '../../../src/rules/query-rule.js';
import { cacheRuleOf } from '../../../src/rules/rule-cache.js';

describe('findQueryRuleProblems', () => {
  const problems = (rules: QueryRule[], users?: string[]) =>
    findQueryRuleProblems(rules, users && new Set(users)).map((p) => `${p.index}.${p.key}: ${p.message}`);

  it('accepts well-formed rules', () => {
    expect(problems([
      { name: 'a', users: ['app'], match: '^SELECT \\*', deny: 'no' },
      { name: 'b', cache: { ttlMs: 10 } },
      { name: 'c', cache: { noCache: true } },
      { name: 'd', settings: { set: { max_threads: '4' }, cap: { max_result_rows: 10 } }, rewrite: { pattern: 'x', replacement: 'y' } },
    ], ['app'])).to.deep.equal([]);
  });

  it('reports each problem with its key', () => {
    expect(problems([
      { name: 'a', deny: 'x' },
      { name: 'a', match: '(', route: 'writer' },
      { name: 'none' },
      { name: 'r', rewrite: { pattern: '[', replacement: '' } },
      { name: 'c1', cache: {} },
      { name: 'c2', cache: { noCache: true, ttlMs: 5 } },
      { name: 'c3', cache: { cacheNonDeterministic: true } },
      { name: 's', settings: { set: { query: 'x', max_threads: '1' }, cap: { max_threads: 2, param_x: 1 } } },
      { name: 'u', users: ['ghost'], deny: 'x' },
    ], ['app'])).to.deep.equal([
      '1.name: duplicate rule name "a"',
      '1.match: not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
      '2.name: rule "none" has no action (deny, route, cache, settings, rewrite)',
      '3.rewrite.pattern: not a valid regular expression: Invalid regular expression: /[/g: Unterminated character class',
      '4.cache: needs ttl_ms or no_cache: true',
      '5.cache.no_cache: cannot be combined with ttl_ms or cache_non_deterministic',
      '6.cache: needs ttl_ms or no_cache: true',
      '6.cache.ttl_ms: required when cache_non_deterministic is true',
      '7.settings.cap.max_threads: also in settings.set',
      '7.settings.set.query: not a ClickHouse setting name (HTTP parameters such as query, user, database, query_id, session_id, param_* are not settings)',
      '7.settings.cap.param_x: not a ClickHouse setting name (HTTP parameters such as query, user, database, query_id, session_id, param_* are not settings)',
      '8.users: no user named "ghost"',
    ]);
  });
});

describe('cacheRuleOf', () => {
  it('gives the cache action in cache.rules form, named after the rule', () => {
    expect(cacheRuleOf(undefined)).to.equal(undefined);
    expect(cacheRuleOf({})).to.equal(undefined);
    expect(cacheRuleOf({ cache: { rule: 'dash', action: { ttlMs: 10_000 } } })).to.deep.equal({ name: 'dash', ttlMs: 10_000 });
    expect(cacheRuleOf({ cache: { rule: 'nc', action: { noCache: true } } })).to.deep.equal({ name: 'nc', noCache: true });
    expect(cacheRuleOf({ cache: { rule: 'nd', action: { ttlMs: 5, cacheNonDeterministic: true } } })).to.deep.equal({ name: 'nd', ttlMs: 5, cacheNonDeterministic: true });
  });
});
