import { expect } from 'chai';
import { decideCaching, mayStartMutation, tablesInvalidatedBy, type CachingInput } from '../../../src/cache/cache-policy.js';
import { classification } from '../../helpers/classification.js';

const read = classification({ tablesRead: ['t', 'other.u'], normalized: 'SELECT 1' });
const quiet = { isMutating: () => false, wasRecentlyWritten: () => false, canReadFromWriter: true };

function input(overrides: Partial<CachingInput> = {}): CachingInput {
  return { enabled: true, method: 'POST', params: new URLSearchParams(), classifications: [read], database: 'db', state: quiet, ...overrides };
}

describe('decideCaching', () => {
  it('uses the cache for one cacheable read, with its tables resolved', () => {
    expect(decideCaching(input())).to.deep.equal({ mode: 'use', tables: ['db.t', 'other.u'], readFromWriter: false });
    expect(decideCaching(input({ method: 'GET' })).mode).to.equal('use');
  });

  it('names the reason for every bypass', () => {
    const cases: Array<[Partial<CachingInput>, string]> = [
      [{ enabled: false }, 'disabled'],
      [{ method: 'HEAD' }, 'method'],
      [{ params: new URLSearchParams('no_cache=1') }, 'no-cache-param'],
      [{ params: new URLSearchParams('no_cache=true') }, 'no-cache-param'],
      [{ params: new URLSearchParams('session_id=s1') }, 'http-session'],
      [{ classifications: [classification({ unknown: true, route: 'write', cacheable: false })] }, 'unknown-statement'],
      [{ classifications: [classification({ type: 'insert', route: 'write', tablesWritten: ['t'] })] }, 'write-in-body'],
      [{ classifications: [read, classification({ type: 'insert', route: 'write' })] }, 'write-in-body'],
      [{ classifications: [classification({ type: 'set', route: 'session', cacheable: false })] }, 'write-in-body'],
      [{ classifications: [read, read] }, 'multi-statement'],
      [{ classifications: [] }, 'multi-statement'],
      [{ classifications: [classification({ cacheable: false })] }, 'not-cacheable'],
      [{ classifications: [classification({ type: 'show' })] }, 'not-cacheable'],
      [{ rule: { noCache: true } }, 'rule'],
      [{ classifications: [classification({ dictionaries: ['d'] })] }, 'reads-dictionary'],
      [{ params: new URLSearchParams('compress=1') }, 'compressed-format'],
      [{ params: new URLSearchParams('decompress=1') }, 'compressed-format'],
      [{ state: { ...quiet, isMutating: (table) => table === 'db.t' } }, 'mutation-in-flight'],
      [{ state: { ...quiet, wasRecentlyWritten: () => true, canReadFromWriter: false } }, 'replica-lag-window'],
    ];
    for (const [overrides, reason] of cases) {
      expect(decideCaching(input(overrides)), reason).to.deep.equal({ mode: 'bypass', reason });
    }
  });

  it('bypasses a read matched by a no_cache rule with reason rule', () => {
    expect(decideCaching(input({ rule: { noCache: true } }))).to.deep.equal({ mode: 'bypass', reason: 'rule' });
    expect(decideCaching(input({ rule: { noCache: false } })).mode).to.equal('use');
    // Request-level reasons come first.
    expect(decideCaching(input({ rule: { noCache: true }, params: new URLSearchParams('no_cache=1') }))).to.deep.equal({ mode: 'bypass', reason: 'no-cache-param' });
  });

  it('lets a rule lift non-determinism, and only when it is the sole reason', () => {
    const onlyNow = classification({ tablesRead: ['t'], cacheable: false, nonDeterministic: true, cacheableIfDeterministic: true });
    const systemNow = classification({ tablesRead: ['system.one'], cacheable: false, nonDeterministic: true });
    const lift = { cacheNonDeterministic: true };
    expect(decideCaching(input({ classifications: [onlyNow] }))).to.deep.equal({ mode: 'bypass', reason: 'not-cacheable' });
    expect(decideCaching(input({ classifications: [onlyNow], rule: {} }))).to.deep.equal({ mode: 'bypass', reason: 'not-cacheable' });
    expect(decideCaching(input({ classifications: [onlyNow], rule: lift }))).to.deep.equal({ mode: 'use', tables: ['db.t'], readFromWriter: false });
    expect(decideCaching(input({ classifications: [systemNow], rule: lift }))).to.deep.equal({ mode: 'bypass', reason: 'not-cacheable' });
    expect(decideCaching(input({ classifications: [classification({ cacheable: false })], rule: lift })).mode).to.equal('bypass');
    // The other checks still apply to a lifted read.
    const withDictionary = classification({ ...onlyNow, dictionaries: ['d'] });
    expect(decideCaching(input({ classifications: [withDictionary], rule: lift }))).to.deep.equal({ mode: 'bypass', reason: 'reads-dictionary' });
    const mutating = { ...quiet, isMutating: () => true };
    expect(decideCaching(input({ classifications: [onlyNow], rule: lift, state: mutating }))).to.deep.equal({ mode: 'bypass', reason: 'mutation-in-flight' });
  });

  it('does not bypass for no_cache=0', () => {
    expect(decideCaching(input({ params: new URLSearchParams('no_cache=0') })).mode).to.equal('use');
  });

  it('sends a read in the lag window to the writer and still caches it', () => {
    expect(decideCaching(input({ state: { ...quiet, wasRecentlyWritten: () => true } }))).to.deep.equal({
      mode: 'use',
      tables: ['db.t', 'other.u'],
      readFromWriter: true,
    });
  });

  it('decides on the request alone when no state is given', () => {
    expect(decideCaching(input({ state: undefined }))).to.deep.equal({ mode: 'use', tables: ['db.t', 'other.u'], readFromWriter: false });
  });
});

describe('tablesInvalidatedBy', () => {
  it('invalidates nothing for reads and session statements', () => {
    expect(tablesInvalidatedBy(read, 'db')).to.deep.equal({ kind: 'none' });
    expect(tablesInvalidatedBy(classification({ type: 'use', route: 'session' }), 'db')).to.deep.equal({ kind: 'none' });
  });

  it('invalidates the tables written, resolved against the database', () => {
    const insert = classification({ type: 'insert', route: 'write', tablesWritten: ['t'], tablesRead: ['src'] });
    expect(tablesInvalidatedBy(insert, 'db')).to.deep.equal({ kind: 'tables', tables: ['db.t'] });
    const exchange = classification({ type: 'exchange', route: 'write', tablesWritten: ['a', 'x.b'] });
    expect(tablesInvalidatedBy(exchange, 'db')).to.deep.equal({ kind: 'tables', tables: ['db.a', 'x.b'] });
  });

  it('invalidates whole databases for database-level writes', () => {
    const drop = classification({ type: 'drop', route: 'write', databasesWritten: ['d1'] });
    expect(tablesInvalidatedBy(drop, 'db')).to.deep.equal({ kind: 'databases', databases: ['d1'], tables: [] });
    const rename = classification({ type: 'rename', route: 'write', databasesWritten: ['b', 'a'] });
    expect(tablesInvalidatedBy(rename, 'db')).to.deep.equal({ kind: 'databases', databases: ['a', 'b'], tables: [] });
  });

  it('invalidates everything for unknown writes and writes without targets', () => {
    expect(tablesInvalidatedBy(classification({ unknown: true, route: 'write' }), 'db')).to.deep.equal({ kind: 'everything' });
    for (const type of ['system', 'kill', 'grant', 'revoke', 'create', 'insert'] as const) {
      expect(tablesInvalidatedBy(classification({ type, route: 'write' }), 'db'), type).to.deep.equal({ kind: 'everything' });
    }
  });

  it('knows which writes may leave a mutation running', () => {
    expect(mayStartMutation(classification({ type: 'alter', route: 'write' }))).to.equal(true);
    expect(mayStartMutation(classification({ type: 'delete', route: 'write' }))).to.equal(true);
    expect(mayStartMutation(classification({ type: 'update', route: 'write' }))).to.equal(true);
    expect(mayStartMutation(classification({ type: 'insert', route: 'write' }))).to.equal(false);
  });
});
