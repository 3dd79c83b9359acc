/**
 * The sqlite store survives a restart of chgate, and so does invalidation (issue 4): an entry cached before the
 * restart is a HIT after it; a write made through chgate before the restart still invalidates the entries of the
 * table it wrote; a write after the restart invalidates what was cached before it. Runs the built binary
 * (`npm run build` first; `npm test` does it). Reproduce by hand:
 *   chgate serve --config c.yaml   # cache: { store: { kind: sqlite, path: /tmp/c.sqlite } }
 *   curl --data "SELECT count() FROM t" :8124 (twice); curl --data "INSERT INTO u VALUES (4, 40)" :8124
 *   kill %1; chgate serve --config c.yaml
 *   curl -si --data "SELECT count() FROM t" :8124 | grep X-Cache   # HIT
 *   curl -si --data "SELECT count() FROM u" :8124 | grep X-Cache   # MISS, 4 rows
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForRowCount, type LocalCluster } from '../../scripts/local-cluster.js';
import { spawnChgate, type ChgateProcess, type TestChgateOptions } from '../helpers/chgate.js';
import {
  baseCacheBlock,
  createReplicated,
  dropEverywhere,
  expectHit,
  expectMiss,
  expectNeverExecuted,
  findFreePort,
  newQueryId,
  seedRows,
  send,
  uniqueTable,
  withCache,
} from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const builtCli = fileURLToPath(new URL('../../dist/cli/run-cli.js', import.meta.url));

describe('query cache: a restart with the sqlite store', function () {
  this.timeout(90_000);
  let cluster: LocalCluster;
  let directory: string;
  let options: TestChgateOptions;
  const processes: ChgateProcess[] = [];
  const tables = new Set<string>();

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first (npm test does)`);
    cluster = await getTestCluster();
    directory = mkdtempSync(join(tmpdir(), 'chgate-cache-restart-'));
    options = {
      editConfig: withCache({ cache: baseCacheBlock({ store: { kind: 'sqlite', path: join(directory, 'cache.sqlite') } }) }),
    };
  });

  after(async function () {
    this.timeout(60_000);
    for (const chgateProcess of processes) await chgateProcess.stop();
    if (cluster) await dropEverywhere(cluster, tables);
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  async function start(): Promise<ChgateProcess> {
    const started = await spawnChgate(cluster, await findFreePort(), options);
    processes.push(started);
    return started;
  }

  async function seededTable(what: string): Promise<string> {
    const name = uniqueTable(what);
    tables.add(name);
    await createReplicated(cluster, name, 'id UInt64, v UInt64', 'id');
    await seedRows(cluster, name, '(1, 10), (2, 20), (3, 30)', 3);
    return name;
  }

  it('keeps entries, and honours writes made before and after the restart', async () => {
    const kept = await seededTable('restart_kept');
    const writtenBefore = await seededTable('restart_before');
    const writtenAfter = await seededTable('restart_after');
    const read = (table: string) => `SELECT id, v FROM ${table} ORDER BY id`;

    const first = await start();
    const cached = new Map<string, Buffer>();
    for (const table of [kept, writtenBefore, writtenAfter]) {
      const miss = await send(first.url, read(table));
      expectMiss(miss, `${table} on the first chgate:`);
      expectHit(await send(first.url, read(table)), `${table} on the first chgate:`);
      cached.set(table, miss.body);
    }
    const insert = await send(first.url, `INSERT INTO ${writtenBefore} VALUES (4, 40)`);
    expect(insert.status, insert.text).to.equal(200);
    // The second chgate knows nothing of this write's replica-lag window: let every replica have it first, so
    // only the cache (not a lagging replica) can answer with old rows.
    await waitForRowCount(cluster.nodes, writtenBefore, 4, 30_000);
    await first.stop();

    const second = await start();
    const hitId = newQueryId('after-restart');
    const hit = await send(second.url, read(kept), { params: { query_id: hitId } });
    expectHit(hit, 'an entry stored before the restart:');
    expect(hit.body.equals(cached.get(kept)!)).to.equal(true);
    await expectNeverExecuted(cluster, hitId, async () => {
      const controlId = newQueryId('control');
      const control = await send(second.url, read(kept), { params: { no_cache: 1, query_id: controlId } });
      expect(control.status).to.equal(200);
      return controlId;
    });

    const afterEarlierWrite = await send(second.url, read(writtenBefore));
    expectMiss(afterEarlierWrite, 'a table written through chgate before the restart:');
    expect(afterEarlierWrite.text).to.equal('1\t10\n2\t20\n3\t30\n4\t40\n');

    expectHit(await send(second.url, read(writtenAfter)), 'not written yet:');
    const laterInsert = await send(second.url, `INSERT INTO ${writtenAfter} VALUES (5, 50)`);
    expect(laterInsert.status, laterInsert.text).to.equal(200);
    const afterLaterWrite = await send(second.url, read(writtenAfter));
    expectMiss(afterLaterWrite, 'an entry from before the restart, written after it:');
    expect(afterLaterWrite.text).to.equal('1\t10\n2\t20\n3\t30\n5\t50\n');

    expectHit(await send(second.url, read(kept)), 'the untouched table is still cached:');
    await second.stop();
  });
});
