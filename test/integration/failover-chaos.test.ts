/**
 * Chaos under load through chgate (issue 5): a replica SIGKILLed and restarted, a replica frozen with SIGSTOP, and
 * read-your-writes while both replicas lag. Runs its OWN writer + 2 replicas cluster (ZooKeeper 19950, nodes
 * 19960/19970/19980), because it kills and freezes nodes; never the shared one.
 * By hand: start chgate on such a cluster, loop `curl --data 'SELECT count() FROM default.table_name' :8124`,
 * `kill -9 <replica1 pid>` and watch `curl -s :8124/metrics | grep chgate_upstream_node_state`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import {
  restartNode,
  signalProcess,
  queryNode,
  requestNode,
  SAMPLE_ROWS,
  stopManagedProcess,
  waitForHttpOk,
  type ClusterNode,
  type LocalCluster,
  type ManagedProcess,
  startLocalCluster,
} from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';

const BASE_PORT = 19950;
const READ_HEADERS_TIMEOUT_MS = 2_000;
const HEALTH = { interval_ms: 500, timeout_ms: 500 };
const READ_SQL = 'SELECT count() FROM default.table_name';
const EXPECTED_BODY = `${SAMPLE_ROWS.length}\n`;
const RYW_TABLE = 'default.chaos_ryw';

/** The chaos config: fast health checks, reads that give up on a silent node after 2 s. */
function chaosConfig(yaml: string): string {
  const document = parse(yaml) as { clusters: { local: Record<string, unknown> & { pool?: Record<string, unknown> } } };
  const local = document.clusters.local;
  local.health = { ...HEALTH };
  local.pool = { ...local.pool, read_headers_timeout_ms: READ_HEADERS_TIMEOUT_MS };
  return stringify(document);
}

interface Read {
  startedAt: number;
  ms: number;
  status: number;
  body: string;
  upstream: string;
}

/** `loops` concurrent read loops with a pause between reads; bounded by `maxMs` and `maxReads` whatever happens. */
function startReadLoad(url: string, { loops = 6, pauseMs = 20, maxMs = 30_000, maxReads = 10_000 } = {}) {
  const reads: Read[] = [];
  let stopped = false;
  const deadline = Date.now() + maxMs;
  const loop = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline && reads.length < maxReads) {
      const startedAt = Date.now();
      try {
        const response = await requestNode({ url }, READ_SQL, { timeoutMs: 10_000 });
        const upstream = String(response.headers['x-chgate-upstream'] ?? '');
        reads.push({ startedAt, ms: Date.now() - startedAt, status: response.status, body: response.body, upstream });
      } catch (error) {
        reads.push({ startedAt, ms: Date.now() - startedAt, status: 0, body: String(error), upstream: '' });
      }
      await sleep(pauseMs);
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    reads,
    stop: async (): Promise<Read[]> => {
      stopped = true;
      await done;
      return reads;
    },
  };
}

/** Node → its current state, from chgate_upstream_node_state (the label whose value is 1). */
async function nodeStates(chgate: TestChgate): Promise<Map<string, string>> {
  const text = await chgate.running.metrics.registry.metrics();
  const states = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^chgate_upstream_node_state\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || Number(match[2]) !== 1) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.node !== undefined && labels.state !== undefined) states.set(labels.node, labels.state);
  }
  return states;
}

/** Polls the node's state every 25 ms until it is `state`: when it was, or undefined after `timeoutMs`. */
async function waitForNodeState(chgate: TestChgate, node: string, state: string, timeoutMs: number, seen?: Set<string>): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = (await nodeStates(chgate)).get(node);
    if (now !== undefined) seen?.add(now);
    if (now === state) return Date.now();
    await sleep(25);
  }
  return undefined;
}

async function expectNodeState(chgate: TestChgate, node: string, state: string, timeoutMs: number): Promise<void> {
  const at = await waitForNodeState(chgate, node, state, timeoutMs);
  const now = (await nodeStates(chgate)).get(node) ?? 'no chgate_upstream_node_state series';
  expect(at, `${node} ${state} within ${timeoutMs} ms (now: ${now})`).to.be.a('number');
}

/** `chgate_upstream_retries_total` per `node/reason`, and the sum. */
async function retries(chgate: TestChgate): Promise<{ total: number; by: string }> {
  const text = await chgate.running.metrics.registry.metrics();
  let total = 0;
  const by: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^chgate_upstream_retries_total\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    total += Number(match[2]);
    by.push(`${match[1]!.replace(/"/g, '')}=${match[2]}`);
  }
  return { total, by: by.join(' ') || 'none' };
}

function summarize(reads: Read[]) {
  const failures = reads.filter((r) => r.status !== 200 || r.body !== EXPECTED_BODY);
  const sorted = reads.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const seconds = reads.length === 0 ? 1 : (Math.max(...reads.map((r) => r.startedAt + r.ms)) - reads[0]!.startedAt) / 1000;
  return { failures, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, rate: Math.round(reads.length / seconds) };
}


describe('failover chaos through chgate on its own cluster (writer + 2 replicas)', function () {
  this.timeout(60_000);
  let baseDir: string;
  let cluster: LocalCluster;
  /** Each replica's clickhouse-server pid now (the cluster's own until a test restarts it). */
  const pids = new Map<string, number>();
  const restarted: ManagedProcess[] = [];
  let chgate: TestChgate | undefined;
  const killOnExit = (): void => {
    for (const pid of pids.values()) signalProcess(pid, 'SIGCONT');
    for (const proc of restarted) signalProcess(-proc.pid, 'SIGKILL');
    cluster?.killSync();
  };

  before(async function () {
    this.timeout(120_000);
    process.on('exit', killOnExit);
    baseDir = mkdtempSync(join(tmpdir(), 'chgate-failover-chaos-'));
    cluster = await startLocalCluster({ baseDir, basePort: BASE_PORT, replicas: 2 });
    for (const replica of cluster.replicas) pids.set(replica.name, replica.pid);
  });

  afterEach(async () => {
    // A failed freeze test must not leave a replica stopped: a stopped process ignores SIGTERM.
    for (const pid of pids.values()) signalProcess(pid, 'SIGCONT');
    await chgate?.stop();
    chgate = undefined;
  });

  after(async function () {
    this.timeout(60_000);
    for (const pid of pids.values()) signalProcess(pid, 'SIGCONT');
    for (const proc of restarted) await stopManagedProcess(proc, 10_000);
    if (cluster) await cluster.stop();
    process.off('exit', killOnExit);
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  it('loses no read when a replica is SIGKILLed under ~200 reads/s; ejects it within 3 s, back within 10 s of restart', async function () {
    this.timeout(45_000);
    const replica = cluster.replicas[0]!;
    chgate = await startTestChgate(cluster, { editConfig: chaosConfig });
    await expectNodeState(chgate, replica.name, 'healthy', 5_000);
    const load = startReadLoad(chgate.url, { maxMs: 35_000 });
    const seen = new Set<string>();
    let ejectMs = -1;
    let healthyMs = -1;
    try {
      await sleep(1_500);
      const killedAt = Date.now();
      process.kill(pids.get(replica.name)!, 'SIGKILL');
      const ejectedAt = await waitForNodeState(chgate, replica.name, 'ejected', 5_000);
      if (ejectedAt !== undefined) ejectMs = ejectedAt - killedAt;
      await sleep(Math.max(0, 4_000 - (Date.now() - killedAt))); // a few seconds of load with the replica gone

      const proc = restartNode(replica);
      restarted.push(proc);
      pids.set(replica.name, proc.pid);
      const restartedAt = Date.now();
      await waitForHttpOk(`${replica.url}/ping`, proc, 10_000);
      const healthyAt = await waitForNodeState(chgate, replica.name, 'healthy', 10_000 - (Date.now() - restartedAt), seen);
      if (healthyAt !== undefined) healthyMs = healthyAt - restartedAt;
      await sleep(1_000); // and the returned replica takes reads again
    } finally {
      await load.stop();
    }
    const reads = load.reads;
    const { failures, p50, p99, max, rate } = summarize(reads);
    const { total, by } = await retries(chgate);
    const onReplica = reads.filter((r) => r.upstream === replica.name && r.startedAt > Date.now() - 1_000).length;
    console.log(
      `    kill: ${reads.length} reads (~${rate}/s), ${failures.length} failed, retries ${total} (${by}); ` +
        `ejected after ${ejectMs} ms, healthy ${healthyMs} ms after restart (states seen: ${[...seen].join('→')}); ` +
        `latency p50 ${p50} p99 ${p99} max ${max} ms; ${onReplica} reads on ${replica.name} in the last second`,
    );
    expect(failures.slice(0, 3), `${failures.length} of ${reads.length} reads failed`).to.deep.equal([]);
    expect(ejectMs, 'kill → ejected (ms; -1: never)').to.be.within(0, 2_999);
    expect(healthyMs, 'restart → healthy (ms; -1: not within 10 s)').to.be.within(0, 9_999);
    expect(reads.length).to.be.above(1_000);
    expect(onReplica, 'reads on the returned replica').to.be.above(0);
  });

  it('turns a frozen (SIGSTOP) replica into one slow read at most, then ejects it; no read fails', async function () {
    this.timeout(45_000);
    const replica = cluster.replicas[1]!;
    const pid = pids.get(replica.name)!;
    chgate = await startTestChgate(cluster, { editConfig: chaosConfig });
    await expectNodeState(chgate, replica.name, 'healthy', 5_000);
    const load = startReadLoad(chgate.url, { maxMs: 30_000 });
    let stoppedAt = 0;
    let ejected = 'not frozen';
    let ejectedAt: number | undefined;
    try {
      await sleep(1_500);
      stoppedAt = Date.now();
      process.kill(pid, 'SIGSTOP');
      ejectedAt = await waitForNodeState(chgate, replica.name, 'ejected', 5_000);
      const ejectMs = ejectedAt === undefined ? 'never (5 s)' : `${ejectedAt - stoppedAt} ms`;
      ejected = `ejected ${ejectMs} after SIGSTOP`;
      // Reads in flight on the frozen node wait read_headers_timeout_ms, then go to another node; then 2 s normal.
      await sleep(READ_HEADERS_TIMEOUT_MS + 2_500);
    } finally {
      await load.stop();
      signalProcess(pid, 'SIGCONT');
    }
    const reads = load.reads;
    const { failures, p50, max, rate } = summarize(reads);
    const slow = reads.filter((r) => r.ms > 1_000);
    const normalFrom = (ejectedAt ?? stoppedAt + 5_000) + 100;
    const after = summarize(reads.filter((r) => r.startedAt > normalFrom));
    const { total, by } = await retries(chgate);
    console.log(
      `    freeze: ${reads.length} reads (~${rate}/s), ${failures.length} failed, retries ${total} (${by}); ` +
        `${ejected}; ${slow.length} reads over 1 s (${slow.map((r) => r.ms).join(', ')} ms); ` +
        `max ${max} ms, p50 ${p50} ms; after ejection p50 ${after.p50} p99 ${after.p99} max ${after.max} ms`,
    );
    expect(failures.slice(0, 3), `${failures.length} of ${reads.length} reads failed`).to.deep.equal([]);
    expect(max, 'slowest read (ms)').to.be.below(READ_HEADERS_TIMEOUT_MS + 1_500);
    expect(ejectedAt === undefined ? -1 : ejectedAt - stoppedAt, 'SIGSTOP → ejected (ms; -1: never)').to.be.within(0, 2_999);
    expect(after.max, 'slowest read started after the ejection (ms)').to.be.below(500);
    expect(reads.filter((r) => r.startedAt > normalFrom && r.upstream === replica.name)).to.deep.equal([]);

    // Back to healthy after SIGCONT (the next test needs it answering).
    await waitForHttpOk(`${replica.url}/ping`, undefined, 10_000);
    await expectNodeState(chgate, replica.name, 'healthy', 15_000);
  });

  it('reads back its own write 1,000 times in a row while both replicas lag (SYSTEM STOP FETCHES)', async function () {
    this.timeout(75_000);
    await queryNode(
      cluster.writer,
      `CREATE TABLE IF NOT EXISTS ${RYW_TABLE} ON CLUSTER ${cluster.clusterName} (id UInt64) ` +
        `ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${RYW_TABLE}', '{replica}') ORDER BY id ` +
        // One part per INSERT: 1,000 of them must neither be delayed nor refused (TOO_MANY_PARTS at 300).
        'SETTINGS parts_to_delay_insert = 5000, parts_to_throw_insert = 5000',
      { params: { distributed_ddl_task_timeout: 20 } },
    );
    for (const replica of cluster.replicas) await queryNode(replica, `SYSTEM STOP FETCHES ${RYW_TABLE}`);
    chgate = await startTestChgate(cluster, { editConfig: chaosConfig });
    const misses: string[] = [];
    const upstreams = new Map<string, number>();
    let done = 0;
    const started = Date.now();
    try {
      for (let id = 1; id <= 1_000 && Date.now() - started < 60_000; id++) {
        const insert = await requestNode({ url: chgate.url }, `INSERT INTO ${RYW_TABLE} VALUES (${id})`);
        expect(insert.status, `INSERT of id ${id} after ${Date.now() - started} ms: ${insert.body}`).to.equal(200);
        const read = await requestNode({ url: chgate.url }, `SELECT count() FROM ${RYW_TABLE} WHERE id = ${id}`);
        const upstream = String(read.headers['x-chgate-upstream'] ?? '');
        upstreams.set(upstream, (upstreams.get(upstream) ?? 0) + 1);
        if (read.status !== 200 || read.body !== '1\n') misses.push(`id ${id}: ${read.status} ${read.body.trim()} from ${upstream}`);
        done = id;
      }
      // The lag is real: the replicas have none of these rows, so a read routed to one would have missed.
      const onReplicas = await Promise.all(cluster.replicas.map((r: ClusterNode) => queryNode(r, `SELECT count() FROM ${RYW_TABLE}`)));
      console.log(
        `    read-your-writes: ${done} write+read pairs in ${Date.now() - started} ms, ${misses.length} missed; ` +
          `reads served by ${[...upstreams].map(([n, c]) => `${n}=${c}`).join(' ')}; rows on replicas ${onReplicas.map((t) => t.trim()).join('/')}`,
      );
      expect(done, 'pairs done within 60 s').to.equal(1_000);
      expect(misses.slice(0, 5), `${misses.length} reads missed their own write`).to.deep.equal([]);
      expect(onReplicas.map((t) => t.trim())).to.deep.equal(['0', '0']);
    } finally {
      for (const replica of cluster.replicas) await queryNode(replica, `SYSTEM START FETCHES ${RYW_TABLE}`).catch(() => {});
    }
  });
});

