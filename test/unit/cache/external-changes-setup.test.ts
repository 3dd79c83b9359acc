import { expect } from 'chai';
import { defaultCacheConfig, type CacheConfig } from '../../../src/cache/cache-config.js';
import { createChangeTracking } from '../../../src/cache/external-changes-setup.js';

const config = (overrides: Partial<CacheConfig> = {}): CacheConfig => ({
  ...defaultCacheConfig,
  externalChanges: { enabled: true, intervalMs: 20, databases: [], tables: [], exclude: [] },
  ...overrides,
});

/** One writer whose system tables the test edits; system.tables rows double as the schema (JSONEachRow). */
function fakeCluster() {
  const state = { tables: ['db.t'], log: [] as string[] };
  const rows = () => state.tables.map((name) => `${name.replace('.', '\t')}\t100\n`).join('');
  return {
    state,
    queryWriter: async (sql: string): Promise<string> => {
      state.log.push('schema');
      expect(sql).to.include('system.tables');
      return state.tables.map((name) => JSON.stringify({ database: name.split('.')[0], name: name.split('.')[1], engine: 'MergeTree' })).join('\n');
    },
    writers: () => [{ name: 'main/writer', query: async (sql: string) => (sql.includes('FROM system.tables') ? rows() : '') }],
  };
}

describe('external changes setup', () => {
  it('reads the graph and polls once at start (everything listed is invalidated), then re-reads the graph before invalidating DDL', async () => {
    const cluster = fakeCluster();
    const tracking = createChangeTracking(config(), { queryWriter: cluster.queryWriter, writers: cluster.writers, classify: () => ({ tablesRead: [], tableFunctions: [], unknown: false }) });
    const invalidated: string[][] = [];
    const cache = {
      invalidateExternal: async (tables: readonly string[]) => {
        cluster.state.log.push(`invalidate ${tables.join(',')}`);
        invalidated.push([...tables]);
      },
    };
    await tracking.start(cache);
    expect(cluster.state.log).to.deep.equal(['schema', 'invalidate db.t']);
    expect(tracking.schema?.current()).to.not.equal(undefined);
    // DDL seen by a later poll: the graph is read again before the new table is invalidated.
    cluster.state.tables.push('db.v');
    for (let i = 0; i < 100 && invalidated.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await tracking.close();
    expect(cluster.state.log).to.deep.equal(['schema', 'invalidate db.t', 'schema', 'invalidate db.v']);
  });

  it('does nothing while the cache is disabled (it stays so until a restart)', async () => {
    const cluster = fakeCluster();
    const tracking = createChangeTracking(config({ enabled: false }), { queryWriter: cluster.queryWriter, writers: cluster.writers, classify: () => ({ tablesRead: [], tableFunctions: [], unknown: false }) });
    await tracking.start({ invalidateExternal: async () => void cluster.state.log.push('invalidate') });
    expect(tracking.schema).to.equal(undefined);
    expect(cluster.state.log).to.deep.equal([]);
    await tracking.close();
  });
});
