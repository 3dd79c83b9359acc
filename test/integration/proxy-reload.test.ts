/**
 * SIGHUP reloads chgate's config file without dropping a request (issue 5): under continuous read load, a replica is
 * removed and another added; a config that fails validation is ignored and counted; keep-alive sockets outlive
 * ClickHouse's idle timeout without a failed request. Runs its OWN writer + 2 replicas cluster (ZooKeeper 20150,
 * nodes 20160/20170/20180) and chgate processes on 20190+, from dist/ (`npm run build` first).
 * By hand: `chgate serve --config c.yaml`, loop `curl --data 'SELECT 1' :8124`, edit c.yaml's readers,
 * `kill -HUP <pid>`, then `curl -s :8124/metrics | grep chgate_config_reloads_total`.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { parse, stringify } from 'yaml';
import {
  isAlive,
  queryNode,
  requestNode,
  restartNode,
  SAMPLE_ROWS,
  signalProcess,
  startLocalCluster,
  stopManagedProcess,
  waitForHttpOk,
  waitUntil,
  type ClusterNode,
  type LocalCluster,
  type ManagedProcess,
} from '../../scripts/local-cluster.js';
import { spawnChgate, startTestChgate, type ChgateProcess } from '../helpers/chgate.js';

const BASE_PORT = 20150;
const CHGATE_PORT = 20190;

interface Read {
  startedAt: number;
  endedAt: number;
  status: number | 'error';
  body: string;
  upstream: string;
}

type ConfigDocument = {
  clusters: { local: { readers: Array<{ name: string; url: string }>; pool?: Record<string, unknown> } & Record<string, unknown> };
  users: Record<string, Record<string, unknown>>;
} & Record<string, unknown>;

function configPathOf(chgate: ChgateProcess): string {
  const args = chgate.child.spawnargs;
  return args[args.indexOf('--config') + 1] as string;
}

function editConfigFile(chgate: ChgateProcess, edit: (document: ConfigDocument) => void): void {
  const path = configPathOf(chgate);
  const document = parse(readFileSync(path, 'utf8')) as ConfigDocument;
  edit(document);
  writeFileSync(path, stringify(document));
}

const readersOnly = (...nodes: ClusterNode[]) => (document: ConfigDocument) => {
  document.clusters.local.readers = nodes.map((node) => ({ name: node.name, url: node.url }));
};

async function reloadCount(chgate: ChgateProcess, result: 'success' | 'failure'): Promise<number> {
  const text = await (await fetch(`${chgate.url}/metrics`)).text();
  const match = new RegExp(`^chgate_config_reloads_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

/** `clients` loops of reads until stopped, each read recorded; `sql()` is read per request, so a phase can change it. */
function startLoad(url: string, clients: number, sql: () => string) {
  const pool = new Pool(url, { connections: clients });
  const reads: Read[] = [];
  let running = true;
  let stopped: Promise<Read[]> | undefined;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const startedAt = Date.now();
      const statement = sql();
      try {
        const response = await pool.request({ method: 'POST', path: '/', body: statement });
        const upstream = response.headers['x-chgate-upstream'];
        const body = await response.body.text();
        reads.push({ startedAt, endedAt: Date.now(), status: response.statusCode, body, upstream: String(upstream) });
      } catch (error) {
        reads.push({ startedAt, endedAt: Date.now(), status: 'error', body: String(error), upstream: '' });
      }
    }
  });
  return {
    reads,
    stop(): Promise<Read[]> {
      running = false;
      stopped ??= Promise.all(loops)
        .then(() => pool.close())
        .then(() => reads);
      return stopped;
    },
  };
}

/** Queries on `node` whose text contains `marker`, from query_log (after a flush). */
async function queriesWith(node: ClusterNode, marker: string): Promise<number> {
  await queryNode(node, 'SYSTEM FLUSH LOGS');
  const text = await queryNode(
    node,
    `SELECT count() FROM system.query_log WHERE type = 1 AND query LIKE '%${marker}%' AND query NOT LIKE '%system.query_log%'`,
  );
  return Number(text.trim());
}

describe('config reload (SIGHUP) under load', function () {
  this.timeout(90_000);
  let baseDir: string;
  let cluster: LocalCluster;
  let replica1: ClusterNode;
  let replica2: ClusterNode;

  before(async function () {
    this.timeout(120_000);
    baseDir = mkdtempSync(join(tmpdir(), 'chgate-reload-'));
    cluster = await startLocalCluster({ baseDir, basePort: BASE_PORT, replicas: 2 });
    [replica1, replica2] = cluster.replicas as [ClusterNode, ClusterNode];
  });

  let restarted: ManagedProcess | undefined;

  after(async function () {
    this.timeout(60_000);
    if (restarted) await stopManagedProcess(restarted, 10_000);
    if (cluster) await cluster.stop();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('swaps replica1 for replica2 and adds a user without a failed request', async () => {
    const chgate = await spawnChgate(cluster, CHGATE_PORT, {
      editConfig: (yaml) => {
        const document = parse(yaml) as ConfigDocument;
        readersOnly(replica1)(document);
        return stringify(document);
      },
    });
    const run = `reload_${Date.now()}`;
    let phase = 'before';
    const load = startLoad(chgate.url, 8, () => `SELECT count(), '${run}_${phase}' FROM default.table_name`);
    try {
      await sleep(1_500);
      const password = 'reloaded-secret';
      editConfigFile(chgate, (document) => {
        readersOnly(replica2)(document);
        document.users.reloaded = { cluster: 'local', password_sha256_hex: createHash('sha256').update(password).digest('hex') };
      });
      const newUser = { 'x-clickhouse-user': 'reloaded', 'x-clickhouse-key': password };
      expect((await fetch(`${chgate.url}/?query=SELECT%201`, { headers: newUser })).status).to.equal(401);
      const signalledAt = Date.now();
      chgate.child.kill('SIGHUP');
      await waitUntil('the reload to be applied', async () => (await reloadCount(chgate, 'success')) === 1, { timeoutMs: 5_000, intervalMs: 20 });
      const appliedAt = Date.now();
      phase = 'after';
      await sleep(3_000);
      const reads = await load.stop();

      const failed = reads.filter((read) => read.status !== 200 || !/^3\treload_\d+_(before|after)\n$/.test(read.body));
      // Reads over before the signal, and reads begun once the reload was seen applied.
      const before = reads.filter((read) => read.endedAt < signalledAt);
      const after = reads.filter((read) => read.startedAt >= appliedAt);
      const upstreams = (list: Read[]) => [...new Set(list.map((read) => read.upstream))].sort();
      const counts = (list: Read[]) => JSON.stringify(Object.fromEntries(upstreams(list).map((name) => [name, list.filter((read) => read.upstream === name).length])));
      console.error(
        `      ${reads.length} reads, ${failed.length} failed; reload applied ${appliedAt - signalledAt} ms after SIGHUP; ` +
          `upstreams before: ${counts(before)}, after: ${counts(after)}`,
      );
      expect(failed.slice(0, 3)).to.deep.equal([]);
      expect(upstreams(before)).to.deep.equal(['replica1']);
      expect(after.length).to.be.above(50);
      expect(upstreams(after)).to.deep.equal(['replica2']);
      // ClickHouse's own record: replica1 ran nothing of the second phase, replica2 did.
      expect(await queriesWith(replica1, `${run}_after`)).to.equal(0);
      expect(await queriesWith(replica2, `${run}_after`)).to.be.above(50);
      expect(await queriesWith(replica1, `${run}_before`)).to.be.above(0);
      // The user added by the reload can log in.
      const response = await fetch(`${chgate.url}/?query=SELECT%201`, { headers: newUser });
      expect([response.status, await response.text()]).to.deep.equal([200, '1\n']);
      // The removed node's connections are closed once it has drained.
      await waitUntil('replica1 to have no connection from chgate', async () => {
        const metrics = await (await fetch(`${chgate.url}/metrics`)).text();
        return /^chgate_upstream_connections_open\{node="replica1"\} 0$/m.test(metrics);
      });
    } finally {
      await load.stop();
      await chgate.stop();
    }
  });

  it('keeps serving with the old config when the new one is invalid, and counts the failure', async () => {
    const chgate = await spawnChgate(cluster, CHGATE_PORT + 1, {
      editConfig: (yaml) => {
        const document = parse(yaml) as ConfigDocument;
        readersOnly(replica1)(document);
        return stringify(document);
      },
    });
    const load = startLoad(chgate.url, 4, () => 'SELECT count() FROM default.table_name');
    try {
      await sleep(500);
      // A misspelled key and a second reader: nothing of it may apply.
      editConfigFile(chgate, (document) => {
        readersOnly(replica1, replica2)(document);
        document.clusters.local.pool = { ...document.clusters.local.pool, max_connection: 4 };
      });
      chgate.child.kill('SIGHUP');
      await waitUntil('the reload failure to be counted', async () => (await reloadCount(chgate, 'failure')) === 1, { timeoutMs: 5_000, intervalMs: 20 });
      await sleep(1_500);
      const reads = await load.stop();
      expect(chgate.child.exitCode).to.equal(null);
      expect(reads.filter((read) => read.status !== 200 || read.body !== `${SAMPLE_ROWS.length}\n`)).to.deep.equal([]);
      expect([...new Set(reads.map((read) => read.upstream))]).to.deep.equal(['replica1']);
      expect(await reloadCount(chgate, 'success')).to.equal(0);
      // A valid file next time applies.
      editConfigFile(chgate, (document) => {
        delete document.clusters.local.pool?.max_connection;
      });
      chgate.child.kill('SIGHUP');
      await waitUntil('the reload to be applied', async () => (await reloadCount(chgate, 'success')) === 1, { timeoutMs: 5_000, intervalMs: 20 });
      const upstreams = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${chgate.url}/`, { method: 'POST', body: 'SELECT 1' });
        upstreams.add(response.headers.get('x-chgate-upstream') ?? '');
        await response.text();
      }
      expect([...upstreams].sort()).to.deep.equal(['replica1', 'replica2']);
    } finally {
      await load.stop();
      await chgate.stop();
    }
  });

  // Last: it restarts replica2 with another keep_alive_timeout.
  it('loses no request across idle gaps around ClickHouse keep_alive_timeout, whatever the pool idle timeout', async function () {
    this.timeout(120_000);
    const configFile = join(replica2.dir, 'config.xml');
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(/<keep_alive_timeout>\d+</, '<keep_alive_timeout>1<'));
    signalProcess(replica2.pid, 'SIGTERM');
    await waitUntil('replica2 to stop', async () => !isAlive(replica2.pid), { timeoutMs: 30_000 });
    restarted = restartNode(replica2);
    await waitForHttpOk(`${replica2.url}/ping`, restarted, 30_000);
    expect((await requestNode(replica2, 'SELECT 1')).headers['keep-alive']).to.equal('timeout=1');

    // The pool's idle timeout above ClickHouse's (the announced timeout still caps it), closing exactly when
    // ClickHouse does (margin 0: the race a stale socket comes from), and below it.
    const pools = {
      above: { keep_alive_timeout_ms: 5_000 },
      'at, margin 0': { keep_alive_timeout_ms: 5_000, keep_alive_margin_ms: 0 },
      below: { keep_alive_timeout_ms: 500 },
    };
    for (const [label, pool] of Object.entries(pools)) {
      const chgate = await startTestChgate(cluster, {
        editConfig: (yaml) => {
          const document = parse(yaml) as ConfigDocument;
          readersOnly(replica2)(document);
          document.clusters.local.pool = { ...document.clusters.local.pool, connections_per_node: 4, ...pool };
          return stringify(document);
        },
      });
      const failures: string[] = [];
      let requests = 0;
      try {
        for (const gapMs of [900, 960, 990, 1_000, 1_010, 1_040, 1_100, 1_300]) {
          await Promise.all(
            Array.from({ length: 4 }, async (_, i) => {
              requests += 1;
              // GETs and POSTs: a GET may be sent again by the pool itself, a POST read by the statement runner.
              const response =
                i % 2 === 0
                  ? await fetch(`${chgate.url}/?query=${encodeURIComponent(`SELECT ${i}`)}`)
                  : await fetch(`${chgate.url}/`, { method: 'POST', body: `SELECT ${i}` });
              const body = await response.text();
              if (response.status !== 200 || body !== `${i}\n`) failures.push(`${response.status} ${body.slice(0, 200)}`);
            }),
          );
          await sleep(gapMs);
        }
        const { metrics } = chgate.running;
        const total = async (counter: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
          (await counter.get()).values.reduce((sum, value) => sum + value.value, 0);
        const node = chgate.running.clusters.get('local')?.nodes.find((each) => each.name === 'replica2');
        console.error(
          `      pool idle timeout ${label}: ${requests} requests, ${failures.length} failed; ` +
            `${node?.connectionStats().opened} connections opened to replica2; ` +
            `stale-socket resends ${await total(metrics.upstreamStaleSocketRetries)}, statement retries ${await total(metrics.upstreamRetries)}`,
        );
        expect(failures).to.deep.equal([]);
      } finally {
        await chgate.stop();
      }
    }
  });
});
