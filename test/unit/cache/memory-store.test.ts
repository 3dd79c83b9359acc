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
    expect(store.get('k0', now)).to.deep.equal(entry);
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
    expect(store.get('k0', now)).to.deep.equal(entry);
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
    expect(store.get('k2', now)).to.deep.equal(entry);
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

  it('keeps its own copy of a small body: later writes to either side change nothing', () => {
    const store = createMemoryStore({ maxBytes: 1024 * 1024 });
    const body = Buffer.from('1\t2\n'); // pooled: a slice of Node's shared 8 KiB slab
    store.set('k0', makeEntry({ body }));
    body.fill(0x78);
    const first = store.get('k0', now);
    expect(first?.body.toString()).to.equal('1\t2\n');
    first?.body.fill(0x79);
    expect(store.get('k0', now)?.body.toString()).to.equal('1\t2\n');
  });

  it('never keeps a large body as a slice of a bigger buffer', () => {
    const store = createMemoryStore({ maxBytes: 16 * 1024 * 1024 });
    const frame = Buffer.alloc(300_000, 7);
    store.set('k0', makeEntry({ body: frame.subarray(100, 200_100) })); // as a body decoded from a sqlite frame
    const body = store.get('k0', now)?.body;
    expect(body?.length).to.equal(200_000);
    expect(body?.buffer.byteLength).to.equal(200_000);
    expect(store.heldBytes).to.equal(200_000);
  });

  it('holds body memory close to its bound under 100,000 distinct small keys, pooled bodies included', () => {
    const maxBytes = 1024 * 1024;
    const store = createMemoryStore({ maxBytes, slabBytes: 64 * 1024 });
    let peak = 0;
    for (let i = 0; i < 100_000; i += 1) {
      store.set(`key-${i}`, makeEntry({ body: Buffer.from(`${i}\t`.repeat(1 + (i % 200))) }));
      if (i % 5 === 0) store.get(`key-${i - 40}`, now); // hits keep some old entries alive in old slabs
      peak = Math.max(peak, store.heldBytes ?? Number.POSITIVE_INFINITY);
    }
    // Slab memory ≤ 1.125 × live bodies + 2 slabs, and live bodies ≤ the bound.
    expect(peak).to.be.at.most(maxBytes * 1.125 + 2 * 64 * 1024);
    expect(store.bytes).to.be.at.most(maxBytes);
  });

  it('returns the exact bytes of every entry through evictions, hits, deletes and compactions', function () {
    this.timeout(20_000);
    // A reference model: the store may forget entries (LRU), but what it returns must be what was stored.
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const store = createMemoryStore({ maxBytes: 256 * 1024, slabBytes: 16 * 1024 });
    const model = new Map<string, Buffer>();
    for (let step = 0; step < 30_000; step += 1) {
      const key = `k${random(3000)}`;
      const action = random(10);
      if (action < 5) {
        const size = random(10) === 0 ? 2048 + random(4096) : random(600); // some bodies bypass the slabs
        const body = Buffer.alloc(size, random(256));
        for (let i = 0; i < size; i += 61) body[i] = random(256);
        store.set(key, makeEntry({ body, expiresAtMs: Number.MAX_SAFE_INTEGER }));
        model.set(key, Buffer.from(body));
      } else if (action < 9) {
        const got = store.get(key, now);
        if (got) expect(got.body.equals(model.get(key) as Buffer), `${key} at step ${step}`).to.equal(true);
      } else {
        store.delete(key);
        model.delete(key);
      }
    }
    let checked = 0;
    for (const [key, body] of model) {
      const got = store.get(key, now);
      if (!got) continue;
      expect(got.body.equals(body), key).to.equal(true);
      checked += 1;
    }
    expect(checked).to.be.greaterThan(100);
    expect(store.heldBytes).to.be.at.most(256 * 1024 * 1.125 + 2 * 16 * 1024 + 6144 * 64);
  });

  it('gives slab memory back when large bodies take over from small ones', () => {
    const maxBytes = 512 * 1024;
    const slab = 16 * 1024;
    const store = createMemoryStore({ maxBytes, slabBytes: slab });
    for (let i = 0; i < 2000; i += 1) store.set(`small-${i}`, makeEntry({ body: Buffer.alloc(1000, i) }));
    const slabsFull = store.heldBytes ?? 0;
    for (let i = 0; i < 200; i += 1) {
      store.set(`large-${i}`, makeEntry({ body: Buffer.alloc(8000, i) }));
      // One hot small entry per slab keeps every slab in use unless the store moves it.
      for (let j = 1999; j >= 1700; j -= 16) store.get(`small-${j}`, now);
      expect(store.heldBytes).to.be.at.most(maxBytes * 1.125 + 3 * slab);
    }
    expect(slabsFull).to.be.greaterThan(maxBytes / 2);
    let kept = 0;
    for (let j = 1999; j >= 1700; j -= 16) {
      const got = store.get(`small-${j}`, now);
      if (got) kept += 1;
      if (got) expect(got.body.equals(Buffer.alloc(1000, j)), `small-${j}`).to.equal(true);
    }
    expect(kept).to.equal(19);
  });
});
