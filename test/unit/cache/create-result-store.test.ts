import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheConfig, type CacheConfig } from '../../../src/cache/cache-config.js';
import type { CacheEntry, ResultStore, StoreOperation } from '../../../src/cache/cache-entry.js';
import { createResultStore, createTieredStore } from '../../../src/cache/create-result-store.js';
import { createMemoryStore } from '../../../src/cache/memory-store.js';
import { allByteValues, makeEntry, useTempDir } from './cache-test-helpers.js';

function mapStore(): ResultStore & { map: Map<string, CacheEntry> } {
  const map = new Map<string, CacheEntry>();
  return {
    map,
    get: async (key) => map.get(key),
    set: async (key, entry) => void map.set(key, entry),
    delete: async (key) => void map.delete(key),
    clear: async () => map.clear(),
    close: async () => {},
  };
}

describe('tiered store', () => {
  const entry = makeEntry({ expiresAtMs: Number.MAX_SAFE_INTEGER });

  it('writes both tiers and reads memory first', async () => {
    const persistent = mapStore();
    const store = createTieredStore({ memory: createMemoryStore({ maxBytes: 1e6 }), persistent });
    await store.set('k', entry);
    expect(persistent.map.get('k')).to.equal(entry);
    expect(await store.lookup('k')).to.deep.equal({ entry, tier: 'memory' });
  });

  it('promotes a persistent hit into memory', async () => {
    const persistent = mapStore();
    persistent.map.set('k', entry);
    const memory = createMemoryStore({ maxBytes: 1e6 });
    const store = createTieredStore({ memory, persistent });
    expect((await store.lookup('k'))?.tier).to.equal('persistent');
    expect(memory.entries).to.equal(1);
    expect((await store.lookup('k'))?.tier).to.equal('memory');
  });

  it('works with memory alone', async () => {
    const store = createTieredStore({ memory: createMemoryStore({ maxBytes: 1e6 }) });
    expect(store.hasPersistentTier).to.equal(false);
    await store.set('k', entry);
    expect(await store.get('k')).to.deep.equal(entry);
    await store.clear();
    expect(await store.get('k')).to.equal(undefined);
  });
});

describe('createResultStore', function () {
  this.timeout(20_000);
  const temp = useTempDir('chgate-store-');
  const config = (path: string): CacheConfig => ({ ...defaultCacheConfig, store: { ...defaultCacheConfig.store, kind: 'sqlite', path } });

  it('serves sqlite entries after a restart, from the persistent tier', async () => {
    const path = temp.path('cache.sqlite');
    const first = await createResultStore(config(path), { onStoreError: () => {} });
    const entry = makeEntry({ body: allByteValues(2048), expiresAtMs: Date.now() + 60_000 });
    await first.store.set('k', entry);
    await first.close();

    const second = await createResultStore(config(path), { onStoreError: () => {} });
    const found = await second.store.lookup('k');
    expect(found?.tier).to.equal('persistent');
    expect(found?.entry.body.equals(entry.body)).to.equal(true);
    await second.close();
  });

  it('falls back to memory only when the file cannot be opened', async () => {
    await writeFile(temp.path('file'), 'x');
    const errors: StoreOperation[] = [];
    const storage = await createResultStore(config(join(temp.path('file'), 'cache.sqlite')), { onStoreError: (operation) => errors.push(operation) });
    expect(errors).to.deep.equal(['open']);
    expect(storage.store.hasPersistentTier).to.equal(false);
    await storage.store.set('k', makeEntry({ expiresAtMs: Date.now() + 1000 }));
    expect(await storage.store.get('k')).to.not.equal(undefined);
    await storage.close();
  });

  it('builds a memory-only store when asked', async () => {
    const storage = await createResultStore({ ...defaultCacheConfig, store: { ...defaultCacheConfig.store, kind: 'memory' } }, { onStoreError: () => {} });
    expect(storage.store.hasPersistentTier).to.equal(false);
    expect(storage.store.memory.maxBytes).to.equal(defaultCacheConfig.maxMemoryBytes);
    await storage.close();
  });
});
