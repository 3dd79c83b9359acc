import { expect } from 'chai';
import { createQueryDigest, describeDigestEntry, readSummary } from '../../../src/observability/query-digest.js';
import type { RequestRecord } from '../../../src/observability/request-record.js';

function record(fingerprints: string[], overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'q',
    user: 'app',
    clientAddress: '127.0.0.1',
    statements: fingerprints.map((fingerprint) => ({ type: fingerprint.startsWith('INSERT') ? 'insert' : 'select', route: 'read', fingerprint })),
    cache: 'off',
    upstreamNodes: [],
    status: 200,
    durationMs: 10,
    bytesSent: 100,
    fastPath: false,
    ...overrides,
  };
}

describe('query digest', () => {
  it('counts per fingerprint: time, max, bytes, errors, cache results, users', () => {
    let clock = 1_000;
    const digest = createQueryDigest({ maxFingerprints: 10, now: () => clock });
    digest.observe(record(['SELECT ?'], { durationMs: 4, cache: 'miss' }));
    clock = 2_000;
    digest.observe(record(['SELECT ?'], { durationMs: 1, cache: 'hit', user: 'bi' }));
    digest.observe(record(['SELECT ?'], { durationMs: 7, cache: 'hit' }));
    digest.observe(record(['SELECT ?'], { durationMs: 2, status: 500, cache: 'bypass' }));
    const [entry] = digest.top();
    expect(entry).to.include({ fingerprint: 'SELECT ?', statementType: 'select', count: 4, errors: 1, totalMs: 14, maxMs: 7, bytesSent: 400 });
    expect(entry).to.include({ cacheHits: 2, cacheMisses: 1, cacheBypasses: 1, firstSeenMs: 1_000, lastSeenMs: 2_000 });
    expect(entry?.users).to.deep.equal(['app', 'bi']);
    const described = describeDigestEntry(entry!);
    expect(described).to.include({ count: 4, avg_time_ms: 3.5, cache_hit_ratio: 0.6667, first_seen: new Date(1_000).toISOString() });
  });

  it('splits a multi-statement body between its statements and counts an error for each', () => {
    const digest = createQueryDigest({ maxFingerprints: 10 });
    digest.observe(record(['INSERT INTO t VALUES', 'SELECT count ( ) FROM t'], { durationMs: 30, bytesSent: 60, error: { name: 'ACCESS_DENIED', code: 497 }, status: 403 }));
    const entries = digest.top();
    expect(entries).to.have.length(2);
    for (const entry of entries) expect(entry).to.include({ count: 1, errors: 1, totalMs: 15, bytesSent: 30 });
  });

  it('takes rows from X-ClickHouse-Summary for the last statement only, and none for cache hits', () => {
    const digest = createQueryDigest({ maxFingerprints: 10 });
    const summary = { 'x-clickhouse-summary': '{"read_rows":"12","read_bytes":"96","written_rows":"3","written_bytes":"9","total_rows_to_read":"0"}' };
    digest.observe(record(['INSERT INTO t VALUES', 'SELECT ?'], { upstreamHeaders: summary, cache: 'off' }));
    digest.observe(record(['SELECT ?'], { upstreamHeaders: summary, cache: 'hit' }));
    digest.observe(record(['SELECT ?'], { cache: 'miss' }));
    const byFingerprint = new Map(digest.top().map((entry) => [entry.fingerprint, entry]));
    expect(byFingerprint.get('SELECT ?')).to.include({ count: 3, rowsRead: 12, rowsWritten: 3, rowsUnknown: 1 });
    expect(byFingerprint.get('INSERT INTO t VALUES')).to.include({ rowsRead: 0, rowsUnknown: 1 });
    expect(readSummary({ 'x-clickhouse-summary': 'not json' })).to.equal(undefined);
    expect(readSummary(undefined)).to.equal(undefined);
  });

  it('keeps at most maxFingerprints, evicting the least recently seen', () => {
    const evicted: number[] = [];
    const sizes: number[] = [];
    const digest = createQueryDigest({ maxFingerprints: 3, onEviction: () => evicted.push(1), onSizeChange: (size) => sizes.push(size) });
    for (const fingerprint of ['A', 'B', 'C']) digest.observe(record([fingerprint]));
    digest.observe(record(['A'])); // A is now the most recent: B is the stalest
    digest.observe(record(['D']));
    expect(digest.size()).to.equal(3);
    expect(evicted).to.have.length(1);
    expect(digest.top().map((entry) => entry.fingerprint).sort()).to.deep.equal(['A', 'C', 'D']);
    expect(sizes.at(-1)).to.equal(3);
    digest.reset();
    expect(digest.size()).to.equal(0);
    expect(sizes.at(-1)).to.equal(0);
  });

  it('sorts by the key asked for and applies the limit', () => {
    const digest = createQueryDigest({ maxFingerprints: 10 });
    digest.observe(record(['slow'], { durationMs: 100 }));
    for (let i = 0; i < 5; i++) digest.observe(record(['frequent'], { durationMs: 1 }));
    expect(digest.top().map((entry) => entry.fingerprint)).to.deep.equal(['slow', 'frequent']);
    expect(digest.top({ sort: 'count' }).map((entry) => entry.fingerprint)).to.deep.equal(['frequent', 'slow']);
    expect(digest.top({ sort: 'count', limit: 1 })).to.have.length(1);
    // A copy: changing it does not change the digest.
    digest.top()[0]!.users.push('intruder');
    expect(digest.top()[0]!.users).to.deep.equal(['app']);
  });

  it('bounds users per fingerprint and the length of a fingerprint', () => {
    const digest = createQueryDigest({ maxFingerprints: 10, maxUsersPerFingerprint: 2, maxFingerprintChars: 10 });
    for (const user of ['a', 'b', 'c']) digest.observe(record(['SELECT ? FROM a_very_long_table_name'], { user }));
    const [entry] = digest.top();
    expect(entry?.fingerprint).to.equal('SELECT ? F…');
    expect(entry?.users).to.deep.equal(['a', 'b']);
    expect(entry?.usersTruncated).to.equal(true);
  });

  it('ignores requests that failed before their statements were known', () => {
    const digest = createQueryDigest({ maxFingerprints: 10 });
    digest.observe(record([], { status: 401, error: { name: 'AUTHENTICATION_FAILED', code: 516 } }));
    expect(digest.size()).to.equal(0);
  });

  it('costs little per request: 200k observations of 2000 fingerprints in well under a second', () => {
    const digest = createQueryDigest({ maxFingerprints: 1000 });
    const records = Array.from({ length: 2000 }, (_, index) => record([`SELECT ? FROM t${index}`], { cache: 'hit' }));
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) digest.observe(records[i % 2000]!);
    expect(performance.now() - started).to.be.below(1_000);
    expect(digest.size()).to.equal(1000);
  });
});
