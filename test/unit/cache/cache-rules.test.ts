import { expect } from 'chai';
import { compileCacheRules, findCacheRule } from '../../../src/cache/cache-rules.js';

describe('cache rules', () => {
  const subject = (overrides: Partial<Parameters<typeof findCacheRule>[1]> = {}) => ({
    proxyUser: 'grafana',
    tables: ['db.events'],
    normalized: 'SELECT count ( ) FROM events WHERE ts > now ( ) - 3600',
    ...overrides,
  });

  it('takes the first rule whose every condition holds, in order', () => {
    const rules = compileCacheRules([
      { name: 'orders', tables: ['shop.orders'], noCache: true },
      { name: 'dashboards', users: ['grafana', 'metabase'], match: '\\bnow \\(', cacheNonDeterministic: true, ttlMs: 10_000 },
      { name: 'everything', ttlMs: 60_000 },
    ]);
    expect(findCacheRule(rules, subject())?.name).to.equal('dashboards');
    expect(findCacheRule(rules, subject({ proxyUser: 'alice' }))?.name).to.equal('everything');
    expect(findCacheRule(rules, subject({ normalized: 'SELECT 1' }))?.name).to.equal('everything');
    expect(findCacheRule(rules, subject({ tables: ['db.events', 'shop.orders'] }))?.name).to.equal('orders');
  });

  it('matches no rule when none applies', () => {
    const rules = compileCacheRules([{ name: 'u', users: ['bob'] }]);
    expect(findCacheRule(rules, subject())).to.equal(undefined);
    expect(findCacheRule([], subject())).to.equal(undefined);
  });

  it('resolves unqualified rule tables in default, and needs only one of them read', () => {
    const rules = compileCacheRules([{ name: 't', tables: ['t', 'db.u'], ttlMs: 5 }]);
    expect(findCacheRule(rules, subject({ tables: ['default.t'] }))?.name).to.equal('t');
    expect(findCacheRule(rules, subject({ tables: ['db.u', 'db.v'] }))?.name).to.equal('t');
    expect(findCacheRule(rules, subject({ tables: ['db.t'] }))).to.equal(undefined);
    expect(findCacheRule(rules, subject({ tables: [] }))).to.equal(undefined);
  });

  it('compiles each regex once, and gives the same answer every time', () => {
    const rules = compileCacheRules([{ name: 'r', match: 'now' }]);
    const regex = rules[0]?.match;
    for (let i = 0; i < 3; i += 1) expect(findCacheRule(rules, subject())?.name).to.equal('r');
    expect(rules[0]?.match).to.equal(regex);
  });
});
