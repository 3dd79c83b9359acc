/**
 * The node health monitor against real ClickHouse processes: its own writer + 1 replica cluster (ports 19850+),
 * because these tests kill, freeze and restart the replica.
 * Reproduce by hand: start a cluster (see test/integration/local-cluster.test.ts), then
 * `kill -9 <replica pid>` and watch `curl -s http://127.0.0.1:19870/ping` fail; lag:
 * `curl --data 'SYSTEM STOP FETCHES default.t' http://127.0.0.1:19870` then INSERT on the writer and
 * `curl --data 'SELECT max(absolute_delay) FROM system.replicas' http://127.0.0.1:19870`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  restartNode,
  signalProcess,
  queryNode,
  stopManagedProcess,
  waitForHttpOk,
  waitUntil,
  type ClusterNode,
  type LocalCluster,
  type ManagedProcess,
  startLocalCluster,
} from '../../scripts/local-cluster.js';
import {
  createHttpProbe,
  createNodeHealth,
  startHealthMonitor,
  type CheckedNodeHealth,
  type HealthMonitorOptions,
  type HealthState,
} from '../../src/upstream/node-health.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';

const BASE_PORT = 19850;
const LAG_TABLE = 'default.node_health_lag';

interface Transition {
  at: number;
  from: HealthState;
  to: HealthState;
  reason: string;
}

describe('node health monitor on a real cluster', function () {
  this.timeout(30_000);
  let baseDir: string;
  let cluster: LocalCluster;
  let replica: ClusterNode;
  /** The replica's process now: the cluster's own until a test restarts it. */
  let replicaPid: number;
  const restarted: ManagedProcess[] = [];
  let stopMonitor: (() => void) | undefined;

  before(async function () {
    this.timeout(120_000);
    baseDir = mkdtempSync(join(tmpdir(), 'chgate-node-health-'));
    cluster = await startLocalCluster({ baseDir, basePort: BASE_PORT, replicas: 1, sampleTable: false });
    replica = cluster.replicas[0]!;
    replicaPid = replica.pid;
  });

  afterEach(() => {
    stopMonitor?.();
    stopMonitor = undefined;
    // A failed freeze test must not leave the replica stopped: a stopped process ignores SIGTERM.
    signalProcess(replicaPid, 'SIGCONT');
  });

  after(async function () {
    this.timeout(60_000);
    for (const proc of restarted) await stopManagedProcess(proc, 10_000);
    if (cluster) await cluster.stop();
    rmSync(baseDir, { recursive: true, force: true });
  });

  /** Monitors writer and replica with the default options (plus `options`), recording transitions. */
  function monitor(options: Partial<HealthMonitorOptions> = {}) {
    const transitions = new Map<string, Transition[]>([
      ['writer', []],
      ['replica1', []],
    ]);
    const healthOptions: Partial<HealthMonitorOptions> = {
      ...options,
      onStateChange: (node, from, to, reason) => transitions.get(node)?.push({ at: Date.now(), from, to, reason }),
    };
    const writerHealth = createNodeHealth('writer', healthOptions);
    const replicaHealth = createNodeHealth('replica1', healthOptions);
    const timeoutMs = healthOptions.timeoutMs ?? 1_000;
    const nodes = [
      {
        name: 'writer',
        health: writerHealth,
        probe: withoutLag(createHttpProbe(cluster.writer.url, cluster.users.writer, timeoutMs)),
      },
      { name: 'replica1', health: replicaHealth, probe: createHttpProbe(replica.url, cluster.users.reader, timeoutMs) },
    ];
    const started = startHealthMonitor(nodes, { intervalMs: options.intervalMs ?? 1_000 });
    stopMonitor = () => started.stop();
    return { writerHealth, replicaHealth, transitions };
  }

  async function waitForState(health: CheckedNodeHealth, state: HealthState, timeoutMs: number): Promise<number> {
    const isThere = async () => health.state() === state;
    await waitUntil(`replica1 to be ${state}`, isThere, { timeoutMs, intervalMs: 20 }).catch((error: Error) => {
      throw new Error(`${error.message} (now ${health.state()}: ${health.reason()})`);
    });
    return Date.now();
  }

  it('probes a live node: /ping, SELECT 1 as the node user, replica delay 0 without replicated tables', async () => {
    const probe = createHttpProbe(replica.url, cluster.users.reader, 1_000);
    await probe.ping();
    await probe.select1();
    expect(await probe.replicaDelay()).to.equal(0);
    const wrongPassword = createHttpProbe(replica.url, { user: cluster.users.reader.user, password: 'wrong' }, 1_000);
    await expectRejection(wrongPassword.select1(), /HTTP 401/);
    const nobody = createHttpProbe(`http://127.0.0.1:${BASE_PORT + 9}`, cluster.users.reader, 1_000);
    await expectRejection(nobody.ping(), /ECONNREFUSED|connect/i);
  });

  /**
   * A TCP relay to the replica that counts connections; `onRequest` decides, per request on a connection (its index
   * on that connection), whether to forward it, drop the connection or swallow it (never answered).
   */
  function startRelay(onRequest: (indexOnConnection: number) => 'forward' | 'drop' | 'swallow' = () => 'forward') {
    return startTcpRelay(replica.url, (client, upstream) => {
      let requests = 0;
      client.on('data', (chunk: Buffer) => {
        // Probes are small: a request's head starts a chunk of its own.
        if (/^(GET|POST) /.test(chunk.toString('latin1', 0, 5))) {
          const action = onRequest(requests++);
          if (action === 'drop') {
            client.destroy();
            upstream.destroy();
            return;
          }
          if (action === 'swallow') return client.pause();
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
    });
  }

  it('keeps one connection for its probes across checks', async () => {
    const relay = await startRelay();
    const probe = createHttpProbe(relay.url, cluster.users.reader, 1_000);
    try {
      for (let check = 0; check < 5; check++) {
        await probe.ping();
        await probe.select1();
        expect(await probe.replicaDelay()).to.equal(0);
      }
      expect(relay.connections(), 'connections for 15 probes').to.equal(1);
    } finally {
      await probe.close?.();
      await relay.close();
    }
  });

  it('sends a probe again on a fresh connection when the node dropped the kept one (a stale socket is no failure)', async () => {
    // The second request on any connection finds it gone, as when the node's keep-alive timeout closed it meanwhile.
    const relay = await startRelay((index) => (index === 1 ? 'drop' : 'forward'));
    const probe = createHttpProbe(relay.url, cluster.users.reader, 1_000);
    try {
      await probe.ping();
      await probe.select1();
      expect(relay.connections()).to.equal(2);
    } finally {
      await probe.close?.();
      await relay.close();
    }
  });

  it('does not queue a check behind the request of one that timed out', async () => {
    let first = true;
    const relay = await startRelay(() => {
      if (!first) return 'forward';
      first = false;
      return 'swallow';
    });
    const probe = createHttpProbe(relay.url, cluster.users.reader, 2_000);
    try {
      // A check the monitor gave up on (its whole-check timeout) leaves this request running.
      const abandoned = probe.ping().catch((error: Error) => error);
      await sleep(100);
      const startedAt = Date.now();
      await probe.select1();
      expect(Date.now() - startedAt, 'ms for the next check').to.be.below(1_000);
      expect(String(await abandoned)).to.match(/newer check/);
    } finally {
      await probe.close?.();
      await relay.close();
    }
  });

  it('ejects a SIGKILLed replica within 3 s and returns it after a restart within 10 s', async () => {
    const { writerHealth, replicaHealth, transitions } = monitor();
    await sleep(1_200);
    expect(replicaHealth.state()).to.equal('healthy');

    const killedAt = Date.now();
    process.kill(replicaPid, 'SIGKILL');
    const ejectedAt = await waitForState(replicaHealth, 'ejected', 5_000);
    expect(ejectedAt - killedAt, 'time to eject').to.be.below(3_000);
    expect(replicaHealth.isAvailable()).to.equal(false);

    const proc = restartNode(replica);
    restarted.push(proc);
    replicaPid = proc.pid;
    const restartedAt = Date.now();
    await waitForHttpOk(`${replica.url}/ping`, proc, 10_000);
    await waitForState(replicaHealth, 'recovering', 10_000 - (Date.now() - restartedAt));
    await waitForState(replicaHealth, 'healthy', 10_000);

    expect(transitions.get('replica1')?.map((t) => `${t.from}→${t.to}`)).to.deep.equal([
      'healthy→ejected',
      'ejected→recovering',
      'recovering→healthy',
    ]);
    expect(writerHealth.state()).to.equal('healthy');
    expect(transitions.get('writer')).to.deep.equal([]);
  });

  it('ejects a frozen (SIGSTOP) replica within 3 s and brings it back to healthy within 10 s of SIGCONT', async () => {
    const { replicaHealth, transitions } = monitor();
    await sleep(1_200);
    expect(replicaHealth.state()).to.equal('healthy');

    const stoppedAt = Date.now();
    signalProcess(replicaPid, 'SIGSTOP');
    const ejectedAt = await waitForState(replicaHealth, 'ejected', 5_000);
    expect(ejectedAt - stoppedAt, 'time to eject').to.be.below(3_000);
    expect(replicaHealth.reason()).to.match(/timed out|abort/i);
    await sleep(1_500);
    expect(replicaHealth.state(), 'still frozen').to.equal('ejected');

    const continuedAt = Date.now();
    signalProcess(replicaPid, 'SIGCONT');
    await waitForState(replicaHealth, 'recovering', 10_000);
    const healthyAt = await waitForState(replicaHealth, 'healthy', 10_000);
    expect(healthyAt - continuedAt, 'time back to healthy').to.be.below(10_000);
    expect(transitions.get('replica1')?.map((t) => t.to)).to.deep.equal(['ejected', 'recovering', 'healthy']);
  });

  it('ejects a replica whose replication is stopped (lagging) and returns it once it catches up', async function () {
    // After START FETCHES the replica retries its postponed fetches with a back-off: catching up took ~8 s here.
    this.timeout(45_000);
    await queryNode(
      cluster.writer,
      `CREATE TABLE IF NOT EXISTS ${LAG_TABLE} ON CLUSTER ${cluster.clusterName} (id UInt64) ` +
        `ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${LAG_TABLE}', '{replica}') ORDER BY id`,
      { params: { distributed_ddl_task_timeout: 20 } },
    );
    const { replicaHealth, writerHealth, transitions } = monitor({ maxReplicaLagSeconds: 2, recoveryMs: 1_000 });
    await sleep(1_200);
    expect(replicaHealth.state()).to.equal('healthy');
    expect(replicaHealth.lagSeconds()).to.equal(0);

    await queryNode(replica, `SYSTEM STOP FETCHES ${LAG_TABLE}`);
    let id = 0;
    const inserting = setInterval(() => {
      void queryNode(cluster.writer, `INSERT INTO ${LAG_TABLE} VALUES (${id++})`, cluster.users.writer).catch(() => {});
    }, 300);
    try {
      await waitForState(replicaHealth, 'ejected', 10_000);
      expect(replicaHealth.reason()).to.equal('lagging');
      expect(replicaHealth.lagSeconds()).to.be.above(2);
      expect(replicaHealth.isAvailable()).to.equal(false);
    } finally {
      clearInterval(inserting);
      await queryNode(replica, `SYSTEM START FETCHES ${LAG_TABLE}`);
    }
    await waitForState(replicaHealth, 'healthy', 20_000);
    expect(replicaHealth.lagSeconds()).to.be.at.most(2);
    expect(transitions.get('replica1')?.[0]).to.include({ from: 'healthy', to: 'ejected', reason: 'lagging' });
    expect(writerHealth.state()).to.equal('healthy');
    expect(writerHealth.lagSeconds()).to.equal(undefined);
  });
});

/** The writer's probe: its lag is not a question (its replicated tables are the ones replicas fetch from). */
function withoutLag(probe: ReturnType<typeof createHttpProbe>) {
  return { ping: probe.ping, select1: probe.select1 };
}



async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const text = `${(error as { code?: string }).code ?? ''} ${(error as Error).message}`;
    expect(text).to.match(pattern);
    return;
  }
  expect.fail('expected the probe to reject');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
