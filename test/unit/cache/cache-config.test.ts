import { expect } from 'chai';
import { cacheScopeOf, defaultCacheConfig, findCacheConfigProblems, findCacheRuleProblems } from '../../../src/cache/cache-config.js';

describe('cache config', () => {
  it('has usable defaults', () => {
    expect(findCacheConfigProblems(defaultCacheConfig)).to.deep.equal([]);
    expect(defaultCacheConfig.replicaLagWindowMs).to.equal(5000);
  });
  it('keeps results per user unless the user is in a shared group', () => {
    const config = { sharedGroups: { dashboards: ['grafana', 'metabase'] } };
    expect(cacheScopeOf(config, 'alice')).to.equal('user:alice');
    expect(cacheScopeOf(config, 'grafana')).to.equal(cacheScopeOf(config, 'metabase'));
    // A user named like a group does not share the group's entries.
    expect(cacheScopeOf(config, 'dashboards')).to.not.equal(cacheScopeOf(config, 'grafana'));
  });
  it('reports settings that do not go together', () => {
    const problems = findCacheConfigProblems({
      ...defaultCacheConfig,
      maxEntryBytes: 10,
      maxMemoryBytes: 5,
      sharedGroups: { a: ['u'], b: ['u'] },
    });
    expect(problems).to.deep.equal([
      'cache.max_entry_bytes must not exceed cache.max_memory_bytes',
      'cache.shared_groups: user u is in both a and b',
    ]);
  });
  it('reports rules that cannot work, with their index and key', () => {
    const rules = [
      { name: 'ok', match: '\\bnow \\(', cacheNonDeterministic: true, ttlMs: 1000 },
      { name: 'regex', match: 'now(' },
      { name: 'no-ttl', cacheNonDeterministic: true },
      { name: 'both', noCache: true, ttlMs: 5 },
      { name: 'ok', noCache: true },
    ];
    const problems = findCacheRuleProblems(rules);
    expect(problems.map((p) => [p.index, p.key])).to.deep.equal([[1, 'match'], [2, 'ttl_ms'], [3, 'no_cache'], [4, 'name']]);
    expect(problems[0]?.message).to.match(/^not a valid regular expression: /);
    expect(findCacheConfigProblems({ ...defaultCacheConfig, rules })).to.include('cache.rules[2].ttl_ms: required when cache_non_deterministic is true');
    expect(findCacheRuleProblems([{ name: 'plain' }, { name: 'off', noCache: true }])).to.deep.equal([]);
  });
});
