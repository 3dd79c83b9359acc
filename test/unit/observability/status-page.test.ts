import { expect } from 'chai';
import { renderStatusPage } from '../../../src/observability/status-page.js';
import type { StatusSnapshot } from '../../../src/observability/status-snapshot.js';

const snapshot: StatusSnapshot = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  uptimeSeconds: 5,
  refreshSeconds: 5,
  clusters: [{ name: 'local', nodes: [{ name: 'w1', role: 'writer', address: '127.0.0.1:8123', state: 'healthy', reason: 'ok', lagSeconds: null, inFlight: 0, queued: 0, connectionsOpen: 1, weight: 1 }] }],
  traffic: { windowSeconds: 5, requests: 1, errors: 0, cacheHits: 1, cacheMisses: 0, cacheBypasses: 0, requestsPerSecond: 0.2, hitRatio: 1, avgDurationMs: 1, perSecond: [1, 0, 0, 0, 0] },
  topFingerprints: [{ fingerprint: "SELECT '</script><script>alert(1)</script>' \u2028" }],
  recentErrors: [],
};

describe('status page', () => {
  it('embeds the snapshot as JSON that no value can break out of', () => {
    const html = renderStatusPage(snapshot);
    const embedded = /<script id="initial-status" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(embedded).to.be.a('string');
    expect(embedded).to.not.include('<');
    expect(JSON.parse(embedded as string)).to.deep.equal(snapshot);
    // One script element for the data, one for the code: the fingerprint opened none.
    expect(html.match(/<script/g)).to.have.length(2);
  });

  it('is one document with no external resources', () => {
    const html = renderStatusPage(snapshot);
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.not.match(/\b(src|href)=/);
    expect(html).to.include("fetch('status.json'");
  });
});
