-- name: EXPLAIN of a SELECT
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
-- note: EXPLAIN runs nothing; its reads and cacheability are left open by issue 3
EXPLAIN SELECT count() FROM analytics.events WHERE user_id = 1
-- ====
-- name: EXPLAIN AST
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST SELECT * FROM analytics.events
-- ====
-- name: EXPLAIN SYNTAX
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN SYNTAX SELECT * FROM analytics.events AS e, analytics.users AS u WHERE e.user_id = u.id
-- ====
-- name: EXPLAIN QUERY TREE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN QUERY TREE SELECT name FROM analytics.events
-- ====
-- name: EXPLAIN PLAN with options
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN PLAN header = 1, actions = 1, indexes = 1 SELECT count() FROM analytics.events WHERE event_date = '2024-01-01'
-- ====
-- name: EXPLAIN PIPELINE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN PIPELINE graph = 1 SELECT sum(value) FROM analytics.events GROUP BY name
-- ====
-- name: EXPLAIN ESTIMATE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN ESTIMATE SELECT * FROM analytics.events WHERE event_date >= '2024-01-01'
-- ====
-- name: EXPLAIN of an INSERT SELECT is a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN INSERT INTO analytics.daily SELECT event_date, count() FROM analytics.events GROUP BY event_date
-- ====
-- name: EXPLAIN AST of an INSERT VALUES is a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST INSERT INTO analytics.events (user_id) VALUES (1)
-- ====
-- name: EXPLAIN AST of an ALTER DELETE is a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST ALTER TABLE analytics.events DELETE WHERE user_id = 0
-- ====
-- name: EXPLAIN AST of a DROP is a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST DROP TABLE analytics.events
-- ====
-- name: EXPLAIN AST of a CREATE TABLE is a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST CREATE TABLE analytics.t (id UInt64) ENGINE = MergeTree ORDER BY id
-- ====
-- name: EXPLAIN SYNTAX of a SELECT with a CTE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN SYNTAX WITH x AS (SELECT 1) SELECT * FROM x
-- ====
-- name: EXPLAIN of a SELECT with now
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN SELECT now()
-- ====
-- name: EXPLAIN with SETTINGS and FORMAT
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN json = 1, description = 0 SELECT 1 FORMAT TSVRaw
-- ====
-- name: EXPLAIN TABLE OVERRIDE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN TABLE OVERRIDE mysql('mysql:3306', 'shop', 'orders', 'reader', 'secret') PARTITION BY toYYYYMM(created)
-- ====
-- name: explain lower case of a TRUNCATE
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
explain ast truncate table analytics.events
-- ====
-- name: EXPLAIN of a SYSTEM statement is still a read
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
EXPLAIN AST SYSTEM FLUSH LOGS
