import { expect } from 'chai';
import { ageSeconds, entryBytes, entryOverheadBytes, isExpired, storableHeaders } from '../../../src/cache/cache-entry.js';
import { makeEntry } from './cache-test-helpers.js';

describe('cache entries', () => {
  it('keeps the headers that describe the body, not per-request ones', () => {
    const kept = storableHeaders({
      'Content-Type': 'text/tab-separated-values; charset=UTF-8',
      'content-encoding': 'gzip',
      'x-clickhouse-summary': '{"read_rows":"1"}',
      'x-clickhouse-format': 'TabSeparated',
      'x-clickhouse-server-display-name': 'writer',
      'x-clickhouse-query-id': 'abc',
      'x-clickhouse-progress': '{}',
      'transfer-encoding': 'chunked',
      connection: 'Keep-Alive',
      date: 'now',
      'set-cookie': ['a', 'b'],
      'x-clickhouse-timezone': undefined,
    });
    expect(kept).to.deep.equal({
      'content-type': 'text/tab-separated-values; charset=UTF-8',
      'content-encoding': 'gzip',
      'x-clickhouse-summary': '{"read_rows":"1"}',
      'x-clickhouse-format': 'TabSeparated',
      'x-clickhouse-server-display-name': 'writer',
    });
  });
  it('accounts body, headers, key, tables and a fixed overhead', () => {
    const entry = makeEntry({ body: Buffer.alloc(100), headers: { ab: 'cd' }, tables: ['db.t'] });
    expect(entryBytes('key', entry)).to.equal(entryOverheadBytes + 3 + 100 + 4 + 4);
  });
  it('tells expiry and age', () => {
    const entry = makeEntry({ storedAtMs: 1000, expiresAtMs: 2000 });
    expect(isExpired(entry, 1999)).to.equal(false);
    expect(isExpired(entry, 2000)).to.equal(true);
    expect(ageSeconds(entry, 3999)).to.equal(2);
    expect(ageSeconds(entry, 0)).to.equal(0);
  });
});
