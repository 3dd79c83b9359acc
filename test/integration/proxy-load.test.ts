/**
 * Streaming and concurrency on a real cluster: a 300 MB INSERT passes through chgate without being held in memory,
 * and many concurrent clients share a bounded keep-alive pool.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Pool, request } from 'undici';
import { queryNode, requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { spawnChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** TSV rows generated as they are read: the test never holds the 300 MB either. */
function generatedRows(totalBytes: number): { stream: Readable; rows: () => number } {
  const filler = 'x'.repeat(200);
  let sent = 0;
  let rows = 0;
  const stream = new Readable({
    read() {
      if (sent >= totalBytes) {
        this.push(null);
        return;
      }
      const lines: string[] = [];
      for (let i = 0; i < 2000; i++) lines.push(`${rows + i}\t${filler}\n`);
      rows += lines.length;
      const chunk = Buffer.from(lines.join(''));
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, rows: () => rows };
}

describe('streaming and pooling on a real cluster', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  it('streams a 300 MB INSERT to the writer with chgate RSS growing by under 64 MB', async () => {
    const table = 'default.stream_insert';
    await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    await queryNode(cluster.writer, `CREATE TABLE ${table} (id UInt64, payload String) ENGINE = MergeTree ORDER BY id`, cluster.users.admin);
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 90);
    const pid = chgate.child.pid as number;
    try {
      // Warm up the code paths (and the pool) before taking the baseline.
      for (let i = 0; i < 20; i++) await requestNode({ url: chgate.url }, 'SELECT 1');
      await requestNode({ url: chgate.url }, `INSERT INTO ${table} FORMAT TSV\n0\twarm\n`);
      await queryNode(cluster.writer, `TRUNCATE TABLE ${table}`, cluster.users.admin);
      const baseline = residentBytes(pid);
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, residentBytes(pid));
      }, 50);
      const data = generatedRows(300 * 1024 * 1024);
      const startedAt = Date.now();
      const response = await request(`${chgate.url}/?query=${encodeURIComponent(`INSERT INTO ${table} FORMAT TSV`)}`, {
        method: 'POST',
        body: data.stream,
        headersTimeout: 170_000,
        bodyTimeout: 170_000,
      });
      const text = await response.body.text();
      clearInterval(sampler);
      peak = Math.max(peak, residentBytes(pid));
      expect(response.statusCode, text).to.equal(200);
      const seconds = (Date.now() - startedAt) / 1000;
      const count = Number((await queryNode(cluster.writer, `SELECT count() FROM ${table}`, cluster.users.admin)).trim());
      expect(count).to.equal(data.rows());
      const growth = peak - baseline;
      console.error(`      300 MB INSERT: ${seconds.toFixed(1)} s, ${(300 / seconds).toFixed(0)} MB/s, chgate RSS ${(baseline / 2 ** 20).toFixed(0)} MB -> peak ${(peak / 2 ** 20).toFixed(0)} MB`);
      expect(growth).to.be.below(64 * 1024 * 1024);
    } finally {
      await chgate.stop();
      await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    }
  });

  it('serves 32 concurrent clients x 500 requests within the configured pool size', async () => {
    const poolSize = 4;
    const table = 'default.load_inserts';
    await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    await queryNode(cluster.writer, `CREATE TABLE ${table} (client UInt32, n UInt32) ENGINE = MergeTree ORDER BY client`, cluster.users.admin);
    // A separate process, so the operating system can tell chgate's sockets from the test's own.
    // Health checks off: each check opens its own short-lived connection, which is not the pool under test.
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 91, {
      connectionsPerNode: poolSize,
      editConfig: (yaml) => yaml.replace(/(\n    pool:\n)/, '\n    health: { enabled: false }$1'),
    });
    const pid = chgate.child.pid as number;
    const client = new Pool(chgate.url, { connections: 32 });
    const peakByPort = new Map<number, number>();
    const sampler = setInterval(() => {
      const lines = execFileSync('ss', ['-Htnp', 'state', 'established'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(`pid=${pid},`));
      for (const node of cluster.nodes) {
        const open = lines.filter((line) => new RegExp(`\\s127\\.0\\.0\\.1:${node.httpPort}\\s`).test(line)).length;
        peakByPort.set(node.httpPort, Math.max(peakByPort.get(node.httpPort) ?? 0, open));
      }
    }, 50);
    try {
      const failures: string[] = [];
      await Promise.all(
        Array.from({ length: 32 }, async (_, clientIndex) => {
          for (let n = 0; n < 500; n++) {
            // One in 25 is an INSERT so the writer's pool is loaded too (each INSERT makes a part: they are slow).
            const sql = n % 25 === 0 ? `INSERT INTO ${table} VALUES (${clientIndex}, ${n})` : `SELECT ${clientIndex} + ${n}`;
            const response = await client.request({ method: 'POST', path: '/', body: sql });
            const text = await response.body.text();
            if (response.statusCode !== 200 || (n % 25 !== 0 && text !== `${clientIndex + n}\n`)) failures.push(`${response.statusCode} ${text}`);
          }
        }),
      );
      clearInterval(sampler);
      expect(failures.slice(0, 5)).to.deep.equal([]);
      const count = Number((await queryNode(cluster.writer, `SELECT count() FROM ${table}`, cluster.users.admin)).trim());
      expect(count).to.equal(32 * 20);
      const metrics = await (await fetch(`${chgate.url}/metrics`)).text();
      for (const node of cluster.nodes) {
        const peak = peakByPort.get(node.httpPort) ?? 0;
        const opened = Number(new RegExp(`chgate_upstream_connections_opened_total\\{node="${node.name}"\\} (\\d+)`).exec(metrics)?.[1] ?? NaN);
        console.error(`      ${node.name}: ${opened} connections opened, at most ${peak} open at once (ss)`);
        expect(peak, `${node.name}: connections open at once`).to.be.at.most(poolSize);
        expect(peak, `${node.name}: the sampler saw the pool in use`).to.be.greaterThan(0);
        // Reused, not one per request: a connection is reopened only after sitting idle past keep_alive_timeout_ms.
        expect(opened, `${node.name}: connections opened in all`).to.be.below((32 * 500) / 100);
      }
    } finally {
      clearInterval(sampler);
      await client.close();
      await chgate.stop();
      await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    }
  });
});
