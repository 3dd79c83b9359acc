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

  it('keeps entries that are used while older ones go, whichever quarter they were in', () => {
    const cache = new LruCache<number, number>(100);
    for (let i = 0; i < 100; i++) cache.set(i, i);
    // 0 and 99 are used between every insertion; 1..98 and the new ones are not.
    for (let i = 100; i < 1000; i++) {
      expect(cache.get(0)).to.equal(0);
      expect(cache.get(99)).to.equal(99);
      cache.set(i, i);
    }
    expect(cache.get(0)).to.equal(0);
    expect(cache.get(99)).to.equal(99);
    expect(cache.get(1)).to.equal(undefined);
    expect(cache.get(901)).to.equal(undefined);
    expect(cache.get(999)).to.equal(999);
    expect(cache.size).to.equal(100);
  });
});
