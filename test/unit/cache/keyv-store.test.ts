import { expect } from 'chai';
import Keyv from 'keyv';
import type { StoreOperation } from '../../../src/cache/cache-entry.js';
import { createBinaryKeyv, createKeyvStore, createKeyvVersionPersistence } from '../../../src/cache/keyv-store.js';
import { allByteValues, makeEntry, manualClock } from './cache-test-helpers.js';

/** A keyv adapter whose every call fails. */
const brokenAdapter = {
  on() {},
  async get() {
    throw new Error('disk on fire');
  },
  async set() {
    throw new Error('disk on fire');
  },
  async delete() {
    throw new Error('disk on fire');
  },
  async clear() {
    throw new Error('disk on fire');
  },
};

describe('keyv store', () => {
  it('round-trips binary entries through keyv', async () => {
    const clock = manualClock(1000);
    const store = createKeyvStore(createBinaryKeyv(new Map()), { onError: () => {}, now: clock.now });
    const entry = makeEntry({ body: allByteValues(1000), storedAtMs: 1000, expiresAtMs: 5000, tables: ['db.t'] });
    await store.set('k', entry);
    expect(await store.get('k')).to.deep.equal(entry);
    expect(await store.get('missing')).to.equal(undefined);
  });

  it('hands the adapter one Buffer: no base64 or JSON', async () => {
    const map = new Map<unknown, unknown>();
    const store = createKeyvStore(createBinaryKeyv(map), { onError: () => {} });
    const body = allByteValues(10_000);
    await store.set('k', makeEntry({ body, expiresAtMs: Date.now() + 60_000 }));
    const [stored] = [...map.values()];
    expect(Buffer.isBuffer(stored)).to.equal(true);
    expect((stored as Buffer).length - body.length).to.be.below(100);
  });

  it('treats expired entries as misses and deletes them', async () => {
    const clock = manualClock(1000);
    const map = new Map<unknown, unknown>();
    const store = createKeyvStore(createBinaryKeyv(map), { onError: () => {}, now: clock.now });
    await store.set('k', makeEntry({ storedAtMs: 1000, expiresAtMs: 2000 }));
    clock.advance(1000);
    expect(await store.get('k')).to.equal(undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(map.size).to.equal(0);
  });

  it('turns store failures into misses and dropped writes, reported', async () => {
    const errors: StoreOperation[] = [];
    const store = createKeyvStore(createBinaryKeyv(brokenAdapter as never), { onError: (operation) => errors.push(operation) });
    await store.set('k', makeEntry({ expiresAtMs: Date.now() + 1000 }));
    expect(await store.get('k')).to.equal(undefined);
    await store.delete('k');
    await store.clear();
    expect(errors).to.deep.equal(['set', 'get', 'delete', 'clear']);
  });

  it('reports a value of an unknown layout as a miss', async () => {
    const errors: StoreOperation[] = [];
    const keyv = createBinaryKeyv(new Map());
    await keyv.set('k', Buffer.from('not a frame'));
    const store = createKeyvStore(keyv, { onError: (operation) => errors.push(operation) });
    expect(await store.get('k')).to.equal(undefined);
    expect(errors).to.deep.equal(['get']);
  });

  it('keeps table versions in a keyv', async () => {
    const persistence = createKeyvVersionPersistence(new Keyv({ store: new Map(), throwOnErrors: true }));
    expect(await persistence.load('t:db.t')).to.equal(undefined);
    await persistence.save('t:db.t', 7);
    expect(await persistence.load('t:db.t')).to.equal(7);
  });

  it('drops writes past its bound on writes in flight, and reports them', async () => {
    // An adapter whose writes finish only when released: a disk that cannot keep up.
    const waiting: Array<() => void> = [];
    const map = new Map<unknown, unknown>();
    const slowAdapter = {
      on() {},
      get: async (key: string) => map.get(key),
      set: (key: string, value: unknown) => new Promise<boolean>((resolve) => waiting.push(() => resolve(map.set(key, value) !== undefined))),
      delete: async (key: string) => map.delete(key),
      clear: async () => map.clear(),
    };
    let dropped = 0;
    const store = createKeyvStore(createBinaryKeyv(slowAdapter as never), {
      onError: () => {},
      maxPendingWrites: 2,
      maxPendingWriteBytes: 1024 * 1024,
      onWriteDropped: () => (dropped += 1),
    });
    const entry = makeEntry({ expiresAtMs: Date.now() + 60_000 });
    const writes = [store.set('a', entry), store.set('b', entry), store.set('c', entry)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(dropped).to.equal(1);
    expect(waiting.length).to.equal(2);
    for (const release of waiting.splice(0)) release();
    await Promise.all(writes);
    // Room again once the disk caught up.
    const later = store.set('d', entry);
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiting.length).to.equal(1);
    for (const release of waiting.splice(0)) release();
    await later;
    expect(dropped).to.equal(1);
    expect([...map.keys()].length).to.equal(3);
  });

  it('bounds the bytes of writes in flight too, but always lets one through', async () => {
    const waiting: Array<() => void> = [];
    const slowAdapter = {
      on() {},
      get: async () => undefined,
      set: () => new Promise<boolean>((resolve) => waiting.push(() => resolve(true))),
      delete: async () => true,
      clear: async () => {},
    };
    let dropped = 0;
    const store = createKeyvStore(createBinaryKeyv(slowAdapter as never), {
      onError: () => {},
      maxPendingWriteBytes: 1000,
      onWriteDropped: () => (dropped += 1),
    });
    const large = makeEntry({ body: Buffer.alloc(5000), expiresAtMs: Date.now() + 60_000 });
    const writes = [store.set('a', large), store.set('b', makeEntry({ expiresAtMs: Date.now() + 60_000 }))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiting.length).to.equal(1);
    expect(dropped).to.equal(1);
    for (const release of waiting.splice(0)) release();
    await Promise.all(writes);
  });
});
