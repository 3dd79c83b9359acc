/**
 * Writes through writer failures (issue 5): an INSERT into a Replicated*MergeTree table whose fate is unknown (the
 * connection broke after it was sent) is sent again with the same bytes, and ClickHouse deduplicates it; every other
 * write is sent again only when it never reached ClickHouse. Runs its OWN writer + 2 replicas cluster (ZooKeeper
 * 20050, nodes 20060/20070/20080), because it restarts the writer; never the shared one.
 *
 * Two kinds of evidence:
 * - a TCP relay in front of the writer that cuts the connection as ClickHouse starts to answer an INSERT (so the
 *   INSERT was applied, and chgate cannot know): the deduplicated resend must leave the rows exactly once, and every
 *   other table must get the error instead;
 * - concurrent clients INSERTing unique ids through chgate while the writer is SIGKILLed and restarted: every
 *   INSERT acknowledged with 200 is in the table exactly once, no id twice, every failure a ClickHouse-format error.
 * By hand: loop `curl --data "INSERT INTO t VALUES ($i)" :8124` against a replicated t, `kill -9` the writer, start
 * it again, then `SELECT id, count() FROM t GROUP BY id HAVING count() > 1` on it (no rows) and
 * `curl -s :8124/metrics | grep 'reason="insert-dedup"'`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import {
  isAlive,
  queryNode,
  requestNode,
  restartNode,
  signalProcess,
  startLocalCluster,
  stopManagedProcess,
  waitForHttpOk,
  waitForRowCount,
  waitUntil,
  type LocalCluster,
  type ManagedProcess,
} from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';

const BASE_PORT = 20050;
const CLICKHOUSE_ERROR = /^Code: \d+[.,] /;

type LocalConfig = Record<string, unknown> & { writers: Array<{ name: string; url: string }>; pool?: Record<string, unknown> };

/** Edits the `local` cluster of the generated chgate config. */
function editLocal(edit: (local: LocalConfig) => void) {
  return (yaml: string): string => {
    const document = parse(yaml) as { clusters: { local: LocalConfig } };
    edit(document.clusters.local);
    return stringify(document);
  };
}

/**
 * A TCP relay to `target` that, while armed, cuts (RST) a connection at the first byte ClickHouse answers to a
 * request containing `INSERT INTO`: the INSERT was applied, and chgate sees its connection reset.
 */
async function startCuttingRelay(target: string) {
  let armed = 0;
  let afterHeaders = false;
  let cut = 0;
  const relay = await startTcpRelay(target, (client, upstream) => {
    let request = '';
    client.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed > 0 && request.includes('INSERT INTO')) {
        // After the headers: the status line and headers reach chgate, the (empty, chunked) body never ends.
        const headersEnd = afterHeaders ? chunk.indexOf('\r\n\r\n') : -1;
        if (afterHeaders && headersEnd < 0) {
          client.write(chunk);
          return;
        }
        armed -= 1;
        cut += 1;
        if (afterHeaders) {
          client.write(chunk.subarray(0, headersEnd + 4), () => client.resetAndDestroy());
        } else {
          client.resetAndDestroy();
        }
        upstream.destroy();
        return;
      }
      request = '';
      client.write(chunk);
    });
  });
  return {
    ...relay,
    /** Cut the next `count` INSERT answers: before their first byte, or (`afterHeaders`) after their headers. */
    arm(count: number, options: { afterHeaders?: boolean } = {}): void {
      armed = count;
      afterHeaders = options.afterHeaders ?? false;
    },
    cuts: () => cut,
  };
}

/** chgate_upstream_retries_total by reason, summed over nodes. */
async function retriesByReason(chgate: TestChgate): Promise<Record<string, number>> {
  const text = await chgate.running.metrics.registry.getSingleMetricAsString('chgate_upstream_retries_total');
  const by: Record<string, number> = {};
  for (const match of text.matchAll(/^chgate_upstream_retries_total\{[^}]*reason="([^"]+)"[^}]*\} (\S+)$/gm)) {
    by[match[1]!] = (by[match[1]!] ?? 0) + Number(match[2]);
  }
  return by;
}

describe('writes through writer failures on its own cluster (writer + 2 replicas)', function () {
  this.timeout(90_000);
  let baseDir: string;
  let cluster: LocalCluster;
  /** The writer's process after the tests restarted it (the cluster's stop() knows only the first one). */
  let writerProc: ManagedProcess | undefined;
  let chgate: TestChgate | undefined;
  const admin = () => cluster.users.admin;
  const killOnExit = (): void => {
    if (writerProc) signalProcess(-writerProc.pid, 'SIGKILL');
    cluster?.killSync();
  };

  /** A replicated table on every node (fresh ZooKeeper path), many small parts allowed. */
  async function createReplicated(table: string, columns: string, orderBy: string): Promise<void> {
    const path = `/clickhouse/tables/{shard}/${table}-${Date.now()}`;
    for (const node of cluster.nodes) {
      await queryNode(node, `DROP TABLE IF EXISTS ${table}`, admin());
      await queryNode(
        node,
        `CREATE TABLE ${table} (${columns}) ENGINE = ReplicatedMergeTree('${path}', '{replica}') ORDER BY ${orderBy} ` +
          'SETTINGS parts_to_delay_insert = 5000, parts_to_throw_insert = 5000',
        admin(),
      );
    }
  }

  before(async function () {
    this.timeout(120_000);
    process.on('exit', killOnExit);
    baseDir = mkdtempSync(join(tmpdir(), 'chgate-writer-restart-'));
    cluster = await startLocalCluster({ baseDir, basePort: BASE_PORT, replicas: 2, sampleTable: false });
  });

  afterEach(async () => {
    await chgate?.stop();
    chgate = undefined;
  });

  after(async function () {
    this.timeout(60_000);
    if (writerProc) await stopManagedProcess(writerProc, 10_000);
    if (cluster) await cluster.stop();
    process.off('exit', killOnExit);
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  describe('an INSERT whose answer is lost after ClickHouse applied it', () => {
    let relay: Awaited<ReturnType<typeof startCuttingRelay>>;
    const replicated = 'default.lost_answer_replicated';
    const plain = 'default.lost_answer_plain';
    const withNow = 'default.lost_answer_default_now';

    before(async () => {
      relay = await startCuttingRelay(cluster.writer.url);
      await createReplicated(replicated, 'id UInt64, name String', 'id');
      await createReplicated(withNow, 'id UInt64, at DateTime DEFAULT now()', 'id');
      await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${plain}`, admin());
      await queryNode(cluster.writer, `CREATE TABLE ${plain} (id UInt64) ENGINE = MergeTree ORDER BY id`, admin());
    });
    after(async () => {
      await relay?.close();
    });

    /** chgate whose only writer is the relay; health checks off, so the cut is met by the INSERT itself. */
    const throughRelay = (extra: Record<string, unknown> = {}): Promise<TestChgate> =>
      startTestChgate(cluster, {
        editConfig: editLocal((local) => {
          local.writers = [{ name: 'writer', url: relay.url }];
          local.health = { enabled: false };
          Object.assign(local, extra);
        }),
      });

    /** Attempts of a query that reached the writer: QueryStart entries, logged before any answer is sent. */
    async function attemptsOf(queryId: string): Promise<number> {
      await queryNode(cluster.writer, 'SYSTEM FLUSH LOGS', admin());
      const sql = `SELECT count() FROM system.query_log WHERE query_id = '${queryId}' AND type = 1`;
      return Number((await queryNode(cluster.writer, sql, admin())).trim());
    }

    async function insertCut(sql: string, queryId: string, options: { data?: string; params?: Record<string, string>; afterHeaders?: boolean } = {}) {
      relay.arm(1, { afterHeaders: options.afterHeaders ?? false });
      const cutsBefore = relay.cuts();
      const response = await requestNode({ url: chgate!.url }, sql, { params: { query_id: queryId, ...options.params }, data: options.data });
      expect(relay.cuts() - cutsBefore, 'the relay cut the first answer').to.equal(1);
      return { response, executions: await attemptsOf(queryId), retries: await retriesByReason(chgate!) };
    }

    it('resends it to a Replicated*MergeTree table once; ClickHouse ran it twice and kept the rows once', async () => {
      chgate = await throughRelay();
      const queryId = `lost-answer-${Date.now()}`;
      const { response, executions, retries } = await insertCut(`INSERT INTO ${replicated} VALUES (1, 'a'), (2, 'b'), (3, 'c')`, queryId);
      console.log(`    replicated: HTTP ${response.status}, ClickHouse ran it ${executions}x, retries ${JSON.stringify(retries)}`);
      expect(response.status, response.body).to.equal(200);
      expect(executions, 'both attempts reached ClickHouse').to.equal(2);
      expect(retries['insert-dedup']).to.equal(1);
      expect(await queryNode(cluster.writer, `SELECT id, count() FROM ${replicated} GROUP BY id ORDER BY id`, admin())).to.equal('1\t1\n2\t1\n3\t1\n');
    });

    it('resends it, deduplicated, when the answer breaks after its status line and headers came', async () => {
      // ClickHouse answers an INSERT once it is done: a 200 whose body never ends means it ran (seen in CI when a
      // SIGKILL landed between the two; chgate answered 502 then).
      chgate = await throughRelay();
      const queryId = `lost-answer-after-headers-${Date.now()}`;
      const { response, executions, retries } = await insertCut(`INSERT INTO ${replicated} VALUES (7, 'g'), (8, 'h')`, queryId, { afterHeaders: true });
      expect(response.status, response.body).to.equal(200);
      expect(executions, 'both attempts reached ClickHouse').to.equal(2);
      expect(retries['insert-dedup']).to.equal(1);
      expect(await queryNode(cluster.writer, `SELECT id, count() FROM ${replicated} WHERE id IN (7, 8) GROUP BY id ORDER BY id`, admin())).to.equal('7\t1\n8\t1\n');
    });

    it('resends it to another writer that holds the same replicated table, where ClickHouse drops it too', async () => {
      // replica1 as a second writer: the same ZooKeeper path, so the same block hashes.
      const second = cluster.replicas[0]!;
      chgate = await throughRelay({ writers: [{ name: 'writer', url: relay.url }, { name: 'writer2', url: second.url }] });
      let cut: { id: number; status: number; body: string; upstream: string; queryId: string } | undefined;
      for (let id = 100; id < 120 && !cut; id++) {
        relay.arm(1);
        const before = relay.cuts();
        const queryId = `lost-answer-two-writers-${id}-${Date.now()}`;
        const response = await requestNode({ url: chgate.url }, `INSERT INTO ${replicated} VALUES (${id}, 'two')`, { params: { query_id: queryId } });
        if (relay.cuts() > before) cut = { id, status: response.status, body: response.body, upstream: String(response.headers['x-chgate-upstream']), queryId };
      }
      relay.arm(0);
      expect(cut, 'an INSERT went to the relayed writer first').to.not.equal(undefined);
      expect(cut!.status, cut!.body).to.equal(200);
      expect(cut!.upstream).to.equal('writer2');
      expect(await attemptsOf(cut!.queryId), 'attempts on the first writer').to.equal(1);
      await queryNode(second, 'SYSTEM FLUSH LOGS', admin());
      const onSecond = await queryNode(second, `SELECT count() FROM system.query_log WHERE query_id = '${cut!.queryId}' AND type = 1`, admin());
      expect(onSecond.trim(), 'attempts on writer2').to.equal('1');
      expect((await retriesByReason(chgate))['insert-dedup']).to.equal(1);
      // Both nodes have the row once, after replication.
      await waitForRowCount([cluster.writer, second], replicated, 1, 10_000, `id = ${cut!.id}`);
      for (const node of [cluster.writer, second]) {
        expect(await queryNode(node, `SELECT count() FROM ${replicated} WHERE id = ${cut!.id}`, admin()), node.name).to.equal('1\n');
      }
    });

    it('reads a body past the query head into memory and resends the same bytes', async () => {
      // The head is 1 KiB, so the CSV rows continue in the stream; insert_retry_max_body_bytes (1 MiB) holds them.
      chgate = await startTestChgate(cluster, {
        editConfig: (yaml) =>
          editLocal((local) => {
            local.writers = [{ name: 'writer', url: relay.url }];
            local.health = { enabled: false };
          })(yaml).replace(/^server:\n/m, 'server:\n  max_query_head_bytes: 1024\n'),
      });
      const rows = Array.from({ length: 1_000 }, (_, i) => `${1_000 + i},"row ${i}"`).join('\n');
      const queryId = `lost-answer-big-${Date.now()}`;
      const { response, executions, retries } = await insertCut(`INSERT INTO ${replicated} FORMAT CSV`, queryId, { data: `${rows}\n` });
      expect(response.status, response.body).to.equal(200);
      expect(executions).to.equal(2);
      expect(retries['insert-dedup']).to.equal(1);
      const counts = await queryNode(cluster.writer, `SELECT count(), uniqExact(id) FROM ${replicated} WHERE id >= 1000`, admin());
      expect(counts).to.equal('1000\t1000\n');
    });

    it('never resends it with insert_retry_max_body_bytes: 0; the client gets an error saying it may be applied', async () => {
      chgate = await throughRelay({ insert_retry_max_body_bytes: 0 });
      const { response, executions, retries } = await insertCut(`INSERT INTO ${replicated} VALUES (10, 'x')`, `lost-answer-off-${Date.now()}`);
      expect(response.status).to.equal(502);
      expect(response.body).to.match(CLICKHOUSE_ERROR).and.match(/may have been applied/);
      expect(executions).to.equal(1);
      expect(retries['insert-dedup'] ?? 0).to.equal(0);
      expect(await queryNode(cluster.writer, `SELECT count() FROM ${replicated} WHERE id = 10`, admin())).to.equal('1\n');
    });

    it('never resends it to a table that does not deduplicate: plain MergeTree, DEFAULT now(), VALUES (now())', async () => {
      chgate = await throughRelay();
      const cases = [
        { name: 'MergeTree', sql: `INSERT INTO ${plain} VALUES (1)`, check: `SELECT count() FROM ${plain} WHERE id = 1` },
        { name: 'DEFAULT now()', sql: `INSERT INTO ${withNow} (id) VALUES (1)`, check: `SELECT count() FROM ${withNow} WHERE id = 1` },
        // A table that deduplicates, but rows that ClickHouse computes anew on each attempt.
        { name: 'VALUES (now())', sql: `INSERT INTO ${replicated} VALUES (20, toString(now()))`, check: `SELECT count() FROM ${replicated} WHERE id = 20` },
      ];
      for (const each of cases) {
        const { response, executions, retries } = await insertCut(each.sql, `lost-answer-${each.name.replace(/\W/g, '')}-${Date.now()}`);
        expect(response.status, each.name).to.equal(502);
        expect(response.body, each.name).to.match(CLICKHOUSE_ERROR).and.match(/may have been applied/);
        expect(executions, `${each.name}: ClickHouse ran it once`).to.equal(1);
        expect(retries['insert-dedup'] ?? 0, each.name).to.equal(0);
        // Applied once: the error told the client only that chgate does not know.
        expect(await queryNode(cluster.writer, each.check, admin()), each.name).to.equal('1\n');
      }
    });
  });

  describe('concurrent INSERTs while the writer restarts', () => {
    let table = 'default.writer_restart';
    const ROWS_PER_INSERT = 3;

    interface Outcome {
      id: number;
      status: number;
      body: string;
      ms: number;
    }

    /** `clients` loops INSERTing unique ids (3 rows each) through chgate until stopped. */
    function startInsertLoad(url: string, { clients = 6, pauseMs = 5, maxMs = 40_000 } = {}) {
      const outcomes: Outcome[] = [];
      let nextId = 1;
      let stopped = false;
      const deadline = Date.now() + maxMs;
      const loop = async (client: number): Promise<void> => {
        while (!stopped && Date.now() < deadline) {
          const id = nextId++;
          const rows = Array.from({ length: ROWS_PER_INSERT }, (_, row) => `(${id}, ${row}, ${client})`).join(', ');
          const startedAt = Date.now();
          try {
            const response = await requestNode({ url }, `INSERT INTO ${table} VALUES ${rows}`, { timeoutMs: 30_000 });
            outcomes.push({ id, status: response.status, body: response.body, ms: Date.now() - startedAt });
          } catch (error) {
            outcomes.push({ id, status: 0, body: String(error), ms: Date.now() - startedAt });
          }
          await sleep(pauseMs);
        }
      };
      const done = Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
      return {
        outcomes,
        stop: async (): Promise<Outcome[]> => {
          stopped = true;
          await done;
          return outcomes;
        },
      };
    }

    /** Stops the writer with `signal`, waits for it to exit, starts it again; resolves when it answers /ping. */
    async function restartWriter(signal: NodeJS.Signals): Promise<{ downMs: number }> {
      const stoppedAt = Date.now();
      if (writerProc) {
        signalProcess(writerProc.pid, signal);
        await writerProc.exited;
      } else {
        signalProcess(cluster.writer.pid, signal);
        await waitUntil('the writer to exit', async () => !isAlive(cluster.writer.pid), { timeoutMs: 20_000, intervalMs: 20 });
      }
      writerProc = restartNode(cluster.writer);
      await waitForHttpOk(`${cluster.writer.url}/ping`, writerProc, 30_000);
      return { downMs: Date.now() - stoppedAt };
    }

    /** Waits until at least `count` INSERTs are on their way to the writer (bounded), so a kill meets some mid-request. */
    async function whenInFlight(count: number): Promise<number> {
      const writer = chgate!.running.clusters.get('local')!.nodes.find((node) => node.name === cluster.writer.name)!;
      const sent = (): number => writer.inFlight();
      const deadline = Date.now() + 2_000;
      while (sent() < count && Date.now() < deadline) await sleep(1);
      return sent();
    }

    async function runScenario(options: { maxBodyBytes?: number; restarts: NodeJS.Signals[] }) {
      // A fresh table each time: dropping one with thousands of parts right after a restart takes long.
      table = `default.writer_restart_${Date.now()}`;
      await createReplicated(table, 'id UInt64, row UInt8, client UInt8', '(id, row)');
      chgate = await startTestChgate(cluster, {
        editConfig: editLocal((local) => {
          local.health = { interval_ms: 500, timeout_ms: 500 };
          if (options.maxBodyBytes !== undefined) local.insert_retry_max_body_bytes = options.maxBodyBytes;
        }),
      });
      const load = startInsertLoad(chgate.url);
      const restarts: string[] = [];
      try {
        for (const signal of options.restarts) {
          await sleep(4_000);
          const inFlight = await whenInFlight(3);
          const { downMs } = await restartWriter(signal);
          restarts.push(`${signal} with ${inFlight} sent to the writer, back after ${downMs} ms`);
        }
        await sleep(4_000);
      } finally {
        await load.stop();
      }
      const outcomes = load.outcomes;
      const acked = outcomes.filter((o) => o.status === 200);
      const failed = outcomes.filter((o) => o.status !== 200);
      const rows = await queryNode(cluster.writer, `SELECT id, count() FROM ${table} GROUP BY id FORMAT TSV`, admin());
      const countById = new Map(rows.trim().split('\n').filter(Boolean).map((line) => line.split('\t').map(Number) as [number, number]));
      const ackedMissing = acked.filter((o) => countById.get(o.id) !== ROWS_PER_INSERT);
      const wrongCounts = [...countById].filter(([, count]) => count !== ROWS_PER_INSERT);
      const failedApplied = failed.filter((o) => countById.has(o.id)).length;
      const retries = await retriesByReason(chgate);
      const slowest = Math.max(0, ...outcomes.map((o) => o.ms));
      console.log(
        `    insert_retry_max_body_bytes ${options.maxBodyBytes ?? 'default'}: ${outcomes.length} INSERTs, ${acked.length} acked, ` +
          `${failed.length} failed (${failedApplied} of them applied anyway), retries ${JSON.stringify(retries)}; ` +
          `slowest ${slowest} ms; restarts: ${restarts.join('; ')}` +
          (failed.length > 0 ? `; first failure: ${failed[0]!.status} ${failed[0]!.body.trim().slice(0, 160)}` : ''),
      );
      return { outcomes, acked, failed, ackedMissing, wrongCounts, retries };
    }

    it('keeps every acknowledged INSERT exactly once, and fails none, through two SIGKILL restarts', async function () {
      this.timeout(90_000);
      const { outcomes, failed, ackedMissing, wrongCounts, retries } = await runScenario({ restarts: ['SIGKILL', 'SIGKILL'] });
      expect(outcomes.length, 'INSERTs sent').to.be.above(150);
      expect(wrongCounts.slice(0, 5), 'ids whose rows are not there exactly once').to.deep.equal([]);
      expect(ackedMissing.slice(0, 5), 'acknowledged INSERTs not in the table exactly once').to.deep.equal([]);
      expect(failed.filter((o) => !CLICKHOUSE_ERROR.test(o.body)).slice(0, 3), 'failures not in ClickHouse format').to.deep.equal([]);
      // INSERTs cut mid-request by the SIGKILL were resent, deduplicated; those that met a closed port waited.
      expect(retries['insert-dedup'] ?? 0, 'deduplicated resends').to.be.at.least(1);
      expect(failed.map((o) => `${o.status} ${o.body.trim()}`).slice(0, 3), 'failed INSERTs').to.deep.equal([]);
    });

    it('with insert_retry_max_body_bytes: 0, still keeps acknowledged INSERTs exactly once, but fails those cut mid-request', async function () {
      this.timeout(60_000);
      const { failed, ackedMissing, wrongCounts, retries } = await runScenario({ maxBodyBytes: 0, restarts: ['SIGKILL'] });
      expect(wrongCounts.slice(0, 5)).to.deep.equal([]);
      expect(ackedMissing.slice(0, 5)).to.deep.equal([]);
      expect(failed.filter((o) => !CLICKHOUSE_ERROR.test(o.body)).slice(0, 3)).to.deep.equal([]);
      expect(retries['insert-dedup'] ?? 0).to.equal(0);
      expect(failed.length, 'INSERTs cut by the SIGKILL reach their clients as errors').to.be.at.least(1);
    });
  });
});
