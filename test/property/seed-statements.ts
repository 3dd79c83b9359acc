/**
 * Statements the property tests start from and mutate. Labels are what the statement does in
 * ClickHouse, decided by hand: they are the oracle the properties compare against.
 */

export const READ_STATEMENTS: readonly string[] = [
  'SELECT 1',
  'SELECT count() FROM analytics.events WHERE user_id IN (SELECT id FROM analytics.users WHERE vip = 1)',
  "WITH u AS (SELECT id FROM analytics.users) SELECT count() FROM analytics.events WHERE user_id IN u",
  'WITH 10 AS n SELECT number FROM numbers(n) WHERE number % 2 = 0',
  "SELECT a.id, b.name FROM db.a AS a GLOBAL ANY LEFT JOIN db.b AS b USING (id) WHERE a.ts > '2024-01-01' FORMAT JSON",
  'SELECT x FROM t FINAL SAMPLE 1/10 PREWHERE y = 1 WHERE z IN (1, 2, 3) GROUP BY x WITH TOTALS ORDER BY x LIMIT 1 BY x LIMIT 10',
  'SELECT arr, a FROM t ARRAY JOIN arr AS a SETTINGS max_threads = 2',
  "SELECT dictGet('geo.regions', 'name', region_id) AS region, count() FROM hits GROUP BY region",
  'SELECT * FROM t1 ASOF JOIN t2 ON t1.k = t2.k AND t1.ts >= t2.ts',
  '(SELECT a FROM x) UNION ALL (SELECT a FROM y) UNION DISTINCT SELECT a FROM z',
  'SELECT a FROM x INTERSECT SELECT a FROM y EXCEPT SELECT a FROM w',
  'SELECT * EXCEPT (secret) FROM accounts WHERE id = {id:UInt64}',
  'SELECT CASE WHEN a > 1 THEN \'big\' ELSE \'small\' END AS size, sum(v) OVER (PARTITION BY k ORDER BY ts) FROM m',
  'SHOW TABLES FROM analytics',
  'DESCRIBE TABLE analytics.events',
  'EXISTS TABLE analytics.events',
  'EXPLAIN PLAN SELECT * FROM analytics.events',
  'CHECK TABLE analytics.events',
  'SELECT * FROM system.parts WHERE active',
  "SELECT * FROM url('http://example.com/data.csv', CSV, 'a String')",
  'SELECT now(), rand() FROM numbers(3)',
];

export const WRITE_STATEMENTS: readonly string[] = [
  "INSERT INTO analytics.events (id, name) VALUES (1, 'a'), (2, 'b')",
  'INSERT INTO analytics.events SELECT * FROM staging.events WHERE ts > now() - 3600',
  'INSERT INTO analytics.events FORMAT JSONEachRow',
  'ALTER TABLE analytics.events DELETE WHERE user_id IN (SELECT id FROM analytics.banned)',
  'ALTER TABLE analytics.events ON CLUSTER main UPDATE name = lower(name) WHERE 1',
  'ALTER TABLE analytics.events REPLACE PARTITION 202401 FROM staging.events',
  'CREATE TABLE analytics.copy AS analytics.events ENGINE = MergeTree ORDER BY id',
  'CREATE MATERIALIZED VIEW analytics.mv TO analytics.daily AS SELECT toDate(ts) AS d, count() AS c FROM analytics.events GROUP BY d',
  'CREATE DATABASE IF NOT EXISTS scratch',
  'DROP TABLE IF EXISTS analytics.tmp, analytics.tmp2',
  'TRUNCATE TABLE analytics.events',
  'RENAME TABLE analytics.a TO analytics.b',
  'EXCHANGE TABLES analytics.a AND analytics.b',
  'OPTIMIZE TABLE analytics.events FINAL',
  'SYSTEM FLUSH LOGS',
  "KILL QUERY WHERE query_id = 'abc'",
  'GRANT SELECT ON analytics.* TO reader',
  'REVOKE ALL ON *.* FROM someone',
  'DELETE FROM analytics.events WHERE id = 1',
  'UPDATE analytics.events SET name = \'x\' WHERE id = 1',
  'CREATE USER bob IDENTIFIED WITH sha256_password BY \'secret\'',
  'SET DEFAULT ROLE reader TO bob',
  'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
  'DETACH TABLE analytics.events',
  'ATTACH TABLE analytics.events',
];

export const SESSION_STATEMENTS: readonly string[] = [
  'SET max_threads = 4',
  "SET load_balancing = 'random', max_memory_usage = 10000000000",
  'USE analytics',
  'SET ROLE reader',
];

/** Words and symbols random statements are built from. */
export const VOCABULARY: readonly string[] = [
  'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'VALUES', 'FORMAT', 'WITH', 'AS', 'JOIN', 'LEFT', 'ARRAY',
  'GLOBAL', 'IN', 'NOT', 'AND', 'OR', 'UNION', 'ALL', 'EXCEPT', 'ALTER', 'TABLE', 'DELETE', 'UPDATE', 'DROP',
  'CREATE', 'VIEW', 'MATERIALIZED', 'TO', 'SET', 'USE', 'SYSTEM', 'SHOW', 'EXPLAIN', 'SETTINGS', 'FINAL',
  'SAMPLE', 'LIMIT', 'BY', 'ORDER', 'GROUP', 'ON', 'USING', 't', 'db.t', 'x', '`q t`', '"dq"', "'str'",
  "'it''s'", "'a\\'b'", '$$here$$', '$x$doc$x$', '1', '2.5', '0x1F', '{p:UInt8}', '(', ')', '[', ']', ',', ';',
  '.', '*', '=', '+', '-', '->', '::', 'now()', 'count()', "dictGet('d', 'a', 1)", 'numbers(10)',
  "remote('h', db.t)", '-- c\n', '/* c */', '# c\n', '/* /* nested */ */', '\n', '\t',
];
