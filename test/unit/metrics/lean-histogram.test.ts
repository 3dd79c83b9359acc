import { expect } from 'chai';
import { Histogram, Registry } from 'prom-client';
import { durationBuckets } from '../../../src/metrics/create-metrics.js';
import { createLeanHistogram } from '../../../src/metrics/lean-histogram.js';

describe('lean histogram', () => {
  const observations: [string, number][] = [
    ['200', 0.00005],
    ['200', 0.0001],
    ['200', 0.00012],
    ['500', 0.3],
    ['200', 2.5],
    ['200', 75],
    ['404', 0],
  ];

  function both(): { lean: Registry; reference: Registry; histogram: ReturnType<typeof createLeanHistogram<'status'>> } {
    const lean = new Registry();
    const reference = new Registry();
    const histogram = createLeanHistogram({ name: 'd_seconds', help: 'Durations "quoted" \\ here.', labelNames: ['status'], buckets: durationBuckets, registers: [lean] });
    const prom = new Histogram({ name: 'd_seconds', help: 'Durations "quoted" \\ here.', labelNames: ['status'], buckets: durationBuckets, registers: [reference] });
    const child = histogram.labels({ status: '200' });
    for (const [status, value] of observations) {
      if (status === '200') child.observe(value);
      else histogram.observe({ status }, value);
      prom.observe({ status }, value);
    }
    return { lean, reference, histogram };
  }

  it('writes the exposition text prom-client writes for the same observations', async () => {
    const { lean, reference } = both();
    const text = await lean.metrics();
    expect(text).to.equal(await reference.metrics());
    expect(text).to.include('d_seconds_bucket{le="0.0001",status="200"} 2');
    expect(text).to.include('d_seconds_bucket{le="+Inf",status="200"} 5');
  });

  it('gives the same JSON as prom-client (getMetricsAsJSON; it has no exemplars)', async () => {
    const { lean, reference } = both();
    const withoutExemplars = JSON.parse(JSON.stringify(await reference.getMetricsAsJSON(), (key, value: unknown) => (key === 'exemplar' ? undefined : value))) as unknown;
    expect(await lean.getMetricsAsJSON()).to.deep.equal(withoutExemplars);
  });

  it('reset zeroes every series, and a child kept by a caller still counts afterwards', async () => {
    const { lean, histogram } = both();
    const kept = histogram.labels({ status: '200' });
    histogram.reset();
    expect(await lean.metrics()).to.include('d_seconds_count{status="200"} 0');
    kept.observe(0.001);
    expect(await lean.metrics()).to.include('d_seconds_count{status="200"} 1');
  });

  it('refuses labels it was not created with and values that are not numbers', () => {
    const histogram = createLeanHistogram({ name: 'x_seconds', help: 'x', labelNames: ['status'], buckets: [1], registers: [] });
    expect(() => histogram.observe({ status: '1', other: 'x' } as never, 1)).to.throw(/not included/);
    expect(() => histogram.observe({ status: '1' }, Number.NaN)).to.throw(TypeError);
  });
});
