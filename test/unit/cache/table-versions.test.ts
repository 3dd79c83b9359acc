import { expect } from 'chai';
import {
  createTableVersions,
  openPersistentTableVersions,
  peekScopesOf,
  snapshotFromPeek,
  type TableVersionSnapshot,
  type VersionPersistence,
} from '../../../src/cache/table-versions.js';

function mapPersistence(): VersionPersistence & { saved: Map<string, number>; failSaves: boolean; failLoads: boolean } {
  const saved = new Map<string, number>();
  const persistence = {
    saved,
    failSaves: false,
    failLoads: false,
    async load(scope: string) {
      if (persistence.failLoads) throw new Error('load failed');
      return saved.get(scope);
    },
    async save(scope: string, version: number) {
      await new Promise((resolve) => setImmediate(resolve));
      if (persistence.failSaves) throw new Error('save failed');
      saved.set(scope, version);
    },
  };
  return persistence;
}

const versionOf = (snapshot: TableVersionSnapshot, scope: string): number | undefined =>
  snapshot.scopes.find(([name]) => name === scope)?.[1];

describe('table versions', () => {
  it('covers each table read, its database and the epoch, sorted', async () => {
    const versions = createTableVersions();
    const snapshot = await versions.versionsOf(['db.u', 'db.t', 'other.t']);
    expect(snapshot).to.deep.equal({
      epoch: 0,
      scopes: [['d:db', 0], ['d:other', 0], ['t:db.t', 0], ['t:db.u', 0], ['t:other.t', 0]],
    });
  });

  it('peeks the same versions as versionsOf, without waiting', async () => {
    const versions = createTableVersions();
    await versions.invalidate(['db.t'], 'write-complete');
    await versions.invalidateDatabases(['other'], 'write-complete');
    await versions.invalidateAll('purge');
    const tables = ['other.t', 'db.t', 'db.u'];
    const scopes = peekScopesOf(tables);
    expect(scopes).to.deep.equal(['*', 'd:db', 'd:other', 't:db.t', 't:db.u', 't:other.t']);
    const peeked = versions.peek(scopes);
    expect(peeked).to.deep.equal([1, 0, 1, 1, 0, 0]);
    expect(snapshotFromPeek(scopes, peeked ?? [])).to.deep.equal(await versions.versionsOf(tables));
  });

  it('peeks nothing with a persistence until every scope is loaded', async () => {
    const persistence = mapPersistence();
    persistence.saved.set('t:db.t', 7);
    const versions = createTableVersions({ persistence });
    const scopes = peekScopesOf(['db.t']);
    expect(versions.peek(scopes)).to.equal(undefined);
    await versions.versionsOf(['db.t']);
    expect(versions.peek(scopes)).to.deep.equal([0, 0, 7]);
  });

  it('bumps only the tables written', async () => {
    const versions = createTableVersions();
    await versions.invalidate(['db.t'], 'write-complete');
    const snapshot = await versions.versionsOf(['db.t', 'db.u']);
    expect(versionOf(snapshot, 't:db.t')).to.equal(1);
    expect(versionOf(snapshot, 't:db.u')).to.equal(0);
  });

  it('bumps a database for database-level writes and the epoch for everything', async () => {
    const versions = createTableVersions();
    await versions.invalidateDatabases(['db'], 'write-complete');
    let snapshot = await versions.versionsOf(['db.t', 'other.t']);
    expect(versionOf(snapshot, 'd:db')).to.equal(1);
    expect(versionOf(snapshot, 'd:other')).to.equal(0);
    await versions.invalidateAll('write-complete');
    snapshot = await versions.versionsOf(['db.t']);
    expect(snapshot.epoch).to.equal(1);
  });

  it('keeps state per instance', async () => {
    const a = createTableVersions();
    const b = createTableVersions();
    await a.invalidate(['db.t'], 'write-complete');
    expect(versionOf(await b.versionsOf(['db.t']), 't:db.t')).to.equal(0);
  });

  it('does not keep names that were only read (memory only)', async () => {
    const versions = createTableVersions();
    for (let i = 0; i < 1000; i += 1) await versions.versionsOf([`db.made_up_${i}`]);
    await versions.invalidate(['db.t'], 'write-complete');
    // Nothing observable but the versions: a read of a made-up name is still at 0.
    expect(versionOf(await versions.versionsOf(['db.made_up_1']), 't:db.made_up_1')).to.equal(0);
  });

  it('counts concurrent bumps of one scope each', async () => {
    const persistence = mapPersistence();
    const versions = createTableVersions({ persistence });
    await Promise.all([versions.invalidate(['db.t'], 'write-start'), versions.invalidate(['db.t'], 'write-start')]);
    expect(versionOf(await versions.versionsOf(['db.t']), 't:db.t')).to.equal(2);
  });

  describe('with a persistence', () => {
    it('continues from the saved versions after a clean restart', async () => {
      const persistence = mapPersistence();
      const first = await openPersistentTableVersions(persistence);
      expect(first.previousRunWasClean).to.equal(false);
      const epochAtStart = (await first.versions.versionsOf([])).epoch;
      await first.versions.invalidate(['db.t'], 'write-complete');
      await first.versions.invalidate(['db.t'], 'write-complete');
      const before = await first.versions.versionsOf(['db.t']);
      await first.versions.close();

      const second = await openPersistentTableVersions(persistence);
      expect(second.previousRunWasClean).to.equal(true);
      const after = await second.versions.versionsOf(['db.t']);
      expect(after).to.deep.equal(before);
      expect(after.epoch).to.equal(epochAtStart);
    });

    it('bumps the epoch when the previous run did not close cleanly', async () => {
      const persistence = mapPersistence();
      const first = await openPersistentTableVersions(persistence);
      const before = await first.versions.versionsOf(['db.t']);
      // no close: a crash
      const second = await openPersistentTableVersions(persistence);
      expect(second.previousRunWasClean).to.equal(false);
      expect((await second.versions.versionsOf(['db.t'])).epoch).to.equal(before.epoch + 1);
    });

    it('does not call a run clean when a save failed', async () => {
      const persistence = mapPersistence();
      const errors: unknown[] = [];
      const first = await openPersistentTableVersions(persistence, { onError: (error) => errors.push(error) });
      persistence.failSaves = true;
      await first.versions.invalidate(['db.t'], 'write-complete');
      await first.versions.close();
      expect(errors).to.have.length.greaterThan(0);
      persistence.failSaves = false;
      const second = await openPersistentTableVersions(persistence);
      expect(second.previousRunWasClean).to.equal(false);
    });

    it('uses a version no earlier run used when loading fails', async () => {
      const persistence = mapPersistence();
      const errors: unknown[] = [];
      const versions = createTableVersions({ persistence, onError: (error) => errors.push(error) });
      persistence.failLoads = true;
      const snapshot = await versions.versionsOf(['db.t']);
      expect(versionOf(snapshot, 't:db.t')).to.be.below(0);
      expect(errors).to.have.length.greaterThan(0);
      // ...and keeps it for the rest of the run, so hits still work.
      persistence.failLoads = false;
      expect(await versions.versionsOf(['db.t'])).to.deep.equal(snapshot);
    });

    it('forgets loaded versions past the bound and loads them back unchanged', async () => {
      const persistence = mapPersistence();
      const versions = createTableVersions({ persistence, maxLoadedScopes: 10 });
      await versions.invalidate(['db.t'], 'write-complete');
      await versions.close();
      for (let i = 0; i < 50; i += 1) await versions.versionsOf([`db.x${i}`]);
      expect(versionOf(await versions.versionsOf(['db.t']), 't:db.t')).to.equal(1);
    });
  });
});
