import { expect } from 'chai';
import { parseConfigText } from '../../../src/config/load-config.js';
import { findRestartOnlyChanges } from '../../../src/config/restart-only-changes.js';

// Rules are compiled into the pipeline once and the cache-hit fast path replays decisions made under them, so a
// SIGHUP that changes them must say a restart is needed rather than apply half of it.
describe('query rules on reload', () => {
  const config = (rules: string) =>
    parseConfigText(`clusters:
  local:
    write_user: { user: w }
    read_user: { user: r }
    writers: [{ name: writer, url: "http://127.0.0.1:8123" }]
users:
  app: { cluster: local }
${rules}`, {});

  it('reports a change of rules as restart-only, and no change as none', () => {
    const none = config('');
    const one = config("rules: [{ name: no-star, users: [app], match: '^SELECT \\*', deny: 'no' }]");
    const other = config("rules: [{ name: no-star, users: [app], match: '^SELECT \\*', deny: 'name the columns' }]");
    expect(one.rules?.[0]).to.deep.equal({ name: 'no-star', users: ['app'], match: '^SELECT \\*', deny: 'no' });
    expect(findRestartOnlyChanges(one, config("rules: [{ name: no-star, users: [app], match: '^SELECT \\*', deny: 'no' }]"))).to.not.include('rules');
    expect(findRestartOnlyChanges(none, one)).to.include('rules');
    expect(findRestartOnlyChanges(one, other)).to.include('rules');
  });

  it('fills settings values as ClickHouse URL parameters', () => {
    const loaded = config('rules: [{ name: s, settings: { set: { max_threads: 4, use_uncompressed_cache: true, load_balancing: random } } }]');
    expect(loaded.rules?.[0]?.settings).to.deep.equal({ set: { max_threads: '4', use_uncompressed_cache: '1', load_balancing: 'random' }, cap: {} });
  });
});
