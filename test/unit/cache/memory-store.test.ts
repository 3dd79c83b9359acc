import { expect } from 'chai';
import { entryBytes } from '../../../src/cache/cache-entry.js';
import { createMemoryStore } from '../../../src/cache/memory-store.js';
import { makeEntry } from './cache-test-helpers.js';

describe('memory store', () => {
  const now = 2000;
  const entry = makeEntry({ body: Buffer.alloc(100) });
  const size = entryBytes('k0', entry);

  it('returns what was stored', () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    expect(store.set('k0', entry)).to.equal(true);
    expect(store.get('k0', now)).to.equal(entry);
    expect(store.get('k1', now)).to.equal(undefined);
    expect(store.bytes).to.equal(size);
    expect(store.entries).to.equal(1);
  });

  it('evicts the least recently used entries past the byte bound, and counts them', () => {
    const evicted: string[] = [];
    const store = createMemoryStore({ maxBytes: size * 3, onEviction: (key) => evicted.push(key) });
    store.set('k0', entry);
    store.set('k1', entry);
    store.set('k2', entry);
    store.get('k0', now); // k1 is now the oldest
    store.set('k3', entry);
    expect(evicted).to.deep.equal(['k1']);
    expect(store.get('k1', now)).to.equal(undefined);
    expect(store.get('k0', now)).to.equal(entry);
    expect(store.evictions).to.equal(1);
    expect(store.bytes).to.equal(size * 3);
  });

  it('refuses an entry larger than the whole bound', () => {
    const store = createMemoryStore({ maxBytes: size - 1 });
    expect(store.set('k0', entry)).to.equal(false);
    expect(store.entries).to.equal(0);
  });

  it('replaces an entry under the same key without double counting', () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    store.set('k0', entry);
    store.set('k0', entry);
    expect(store.bytes).to.equal(size);
    expect(store.entries).to.equal(1);
  });

  it('drops expired entries on read', () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    store.set('k0', makeEntry({ expiresAtMs: 3000 }));
    expect(store.get('k0', 2999)).to.not.equal(undefined);
    expect(store.get('k0', 3000)).to.equal(undefined);
    expect(store.entries).to.equal(0);
    expect(store.bytes).to.equal(0);
  });

  it('deletes and clears', () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    store.set('k0', entry);
    store.set('k1', entry);
    expect(store.delete('k0')).to.equal(true);
    expect(store.delete('k0')).to.equal(false);
    store.clear();
    expect(store.entries).to.equal(0);
    expect(store.bytes).to.equal(0);
    store.set('k2', entry);
    expect(store.get('k2', now)).to.equal(entry);
  });

  it('stays within its byte bound under 100,000 distinct keys', () => {
    const maxBytes = 1024 * 1024;
    const store = createMemoryStore({ maxBytes });
    const body = Buffer.alloc(1024);
    let peak = 0;
    for (let i = 0; i < 100_000; i += 1) {
      store.set(`key-${i}`, makeEntry({ body }));
      if (store.bytes > peak) peak = store.bytes;
      if (i % 7 === 0) store.get(`key-${i - 3}`, now);
    }
    expect(peak).to.be.at.most(maxBytes);
    expect(store.entries).to.be.greaterThan(500);
    expect(store.evictions).to.equal(100_000 - store.entries);
    // The newest entries are the ones kept.
    expect(store.get('key-99999', now)).to.not.equal(undefined);
    expect(store.get('key-0', now)).to.equal(undefined);
  });
});
