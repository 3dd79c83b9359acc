/**
 * Per-user and per-cluster limits (issue #6): concurrency with a bounded queue, requests per minute, request body
 * size, execution time (a chgate timer that KILLs the query) and result bytes streamed.
 * By hand, with users.default.limits { max_concurrent_queries: 2, max_queued: 1 }:
 *   for i in 1 2 3 4; do curl -s 'http://127.0.0.1:8124/' --data-binary "SELECT $i, sleep(1)" & done; wait
 * and with { max_execution_time_ms: 1000 }: curl -i 'http://127.0.0.1:8124/' --data-binary 'SELECT sleep(3)'
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { queryNode, waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { renderTestConfig, startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { nodesRunning } from '../helpers/clickhouse-side.js';
import { sendConcurrently, type Outcome } from '../helpers/concurrent-requests.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';
import { counterSum } from '../helpers/metric-values.js';

/** The generated config with `limits` (YAML flow mapping) on the default user, and optionally on the cluster. */
function withLimits(user: string, cluster?: string, cacheOn = false) {
  return (yaml: string): string => {
    let edited = yaml.replace(/^users:\n {2}default:\n/m, (found) => `${found}    limits: ${user}\n`);
    if (cluster) edited = edited.replace(/^clusters:\n {2}local:\n/m, (found) => `${found}    limits: ${cluster}\n`);
    if (cacheOn) edited = edited.replace(/^cache:\n {2}enabled: false\n/m, 'cache:\n  enabled: true\n');
    return edited;
  };
}

async function send(url: string, body: string | Readable, options: { path?: string; headers?: Record<string, string> } = {}): Promise<Outcome> {
  const startedAt = Date.now();
  const response = await request(`${url}${options.path ?? '/'}`, { method: 'POST', body, headers: options.headers });
  const text = await response.body.text();
  const code = response.headers['x-clickhouse-exception-code'];
  return { status: response.statusCode, code: typeof code === 'string' ? code : undefined, body: text, ms: Date.now() - startedAt };
}

const limitsHit = (chgate: TestChgate, limit: string): Promise<number> => counterSum(chgate.running.metrics.limitsHit, 'limit', limit);
const killed = (chgate: TestChgate, reason: string): Promise<number> => counterSum(chgate.running.metrics.killedQueries, 'reason', reason);

describe('limits', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  const runningOn = (queryId: string): Promise<string[]> => nodesRunning(cluster, queryId);

  /** query_log types of the query on every node (2 finished, 3/4 an exception; 18.16 has no exception_code). */
  const loggedAs = async (queryId: string): Promise<string[]> => {
    const found = await Promise.all(
      cluster.nodes.map(async (node) => {
        await queryNode(node, 'SYSTEM FLUSH LOGS', cluster.users.admin);
        const text = await queryNode(
          node,
          `SELECT toUInt8(type) FROM system.query_log WHERE query_id = '${queryId}' AND type != 1 FORMAT TSV`,
          cluster.users.admin,
        );
        return text.split('\n').filter((line) => line !== '');
      }),
    );
    return found.flat();
  };

  describe('concurrency', () => {
    it('runs max_concurrent_queries, queues max_queued (served later), refuses the next at once with code 202', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_concurrent_queries: 2, max_queued: 1, max_queue_wait_ms: 10000 }') });
      try {
        const outcomes = await sendConcurrently(chgate.url, [0, 1, 2, 3].map((i) => `SELECT ${i}, sleep(1)`));
        const served = outcomes.filter((outcome) => outcome.status === 200);
        const refused = outcomes.filter((outcome) => outcome.status !== 200);
        console.error(`      served in ${served.map((o) => o.ms).join(', ')} ms; refused in ${refused.map((o) => o.ms).join(', ')} ms`);
        expect(served).to.have.length(3);
        expect(refused).to.have.length(1);
        const [refusal] = refused as [Outcome];
        expect(refusal.status).to.equal(503);
        expect(refusal.code).to.equal('202');
        expect(refusal.body).to.match(/^Code: 202\. DB::Exception: chgate: too many simultaneous queries for user default: 2 running \(max 2\) and 1 waiting \(max 1\)\. \(TOO_MANY_SIMULTANEOUS_QUERIES\)\n$/);
        expect(refusal.ms).to.be.below(900);
        // Two ran at once; the queued one ran after one of them.
        const times = served.map((outcome) => outcome.ms).sort((a, b) => a - b);
        expect(times[1]).to.be.below(1_900);
        expect(times[2]).to.be.at.least(1_900);
        expect(await limitsHit(chgate, 'max_concurrent_queries')).to.equal(1);
      } finally {
        await chgate.stop();
      }
    });

    it('refuses a queued request after max_queue_wait_ms with code 202', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_concurrent_queries: 1, max_queued: 5, max_queue_wait_ms: 400 }') });
      try {
        const outcomes = await sendConcurrently(chgate.url, [0, 1, 2].map((i) => `SELECT ${i}, sleep(1)`));
        const served = outcomes.filter((outcome) => outcome.status === 200);
        const refused = outcomes.filter((outcome) => outcome.status !== 200);
        console.error(`      served in ${served.map((o) => o.ms).join(', ')} ms; timed out in ${refused.map((o) => o.ms).join(', ')} ms`);
        expect(served).to.have.length(1);
        expect(refused).to.have.length(2);
        for (const outcome of refused) {
          expect(outcome.status).to.equal(503);
          expect(outcome.code).to.equal('202');
          expect(outcome.body).to.contain('waited 400 ms in the queue (max_queue_wait_ms)');
          expect(outcome.ms).to.be.within(350, 990);
        }
        expect(await limitsHit(chgate, 'max_queue_wait_ms')).to.equal(2);
      } finally {
        await chgate.stop();
      }
    });

    it('applies the cluster-wide limit over all users', async () => {
      const chgate = await startTestChgate(cluster, { editConfig: withLimits('{}', '{ max_concurrent_queries: 1 }') });
      try {
        const outcomes = await sendConcurrently(chgate.url, ['SELECT 0, sleep(1)', 'SELECT 1, sleep(1)']);
        expect(outcomes.map((outcome) => outcome.status).sort()).to.deep.equal([200, 503]);
        const refused = outcomes.find((outcome) => outcome.status === 503);
        expect(refused?.body).to.contain('for cluster local');
        expect(await limitsHit(chgate, 'cluster_max_concurrent_queries')).to.equal(1);
      } finally {
        await chgate.stop();
      }
    });
  });

  it('refuses the request past requests_per_minute with QUOTA_EXCEEDED (201, 429), cache hits included', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ requests_per_minute: 5 }', undefined, true) });
    try {
      // The same cacheable read: a miss, then hits (from the third on, by the fast path).
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 6; i++) outcomes.push(await send(chgate.url, 'SELECT 42'));
      expect(outcomes.slice(0, 5).map((outcome) => outcome.status)).to.deep.equal([200, 200, 200, 200, 200]);
      const last = outcomes[5] as Outcome;
      expect(last.status).to.equal(429);
      expect(last.code).to.equal('201');
      expect(last.body).to.match(/^Code: 201\. DB::Exception: chgate: Quota for user default has been exceeded: more than 5 requests per minute \(requests_per_minute\); the next is allowed in \d+ ms\. \(QUOTA_EXCEEDED\)\n$/);
      const fastHits = await chgate.running.metrics.cacheFastHits.get();
      expect(fastHits.values[0]?.value ?? 0).to.be.at.least(1);
      expect(await limitsHit(chgate, 'requests_per_minute')).to.be.at.least(1);
    } finally {
      await chgate.stop();
    }
  });

  it('applies limits changed by a reload (SIGHUP) to the next request', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ requests_per_minute: 1000 }') });
    try {
      expect((await send(chgate.url, 'SELECT 1')).status).to.equal(200);
      const outcome = await chgate.running.reload(async () => parseConfigText(renderTestConfig(cluster, { editConfig: withLimits('{ requests_per_minute: 1 }') }), {}));
      expect(outcome.result).to.equal('success');
      // The bucket keeps its level, capped at the new size: one request, then the quota.
      expect((await send(chgate.url, 'SELECT 1')).status).to.equal(200);
      expect((await send(chgate.url, 'SELECT 1')).status).to.equal(429);
    } finally {
      await chgate.stop();
    }
  });

  describe('body size', () => {
    let chgate: TestChgate;
    before(async () => {
      chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_body_bytes: 1000 }') });
    });
    after(async () => chgate?.stop());

    const query = (bytes: number): string => {
      const head = 'SELECT 1 /* ';
      return `${head}${'x'.repeat(bytes - head.length - 3)} */`;
    };

    it('takes a body up to max_body_bytes, with Content-Length or chunked', async () => {
      expect((await send(chgate.url, query(1000))).status).to.equal(200);
      expect((await send(chgate.url, Readable.from([Buffer.from(query(1000).slice(0, 500)), Buffer.from(query(1000).slice(500))]))).status).to.equal(200);
    });

    it('refuses a larger Content-Length with QUERY_IS_TOO_LARGE (413) before reading it', async () => {
      const outcome = await send(chgate.url, query(1001));
      expect(outcome.status).to.equal(413);
      expect(outcome.code).to.equal('229');
      expect(outcome.body).to.match(/^Code: 229\. DB::Exception: chgate: the request body is 1001 bytes \(Content-Length\), more than max_body_bytes \(1000\)\. \(QUERY_IS_TOO_LARGE\)\n$/);
    });

    it('refuses a chunked body when it passes the limit with 413', async () => {
      const text = query(3000);
      const outcome = await send(chgate.url, Readable.from([Buffer.from(text.slice(0, 800)), Buffer.from(text.slice(800, 1600)), Buffer.from(text.slice(1600))]));
      expect(outcome.status).to.equal(413);
      expect(outcome.code).to.equal('229');
      expect(outcome.body).to.contain('more than max_body_bytes (1000)');
      // The connection is still usable: the rest of the body was read and dropped.
      expect((await send(chgate.url, 'SELECT 1')).status).to.equal(200);
      expect(await limitsHit(chgate, 'max_body_bytes')).to.equal(2);
    });
  });

  it('cuts chunked INSERT data that passes max_body_bytes while it streams to ClickHouse: 413, nothing past the limit sent', async () => {
    // Past server.max_query_head_bytes (1 MiB) INSERT data streams to the writer as it arrives: the cut happens there.
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_body_bytes: 2000000 }') });
    const table = `limits_body_${Date.now()}`;
    await queryNode(cluster.writer, `CREATE TABLE default.${table} (s String) ENGINE = MergeTree ORDER BY tuple()`, cluster.users.admin);
    try {
      // 100,000 rows of 29 bytes: 2.9 MB.
      const rows = (from: number, count: number): Buffer =>
        Buffer.from(Array.from({ length: count }, (_, i) => `${String(from + i).padStart(28, '0')}\n`).join(''));
      const body = Readable.from((function* () {
        yield Buffer.from(`INSERT INTO default.${table} FORMAT TSV\n`);
        for (let i = 0; i < 100; i++) yield rows(i * 1000, 1000);
      })());
      const outcome = await send(chgate.url, body);
      expect(outcome.status).to.equal(413);
      expect(outcome.code).to.equal('229');
      expect(outcome.body).to.contain('more than max_body_bytes (2000000)');
      // ClickHouse 18.16 takes a chunked body whose connection closed as complete and writes the rows it got (newer
      // servers refuse a truncated chunked body): never a row past the limit.
      const count = Number(await queryNode(cluster.writer, `SELECT count() FROM default.${table}`, cluster.users.admin));
      console.error(`      ${count} of 100000 rows written before the cut`);
      expect(count).to.be.at.most(Math.floor(2_000_000 / 29));
      await queryNode(cluster.writer, `TRUNCATE TABLE default.${table}`, cluster.users.admin);
      // Within the limit, the same kind of body goes in whole.
      const small = Readable.from([Buffer.from(`INSERT INTO default.${table} FORMAT TSV\n`), rows(0, 30_000), rows(30_000, 30_000)]);
      expect((await send(chgate.url, small)).status).to.equal(200);
      expect((await queryNode(cluster.writer, `SELECT count() FROM default.${table}`, cluster.users.admin)).trim()).to.equal('60000');
    } finally {
      await chgate.stop();
      await queryNode(cluster.writer, `DROP TABLE IF EXISTS default.${table}`, cluster.users.admin);
    }
  });

  it('kills a query past max_execution_time_ms and answers TIMEOUT_EXCEEDED (159)', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_execution_time_ms: 1000 }') });
    try {
      const queryId = randomUUID();
      const outcome = await send(chgate.url, 'SELECT sleep(3)', { path: `/?query_id=${queryId}` });
      console.error(`      answered ${outcome.status} after ${outcome.ms} ms`);
      expect(outcome.ms).to.be.within(900, 1_800);
      expect(outcome.code).to.equal('159');
      expect(outcome.status).to.equal(504);
      expect(outcome.body).to.match(/^Code: 159\. DB::Exception: chgate: Timeout exceeded: the query ran longer than max_execution_time_ms \(1000 ms\) and was killed\. \(TIMEOUT_EXCEEDED\)\n$/);
      expect(await killed(chgate, 'timeout')).to.equal(1);
      expect(await limitsHit(chgate, 'max_execution_time_ms')).to.equal(1);
      // 18.16's sleep() cannot be interrupted: the killed query leaves when its sleep ends, and never finishes.
      await waitUntil('the query to be gone from system.processes', async () => (await runningOn(queryId)).length === 0, { timeoutMs: 3_000, intervalMs: 50 });
      const logged = await waitUntil('the query in query_log', async () => {
        const rows = await loggedAs(queryId);
        return rows.length > 0 && rows;
      }, { timeoutMs: 5_000, intervalMs: 200 });
      expect(logged).to.not.include('2');
      // A query within the limit runs, with max_execution_time forwarded to ClickHouse (the next whole second).
      const quick = await send(chgate.url, "SELECT value FROM system.settings WHERE name = 'max_execution_time'");
      expect(quick.status).to.equal(200);
      expect(quick.body.trim()).to.equal('2');
    } finally {
      await chgate.stop();
    }
  });

  it('kills a long-running interruptible query at max_execution_time_ms: gone from system.processes at once', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_execution_time_ms: 1000 }') });
    try {
      const queryId = randomUUID();
      // A client-given max_execution_time larger than the user's is lowered; ClickHouse's own check is in whole seconds.
      const outcome = await send(chgate.url, 'SELECT count() FROM numbers(100000000000)', { path: `/?query_id=${queryId}&max_execution_time=600` });
      const answeredAt = Date.now();
      console.error(`      answered ${outcome.status} after ${outcome.ms} ms`);
      expect(outcome.code).to.equal('159');
      expect(outcome.body).to.match(/\(TIMEOUT_EXCEEDED\)\n$/);
      expect(outcome.ms).to.be.within(900, 2_100);
      await waitUntil('the query to be gone from system.processes', async () => (await runningOn(queryId)).length === 0, { timeoutMs: 2_000, intervalMs: 50 });
      console.error(`      gone from system.processes ${Date.now() - answeredAt} ms after the answer`);
      expect(await killed(chgate, 'timeout')).to.equal(1);
    } finally {
      await chgate.stop();
    }
  });

  it('ends a response already streaming with TIMEOUT_EXCEEDED at max_execution_time_ms, as ClickHouse reports late exceptions', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_execution_time_ms: 1500 }') });
    try {
      const queryId = randomUUID();
      // Blocks of 65536 rows, each after a 0.3 s pause: ClickHouse flushes output within the first second.
      const outcome = await send(chgate.url, 'SELECT number, sleep(0.3) FROM numbers(10000000)', { path: `/?query_id=${queryId}` });
      console.error(`      answered ${outcome.status} after ${outcome.ms} ms with ${outcome.body.length} bytes`);
      expect(outcome.status).to.equal(200);
      expect(outcome.body.startsWith('0\t0\n1\t0\n')).to.equal(true);
      expect(outcome.body).to.match(/Code: 159\. DB::Exception: chgate: Timeout exceeded: the query ran longer than max_execution_time_ms \(1500 ms\) and was killed\. \(TIMEOUT_EXCEEDED\)\n$/);
      expect(outcome.ms).to.be.within(1_400, 2_600);
      await waitUntil('the query to be gone from system.processes', async () => (await runningOn(queryId)).length === 0, { timeoutMs: 2_000, intervalMs: 50 });
      expect(await killed(chgate, 'timeout')).to.equal(1);
    } finally {
      await chgate.stop();
    }
  });

  it('cuts a result at max_result_bytes, ends it with TOO_MANY_ROWS_OR_BYTES (396) and kills the query', async () => {
    const chgate = await startTestChgate(cluster, { editConfig: withLimits('{ max_result_bytes: 100000 }') });
    try {
      const queryId = randomUUID();
      const outcome = await send(chgate.url, 'SELECT number FROM numbers(100000000)', { path: `/?query_id=${queryId}` });
      expect(outcome.status).to.equal(200);
      const exception = /Code: 396\. DB::Exception: chgate: Limit for result exceeded: more than max_result_bytes \(100000\) bytes; the rest of the result was not sent and the query was killed\. \(TOO_MANY_ROWS_OR_BYTES\)\n$/;
      expect(outcome.body).to.match(exception);
      const streamed = outcome.body.replace(exception, '');
      expect(Buffer.byteLength(streamed)).to.be.at.most(100_000);
      expect(streamed.startsWith('0\n1\n2\n')).to.equal(true);
      await waitUntil('the query to be gone from system.processes', async () => (await runningOn(queryId)).length === 0, { timeoutMs: 2_000, intervalMs: 50 });
      expect(await killed(chgate, 'result-bytes')).to.equal(1);
      // It did not run to its end on ClickHouse.
      const logged = await waitUntil('the query in query_log', async () => {
        const rows = await loggedAs(queryId);
        return rows.length > 0 && rows;
      }, { timeoutMs: 5_000, intervalMs: 200 });
      expect(logged).to.not.include('2');
    } finally {
      await chgate.stop();
    }
  });
});
