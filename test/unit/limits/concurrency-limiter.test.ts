import { expect } from 'chai';
import { ConcurrencyLimitError, createConcurrencyLimiter } from '../../../src/limits/concurrency-limiter.js';

const limit = (maxConcurrent: number, maxQueued: number, maxQueueWaitMs = 10_000) => ({ maxConcurrent, maxQueued, maxQueueWaitMs });
const settled = async <T>(promise: Promise<T>): Promise<'resolved' | 'pending' | 'rejected'> =>
  Promise.race([promise.then(() => 'resolved' as const, () => 'rejected' as const), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20))]);

describe('concurrency limiter', () => {
  it('grants up to maxConcurrent at once, queues up to maxQueued, refuses the rest at once', async () => {
    const limiter = createConcurrencyLimiter();
    const first = await limiter.acquire('u', limit(2, 1));
    await limiter.acquire('u', limit(2, 1));
    const queued = limiter.acquire('u', limit(2, 1));
    expect(await settled(queued)).to.equal('pending');
    expect(limiter.stats('u')).to.deep.equal({ running: 2, queued: 1 });
    const refused = await limiter.acquire('u', limit(2, 1)).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(ConcurrencyLimitError);
    expect((refused as ConcurrencyLimitError).rejection).to.equal('full');
    expect((refused as ConcurrencyLimitError).code).to.equal(202);
    expect((refused as ConcurrencyLimitError).errorName).to.equal('TOO_MANY_SIMULTANEOUS_QUERIES');
    first();
    expect(await settled(queued)).to.equal('resolved');
    expect(limiter.stats('u')).to.deep.equal({ running: 2, queued: 0 });
  });

  it('serves the queue first come, first served, and never lets a newcomer pass a waiter', async () => {
    const limiter = createConcurrencyLimiter();
    const release = await limiter.acquire('u', limit(1, 5));
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => limiter.acquire('u', limit(1, 5)).then((done) => {
      order.push(n);
      return done;
    }));
    release();
    (await waiters[0])?.();
    (await waiters[1])?.();
    (await waiters[2])?.();
    expect(order).to.deep.equal([1, 2, 3]);
    expect(limiter.stats('u')).to.deep.equal({ running: 0, queued: 0 });
  });

  it('refuses a waiter after maxQueueWaitMs, with rejection "timeout"', async () => {
    const limiter = createConcurrencyLimiter();
    await limiter.acquire('u', limit(1, 1, 50));
    const startedAt = Date.now();
    const error = await limiter.acquire('u', limit(1, 1, 50)).catch((caught: unknown) => caught);
    expect(Date.now() - startedAt).to.be.within(40, 1_000);
    expect((error as ConcurrencyLimitError).rejection).to.equal('timeout');
    expect((error as Error).message).to.contain('waited 50 ms');
    expect(limiter.stats('u')).to.deep.equal({ running: 1, queued: 0 });
  });

  it('lets a waiter leave when its signal aborts', async () => {
    const limiter = createConcurrencyLimiter();
    const release = await limiter.acquire('u', limit(1, 1));
    const aborter = new AbortController();
    const waiting = limiter.acquire('u', limit(1, 1), aborter.signal);
    aborter.abort(new Error('gone'));
    expect(((await waiting.catch((error: unknown) => error)) as Error).message).to.equal('gone');
    release();
    expect(limiter.stats('u')).to.deep.equal({ running: 0, queued: 0 });
  });

  it('keeps keys apart, releases once however often release is called, and forgets idle keys', async () => {
    const limiter = createConcurrencyLimiter();
    const a = await limiter.acquire('a', limit(1, 0));
    const b = await limiter.acquire('b', limit(1, 0));
    a();
    a();
    expect(limiter.stats('a')).to.deep.equal({ running: 0, queued: 0 });
    expect(limiter.stats('b')).to.deep.equal({ running: 1, queued: 0 });
    b();
    const again = await limiter.acquire('a', limit(1, 0));
    again();
  });

  it('applies a changed limit to the next request', async () => {
    const limiter = createConcurrencyLimiter();
    await limiter.acquire('u', limit(1, 0));
    await limiter.acquire('u', limit(2, 0));
    expect(limiter.stats('u').running).to.equal(2);
    expect(await settled(limiter.acquire('u', limit(2, 0)))).to.equal('rejected');
  });
});
