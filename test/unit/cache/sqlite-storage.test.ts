import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeyvStore } from '../../../src/cache/keyv-store.js';
import { openSqliteStorage } from '../../../src/cache/sqlite-storage.js';
import { allByteValues, makeEntry, useTempDir } from './cache-test-helpers.js';

describe('sqlite storage', function () {
  this.timeout(20_000);
  const temp = useTempDir('chgate-cache-');

  const future = (): number => Date.now() + 60_000;

  it('round-trips arbitrary bytes exactly: all 256 values and a 5 MB body', async () => {
    const sqlite = await openSqliteStorage(temp.path('cache.sqlite'));
    const store = createKeyvStore(sqlite.entries, { onError: (_op, error) => { throw error; } });
    const small = makeEntry({ body: allByteValues(256), expiresAtMs: future() });
    const big = makeEntry({ body: allByteValues(5 * 1024 * 1024 + 7), expiresAtMs: future(), headers: { 'content-type': 'application/octet-stream' } });
    const empty = makeEntry({ body: Buffer.alloc(0), expiresAtMs: future() });
    await store.set('small', small);
    await store.set('big', big);
    await store.set('empty', empty);
    const readSmall = await store.get('small');
    const readBig = await store.get('big');
    expect(readSmall?.body.equals(small.body)).to.equal(true);
    expect(readBig?.body.equals(big.body)).to.equal(true);
    expect(readBig?.headers).to.deep.equal(big.headers);
    expect((await store.get('empty'))?.body.length).to.equal(0);
    const [row] = (await (sqlite.entries.store as { query: (sql: string) => Promise<Array<{ t: string }>> }).query(
      "SELECT typeof(value) AS t FROM chgate_entries WHERE key = 'chgate:big'",
    )) as Array<{ t: string }>;
    expect(row?.t).to.equal('blob');
    await sqlite.close();
  });

  it('keeps entries and versions across closing and reopening the file', async () => {
    const path = join(temp.path('nested'), 'dir', 'cache.sqlite');
    const first = await openSqliteStorage(path);
    const entry = makeEntry({ body: allByteValues(300), expiresAtMs: future() });
    await createKeyvStore(first.entries, { onError: () => {} }).set('k', entry);
    await first.versions.set('t:db.t', 3);
    await first.close();

    const second = await openSqliteStorage(path);
    const read = await createKeyvStore(second.entries, { onError: () => {} }).get('k');
    expect(read?.body.equals(entry.body)).to.equal(true);
    expect(await second.versions.get('t:db.t')).to.equal(3);
    await second.close();
  });

  it('prunes expired entries, then the oldest past the byte bound', async () => {
    const sqlite = await openSqliteStorage(temp.path('cache.sqlite'));
    const store = createKeyvStore(sqlite.entries, { onError: () => {} });
    const now = Date.now();
    await store.set('expired', makeEntry({ body: Buffer.alloc(10), storedAtMs: now - 10, expiresAtMs: now - 1 }));
    for (let i = 0; i < 5; i += 1) {
      await store.set(`k${i}`, makeEntry({ body: Buffer.alloc(1000), storedAtMs: now + i, expiresAtMs: now + 60_000 }));
    }
    await sqlite.prune(now, 2500);
    const left: string[] = [];
    for (const key of ['expired', 'k0', 'k1', 'k2', 'k3', 'k4']) if (await store.get(key)) left.push(key);
    expect(left).to.deep.equal(['k3', 'k4']);
    await sqlite.close();
  });

  it('rejects a file it cannot open', async () => {
    const notADirectory = temp.path('file');
    await writeFile(notADirectory, 'x');
    let failure: unknown;
    await openSqliteStorage(join(notADirectory, 'cache.sqlite')).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
    await writeFile(temp.path('garbage.sqlite'), 'this is not a sqlite database, just text '.repeat(100));
    failure = undefined;
    await openSqliteStorage(temp.path('garbage.sqlite')).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
