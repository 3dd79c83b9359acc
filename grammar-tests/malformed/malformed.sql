-- name: misspelled SELECT
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- unknown: true
SELEC 1
-- ====
-- name: plain words
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- unknown: true
hello world
-- ====
-- name: JSON instead of SQL
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- unknown: true
{"query": "SELECT 1"}
-- ====
-- name: closing brackets only
-- route: write
-- reads:
-- writes:
-- cacheable: false
)))
-- ====
-- name: SELECT with FROM and no table
-- route: write
-- reads:
-- writes:
-- cacheable: false
SELECT * FROM
-- ====
-- name: SELECT with a dangling WHERE
-- route: write
-- reads:
-- writes:
-- cacheable: false
SELECT * FROM analytics.events WHERE
-- ====
-- name: SELECT with a dangling ORDER BY
-- route: write
-- reads:
-- writes:
-- cacheable: false
SELECT * FROM analytics.events ORDER BY
-- ====
-- name: SELECT with a dangling LIMIT
-- route: write
-- reads:
-- writes:
-- cacheable: false
SELECT * FROM analytics.events LIMIT
-- ====
-- name: unclosed bracket
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT count( FROM analytics.events
-- ====
-- name: unclosed subquery
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT * FROM analytics.events WHERE user_id IN (SELECT id FROM analytics.users
-- ====
-- name: unterminated string
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT 'abc
-- ====
-- name: unterminated string swallowing a later statement
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT 'abc; SELECT 1
-- ====
-- name: unterminated block comment
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT 1 /* never closed
-- ====
-- name: unterminated backtick identifier
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT * FROM `analytics.events
-- ====
-- name: unterminated double-quoted identifier
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- truncated: true
SELECT * FROM "analytics
-- ====
-- name: unclosed heredoc tag
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- note: ClickHouse's lexer reads an unclosed $tag$ as a bare word, so this is a syntax error, not a truncated heredoc
SELECT $tag$ no end
-- ====
-- name: extra closing bracket
-- route: write
-- reads:
-- writes:
-- cacheable: false
SELECT 1)
-- ====
-- name: INSERT without a target
-- route: write
-- reads:
-- writes:
-- cacheable: false
INSERT INTO
-- ====
-- name: bare DROP
-- route: write
-- reads:
-- writes:
-- cacheable: false
DROP
-- ====
-- name: ALTER TABLE without a command
-- route: write
-- reads:
-- writes: ?
-- cacheable: false
ALTER TABLE analytics.events
-- ====
-- name: WITH clause without a main query
-- route: write
-- reads: ?
-- writes:
-- cacheable: false
WITH x AS (SELECT 1)
-- ====
-- name: data-modifying CTE from another dialect
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
-- note: PostgreSQL syntax, not ClickHouse: a parse failure must fall back to the writer, never to a replica
WITH d AS (DELETE FROM analytics.events WHERE user_id = 0 RETURNING *) SELECT count() FROM d
-- ====
-- name: SELECT INTO a new table from another dialect
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
-- note: SQL Server / PostgreSQL SELECT INTO creates a table; ClickHouse rejects it, so it must not go to a replica
SELECT * INTO analytics.copy FROM analytics.events
-- ====
-- name: MySQL REPLACE INTO
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
REPLACE INTO analytics.users (id, name) VALUES (1, 'x')
-- ====
-- name: MERGE statement from another dialect
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
MERGE INTO analytics.users AS t USING analytics.staging AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name
-- ====
-- name: UPSERT keyword
-- route: write
-- reads:
-- writes: ?
-- cacheable: false
UPSERT INTO analytics.users VALUES (1)
-- ====
-- name: two SELECT keywords
-- route: write
-- reads: ?
-- writes:
-- cacheable: false
SELECT SELECT 1
-- ====
-- name: a lone comma after SELECT
-- route: write
-- reads: ?
-- writes:
-- cacheable: false
SELECT , FROM analytics.events
-- ====
-- name: binary-looking garbage
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- unknown: true
 ÿþ  ��  PK
-- ====
-- name: good statement then garbage
-- route: read, write
-- reads:
-- reads[1]: analytics.events
-- writes:
-- cacheable: true, false
SELECT count() FROM analytics.events; this is not sql
-- ====
-- name: garbage then a good statement
-- route: write, read
-- reads:
-- reads[2]: analytics.events
-- writes:
-- cacheable: false, true
not sql either; SELECT count() FROM analytics.events
-- ====
-- name: good statement then an unterminated string
-- route: read, write
-- reads:
-- reads[1]: analytics.events
-- writes:
-- cacheable: true, false
-- truncated[2]: true
SELECT count() FROM analytics.events; SELECT 'oops
-- ====
-- name: SELECT with a misspelled FROM
-- route: write
-- reads: ?
-- writes:
-- cacheable: false
SELECT * FORM analytics.events
-- ====
-- name: misspelled INSERT
-- route: write
-- reads:
-- writes: ?
-- cacheable: false
INSRET INTO analytics.events VALUES (1)
-- ====
-- name: parameter never closed
-- route: write
-- reads: ?
-- writes:
-- cacheable: false
SELECT count() FROM analytics.events WHERE user_id = {uid:UInt64
-- ====
-- name: lone keyword FORMAT
-- route: write
-- reads:
-- writes:
-- cacheable: false
FORMAT JSON
-- ====
-- name: lone SETTINGS clause
-- route: write
-- reads:
-- writes:
-- cacheable: false
SETTINGS max_threads = 1
