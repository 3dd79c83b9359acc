import { expect } from 'chai';
import { buildCacheKey, cacheKeyPrefix, finishCacheKey, isParamInKey, type CacheKeyInput } from '../../../src/cache/cache-key.js';

const base: CacheKeyInput = {
  statement: 'SELECT count() FROM t',
  database: 'db',
  params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=1'),
  acceptEncoding: 'gzip',
  cluster: 'main',
  backendUser: 'reader',
  scope: 'user:alice',
  versions: { epoch: 0, scopes: [['d:db', 0], ['t:db.t', 0]] },
};

const key = (overrides: Partial<CacheKeyInput>): string => buildCacheKey({ ...base, ...overrides });

describe('buildCacheKey', () => {
  it('is a sha256 hex digest', () => {
    expect(buildCacheKey(base)).to.match(/^[0-9a-f]{64}$/);
  });

  it('keeps its layout: keys persisted by an earlier version still match', () => {
    // Values computed by the layout as first released; a change here strands every sqlite entry.
    const input: CacheKeyInput = {
      ...base,
      database: 'default',
      params: [['max_threads', '2'], ['query_id', 'x'], ['default_format', 'JSON']],
      cluster: 'local',
      backendUser: 'r',
      versions: { epoch: 3, scopes: [['d:default', 1], ['t:default.t', 7]] },
    };
    expect(buildCacheKey(input)).to.equal('890e3acdb45dc54c6c62eaeebac95fcc3d6d3a38412a816219661f5e0f59b374');
    expect(buildCacheKey({ ...input, ttlMs: 5000 })).to.equal('bcd9a5a91a0390450925c62464082fa45a245093aa795b6a7d3d1a3c4c2af965');
  });

  it('is the prefix finished with the versions, so the prefix can be computed once', () => {
    const prefix = cacheKeyPrefix(base);
    expect(finishCacheKey(prefix, base.versions, undefined)).to.equal(buildCacheKey(base));
    expect(finishCacheKey(prefix, base.versions, 10)).to.equal(buildCacheKey({ ...base, ttlMs: 10 }));
  });

  it('changes when any relevant input changes', () => {
    const variants: Array<Partial<CacheKeyInput>> = [
      { statement: 'SELECT count() FROM t FORMAT JSON' },
      { database: 'other' },
      { params: new URLSearchParams('max_threads=2&default_format=CSV&param_x=1') },
      { params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=2') },
      { params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=1&enable_http_compression=1') },
      { params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=1&http_zlib_compression_level=3') },
      { params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=1&some_future_setting=1') },
      { params: new URLSearchParams('max_threads=2&default_format=JSON&param_x=1&max_result_rows=5&result_overflow_mode=break') },
      { acceptEncoding: 'br' },
      { acceptEncoding: undefined },
      { cluster: 'other' },
      { backendUser: 'writer' },
      { scope: 'user:bob' },
      { scope: 'group:dashboards' },
      { versions: { epoch: 1, scopes: [['d:db', 0], ['t:db.t', 0]] } },
      { versions: { epoch: 0, scopes: [['d:db', 1], ['t:db.t', 0]] } },
      { versions: { epoch: 0, scopes: [['d:db', 0], ['t:db.t', 1]] } },
      { versions: { epoch: 0, scopes: [['d:db', 0], ['t:db.u', 0]] } },
    ];
    const keys = new Set([buildCacheKey(base), ...variants.map(key)]);
    expect(keys.size).to.equal(variants.length + 1);
  });

  it('includes a rule TTL only when one is given', () => {
    expect(key({ ttlMs: 1500 })).to.not.equal(buildCacheKey(base));
    expect(key({ ttlMs: 1500 })).to.not.equal(key({ ttlMs: 1501 }));
    expect(key({ ttlMs: 1500 })).to.equal(key({ ttlMs: 1500 }));
  });

  it('does not depend on parameter order', () => {
    expect(key({ params: new URLSearchParams('param_x=1&default_format=JSON&max_threads=2') })).to.equal(buildCacheKey(base));
  });

  it('ignores parameters that cannot change the response bytes', () => {
    const noisy = new URLSearchParams(base.params as URLSearchParams);
    for (const name of ['query_id', 'session_timeout', 'no_cache', 'log_queries', 'send_progress_in_http_headers', 'wait_end_of_query', 'buffer_size', 'opentelemetry_start_trace_probability', 'database']) {
      noisy.append(name, '1');
    }
    expect(key({ params: noisy })).to.equal(buildCacheKey(base));
    expect(isParamInKey('query_id')).to.equal(false);
    expect(isParamInKey('max_execution_time')).to.equal(true);
    expect(isParamInKey('anything_unknown')).to.equal(true);
  });

  it('keeps the relative order of repeated parameters', () => {
    expect(key({ params: new URLSearchParams('a=1&a=2') })).to.not.equal(key({ params: new URLSearchParams('a=2&a=1') }));
  });

  it('cannot be fooled by moving text between fields', () => {
    expect(key({ params: new URLSearchParams('a=bc') })).to.not.equal(key({ params: new URLSearchParams('ab=c') }));
    expect(key({ statement: 'SELECT 1', database: 'db' })).to.not.equal(key({ statement: 'SELECT 1d', database: 'b' }));
    expect(key({ cluster: 'a:b', backendUser: 'c' })).to.not.equal(key({ cluster: 'a', backendUser: 'b:c' }));
    // A parameter must not pass for a table version, nor the other way round.
    expect(key({ params: new URLSearchParams('t:db.t=0'), versions: { epoch: 0, scopes: [] } })).to.not.equal(
      key({ params: new URLSearchParams(''), versions: { epoch: 0, scopes: [['t:db.t', 0]] } }),
    );
    // Multi-byte text: lengths are counted in bytes.
    expect(key({ statement: 'é', database: 'x' })).to.not.equal(key({ statement: 'éx', database: '' }));
  });
});
