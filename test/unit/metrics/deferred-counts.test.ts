import { expect } from 'chai';
import { createMetrics } from '../../../src/metrics/create-metrics.js';

async function sampleOf(text: Promise<string>, line: string): Promise<number | undefined> {
  const found = (await text).split('\n').find((each) => each.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('deferred counts', () => {
  it('reach the counter at the next scrape, once, beside ordinary increments', async () => {
    const metrics = createMetrics({ collectProcessMetrics: false });
    const hits = metrics.deferred.count(metrics.cacheRequests, { user: 'app', result: 'hit', reason: '' });
    for (let i = 0; i < 5; i += 1) hits.inc();
    metrics.cacheRequests.inc({ user: 'app', result: 'hit', reason: '' });
    const series = 'chgate_cache_requests_total{user="app",result="hit",reason=""}';
    expect(await sampleOf(metrics.registry.metrics(), series)).to.equal(6);
    // Flushed already: a second scrape adds nothing.
    expect(await sampleOf(metrics.registry.metrics(), series)).to.equal(6);
    hits.inc();
    expect(await sampleOf(metrics.registry.metrics(), series)).to.equal(7);
  });

  it('share one tally per label set whatever the order of the labels', async () => {
    const metrics = createMetrics({ collectProcessMetrics: false });
    const a = metrics.deferred.count(metrics.requests, { user: 'u', status: '200', route: 'read' });
    const b = metrics.deferred.count(metrics.requests, { route: 'read', status: '200', user: 'u' });
    expect(a).to.equal(b);
    a.inc();
    b.inc();
    metrics.deferred.count(metrics.cacheFastHits).inc();
    const text = metrics.registry.metrics();
    expect(await sampleOf(text, 'chgate_requests_total{user="u",status="200",route="read"}')).to.equal(2);
    expect(await sampleOf(text, 'chgate_cache_fast_hits_total')).to.equal(1);
  });
});
