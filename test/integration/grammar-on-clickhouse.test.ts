/**
 * The corpus's read/write labels, checked against a real ClickHouse 18.16 (issue 3: "where a case can run on
 * ClickHouse 18.16, check its read/write label against the real server").
 *
 * Every case marked `-- server: 18.16` in grammar-tests/ runs on the writer node as the cluster's readonly user
 * (profile readonly=2), with `database=grammar_check`:
 *   - `read` and `session` cases must succeed (above all, never be refused with 164 READONLY); session cases run
 *     in an HTTP session of their own (`session_id`), which SET and USE need;
 *   - `write` cases must be refused with 164 READONLY — the only permission code 18.16 uses for a readonly user.
 * The tables the cases name are created here first, as the write user. Reads run before writes, so a write that the
 * server wrongly let through cannot break the reads.
 *
 * Reproduce one case by hand (cluster from scripts/local-cluster.ts):
 *   curl -H 'X-ClickHouse-User: chgate_reader' -H 'X-ClickHouse-Key: reader-secret' \
 *        --data 'ALTER TABLE events DELETE WHERE user_id = 0' 'http://127.0.0.1:19210/?database=grammar_check'
 *   → Code: 164, e.displayText() = DB::Exception: Cannot execute query in readonly mode
 */
import { expect } from 'chai';
import { parseErrorCode, queryNode, requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { loadCorpus, type GrammarCase } from '../grammar/load-cases.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const DB = 'grammar_check';
const READONLY = 164;

/** Schema the server-checked cases are written against (ClickHouse 18.16 syntax). */
const SETUP = [
  `DROP DATABASE IF EXISTS ${DB}`,
  `CREATE DATABASE ${DB}`,
  `CREATE TABLE ${DB}.events (event_date Date, ts DateTime, user_id UInt64, name String, value Float64, tags Array(String))
     ENGINE = MergeTree PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, intHash32(user_id)) SAMPLE BY intHash32(user_id)`,
  `CREATE TABLE ${DB}.events_copy AS ${DB}.events`,
  `CREATE TABLE ${DB}.users (id UInt64, name String, country String, age UInt8) ENGINE = MergeTree ORDER BY id`,
  `CREATE TABLE ${DB}.vip (id UInt64) ENGINE = Memory`,
  `CREATE TABLE ${DB}.totals (key String, hits UInt64) ENGINE = SummingMergeTree ORDER BY key`,
  `CREATE TABLE ${DB}.log_t (x UInt8) ENGINE = TinyLog`,
  `CREATE VIEW ${DB}.v_events AS SELECT user_id, name FROM ${DB}.events`,
  `CREATE MATERIALIZED VIEW ${DB}.mv_totals TO ${DB}.totals AS SELECT name AS key, count() AS hits FROM ${DB}.events GROUP BY key`,
  `INSERT INTO ${DB}.events VALUES
     ('2019-01-01', '2019-01-01 10:00:00', 1, 'click', 1.5, ['a', 'b']),
     ('2019-01-02', '2019-01-02 11:00:00', 2, 'buy', 20, ['c']),
     ('2019-02-01', '2019-02-01 12:00:00', 3, 'test', 0, [])`,
  `INSERT INTO ${DB}.events_copy SELECT * FROM ${DB}.events`,
  `INSERT INTO ${DB}.users VALUES (1, 'ann', 'NL', 30), (2, 'bob', 'XX', 40), (3, 'cy', 'NL', 50)`,
  `INSERT INTO ${DB}.vip VALUES (2)`,
  `INSERT INTO ${DB}.log_t VALUES (1)`,
];

const serverCases = loadCorpus().filter((c) => c.server === '18.16');
const title = (c: GrammarCase): string => `${c.file}: ${c.name}`;

describe('grammar corpus labels on ClickHouse 18.16 (readonly user)', function () {
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    for (const sql of SETUP) await queryNode(cluster.writer, sql, cluster.users.writer);
  });

  after(async function () {
    this.timeout(30_000);
    if (cluster) await queryNode(cluster.writer, `DROP DATABASE IF EXISTS ${DB}`, cluster.users.writer);
  });

  // SET and USE need an HTTP session (18.16 answers 113 "There is no session" without one).
  let sessions = 0;
  const run = (c: GrammarCase) =>
    requestNode(cluster.writer, c.sql, {
      ...cluster.users.reader,
      params: { database: DB, ...(c.statements[0]!.route === 'session' ? { session_id: `grammar-${process.pid}-${++sessions}` } : {}) },
    });

  it('marks at least 80 corpus cases as runnable on 18.16', () => {
    expect(serverCases.length).to.be.at.least(80);
  });

  describe('read and session cases run for the readonly user', () => {
    for (const c of serverCases.filter((x) => x.statements[0]!.route !== 'write')) {
      it(title(c), async () => {
        const response = await run(c);
        const code = parseErrorCode(response.body);
        if (code === READONLY) {
          expect.fail(`labelled ${c.statements[0]!.route} but ClickHouse refused it as a write: ${response.body.trim()}`);
        }
        // A 200 can still end in an exception: ClickHouse streams before it fails.
        expect(
          { status: response.status, exception: /DB::Exception/.test(response.body) },
          `${c.file}:${c.line} should run; ClickHouse said: ${response.body.trim().slice(0, 400)}`,
        ).to.deep.equal({ status: 200, exception: false });
      });
    }
  });

  describe('write cases are refused with 164 READONLY', () => {
    for (const c of serverCases.filter((x) => x.statements[0]!.route === 'write')) {
      it(title(c), async () => {
        const response = await run(c);
        expect(
          { refused: response.status !== 200, code: parseErrorCode(response.body) },
          `${c.file}:${c.line} should be refused as a write; ClickHouse said (HTTP ${response.status}): ` +
            response.body.trim().slice(0, 400),
        ).to.deep.equal({ refused: true, code: READONLY });
      });
    }
  });
});
