import { expect } from 'chai';
import { LruCache } from '../../../src/sql/lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its size', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).to.equal(1);
    cache.set('c', 3);
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal(1);
    expect(cache.get('c')).to.equal(3);
    expect(cache.size).to.equal(2);
  });

  it('evicts by total weight and refuses entries heavier than the whole budget', () => {
    const cache = new LruCache<string, number>(10, 10);
    cache.set('a', 1, 6);
    cache.set('b', 2, 6);
    expect(cache.get('a')).to.equal(undefined);
    cache.set('huge', 3, 11);
    expect(cache.get('huge')).to.equal(undefined);
    expect(cache.get('b')).to.equal(2);
  });

  it('replaces an existing key and a zero size disables it', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).to.equal(2);
    expect(cache.size).to.equal(1);
    const off = new LruCache<string, number>(0);
    off.set('a', 1);
    expect(off.get('a')).to.equal(undefined);
  });
});
