import { expect } from 'chai';
import type { RequestRecord } from '../../../src/observability/request-record.js';
import { createRecentErrors } from '../../../src/observability/status-recent-errors.js';
import { createTrafficWindow } from '../../../src/observability/status-traffic.js';

const base: RequestRecord = {
  requestId: 'q1',
  user: 'app',
  clientAddress: '127.0.0.1',
  statements: [{ type: 'select', route: 'read', fingerprint: "SELECT * FROM t WHERE s = ?" }],
  cache: 'hit',
  upstreamNodes: [],
  status: 200,
  durationMs: 2,
  bytesSent: 10,
  fastPath: true,
};

describe('status traffic window', () => {
  it('sums the last minute: rate, hit ratio, errors; older seconds drop out', () => {
    let clock = 100_000;
    const window = createTrafficWindow({ now: () => clock });
    window.observe(base);
    window.observe(base);
    window.observe({ ...base, cache: 'miss', durationMs: 8 });
    window.observe({ ...base, cache: 'bypass', status: 500 });
    clock += 9_000;
    let summary = window.summary();
    expect(summary).to.include({ windowSeconds: 10, requests: 4, errors: 1, cacheHits: 2, cacheMisses: 1, cacheBypasses: 1 });
    expect(summary.hitRatio).to.be.closeTo(2 / 3, 1e-9);
    expect(summary.requestsPerSecond).to.be.closeTo(0.4, 1e-9);
    expect(summary.avgDurationMs).to.equal(3.5);
    expect(summary.perSecond).to.have.length(10);
    expect(summary.perSecond[0]).to.equal(4);
    clock += 60_000;
    window.observe({ ...base, cache: 'miss' });
    summary = window.summary();
    expect(summary).to.include({ windowSeconds: 60, requests: 1, cacheHits: 0, cacheMisses: 1 });
    expect(summary.hitRatio).to.equal(0);
  });

  it('has no hit ratio when the cache was not asked', () => {
    const window = createTrafficWindow();
    window.observe({ ...base, cache: 'off' });
    expect(window.summary().hitRatio).to.equal(null);
  });
});

describe('status recent errors', () => {
  it('keeps the newest failed requests, with the fingerprint and no message', () => {
    const errors = createRecentErrors({ capacity: 2, now: () => 0 });
    errors.observe(base);
    errors.observe({ ...base, requestId: 'a', status: 401, statements: [], error: { name: 'AUTHENTICATION_FAILED', code: 516 } });
    errors.observe({ ...base, requestId: 'b', status: 404, upstreamNodes: ['replica1'] });
    errors.observe({ ...base, requestId: 'c', status: 403, error: { name: 'ACCESS_DENIED', code: 497 } });
    const list = errors.list();
    expect(list.map((item) => item.requestId)).to.deep.equal(['c', 'b']);
    expect(list[0]).to.deep.include({ status: 403, error: { name: 'ACCESS_DENIED', code: 497 }, fingerprint: 'SELECT * FROM t WHERE s = ?', statements: 1 });
    expect(list[1]).to.deep.include({ nodes: ['replica1'] });
    expect(list[1]).to.not.have.property('error');
  });
});
