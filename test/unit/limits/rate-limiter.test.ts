import { expect } from 'chai';
import { createRateLimiter } from '../../../src/limits/rate-limiter.js';

describe('rate limiter', () => {
  it('allows a minute worth of requests at once, then one more per 60 s / rate', () => {
    const limiter = createRateLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(limiter.tryTake('u', 5, t0)).to.equal(true);
    expect(limiter.tryTake('u', 5, t0)).to.equal(false);
    expect(limiter.msUntilToken('u', 5, t0)).to.equal(12_000);
    expect(limiter.tryTake('u', 5, t0 + 11_999)).to.equal(false);
    expect(limiter.tryTake('u', 5, t0 + 12_000)).to.equal(true);
    expect(limiter.tryTake('u', 5, t0 + 12_001)).to.equal(false);
  });

  it('never holds more than a minute worth, and keeps users apart', () => {
    const limiter = createRateLimiter();
    expect(limiter.tryTake('a', 2, 0)).to.equal(true);
    expect(limiter.tryTake('a', 2, 0)).to.equal(true);
    expect(limiter.tryTake('b', 2, 0)).to.equal(true);
    // An hour idle refills only to the bucket's size.
    for (let i = 0; i < 2; i++) expect(limiter.tryTake('a', 2, 3_600_000)).to.equal(true);
    expect(limiter.tryTake('a', 2, 3_600_000)).to.equal(false);
  });

  it('takes nothing on a refusal and tells whether a token is there', () => {
    const limiter = createRateLimiter();
    expect(limiter.tryTake('u', 1, 0)).to.equal(true);
    expect(limiter.hasToken('u', 1, 0)).to.equal(false);
    expect(limiter.tryTake('u', 1, 30_000)).to.equal(false);
    expect(limiter.tryTake('u', 1, 60_000)).to.equal(true);
  });
});
