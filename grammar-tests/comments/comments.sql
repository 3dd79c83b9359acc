-- name: block comment naming SELECT before an INSERT
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
/* SELECT */ INSERT INTO analytics.events (user_id) VALUES (1)
-- ====
-- name: line comment before an INSERT
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- comment
INSERT INTO analytics.events (user_id) VALUES (1)
-- ====
-- name: line comment holding SELECT before a DROP
-- route: write
-- type: drop
-- reads:
-- writes: analytics.tmp
-- cacheable: false
-- SELECT * FROM analytics.tmp
DROP TABLE analytics.tmp
-- ====
-- name: hash comment before an ALTER
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
# SELECT 1
ALTER TABLE analytics.events DELETE WHERE user_id = 0
-- ====
-- name: hash-bang comment before a SELECT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
#!/usr/bin/env clickhouse-client
SELECT count() FROM analytics.events
-- ====
-- name: DROP inside a block comment after a SELECT
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 1 /* DROP TABLE x */
-- ====
-- name: DROP inside a line comment after a SELECT
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events -- ; DROP TABLE events
-- ====
-- name: INSERT inside a hash comment after a SELECT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events # ; INSERT INTO analytics.events VALUES (1)
-- ====
-- name: block comment between every token
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
/*a*/SELECT/*b*/count()/*c*/FROM/*d*/events/*e*/WHERE/*f*/user_id/*g*/=/*h*/1/*i*/
-- ====
-- name: line comments between every clause
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT -- the columns
    name, -- the event name
    count() -- how many
FROM -- the table
    events -- analytics events
GROUP BY name -- per name
-- ====
-- name: block comment between INSERT INTO and the table
-- route: write
-- type: insert
-- reads:
-- writes: events
-- cacheable: false
-- data: values
-- server: 18.16
INSERT /* x */ INTO /* y */ events (user_id, name) /* z */ VALUES (1, 'a')
-- ====
-- name: comment between database and table name
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics /* here */ . /* there */ events
-- ====
-- name: comment holding a semicolon does not split
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT /* ; */ count() FROM events
-- ====
-- name: line comment holding a semicolon does not split
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() -- ; DROP TABLE events;
FROM events
-- ====
-- name: multi-line block comment with SQL inside
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
/*
  Old version of this report:
  DELETE FROM analytics.events WHERE 1;
  INSERT INTO analytics.events SELECT * FROM analytics.backup;
*/
SELECT count() FROM analytics.events
-- ====
-- name: nested block comments hide a DROP
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- note: ClickHouse's lexer nests /* */ comments, as the SQL standard asks
/* outer /* inner */ DROP TABLE t; */ SELECT 1
-- ====
-- name: comment-looking text in a string stays text
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE name = '-- not a comment' OR name = '/* nor this */'
-- ====
-- name: comment right after the last token without space
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events--trailing
-- ====
-- name: line comment with no text
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
--
SELECT count() FROM analytics.events
--
-- ====
-- name: comment mentioning a table does not make it read
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events /* JOIN analytics.users ON 1 */
-- ====
-- name: comment mentioning a table does not make it written
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
INSERT INTO analytics.events /* , analytics.users */ (user_id) VALUES (1)
-- ====
-- name: comments around a multi-statement boundary
-- route: read, write
-- type: select, insert
-- reads:
-- reads[1]: analytics.events
-- writes:
-- writes[2]: analytics.log
-- cacheable: true, false
SELECT count() FROM analytics.events /* end of first */ ; /* start of second */ INSERT INTO analytics.log (msg) VALUES ('x')
-- ====
-- name: comment before a SET
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set max_threads=2
/* tuning */ SET max_threads = 2
-- ====
-- name: comment before USE
-- route: session
-- type: use
-- reads:
-- writes:
-- cacheable: false
-- session: use analytics
-- switch database
USE analytics
-- ====
-- name: comment inside a CREATE TABLE column list
-- route: write
-- type: create
-- reads:
-- writes: analytics.t
-- cacheable: false
CREATE TABLE analytics.t (
    id UInt64, -- primary id
    /* the name; may be empty */ name String
) ENGINE = MergeTree ORDER BY id
-- ====
-- name: comment before a SYSTEM statement
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
/* nightly */ SYSTEM FLUSH LOGS
-- ====
-- name: block comment before WITH ... SELECT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
/* INSERT INTO x */ WITH 1 AS one SELECT count() FROM analytics.events WHERE one = 1
-- ====
-- name: comment-only body holds no statement
-- route: none
/* nothing to run */
-- ====
-- name: line-comment-only body holds no statement
-- route: none
-- just a note
-- ====
-- name: comment characters inside a backtick identifier
-- route: read
-- type: select
-- reads: analytics.a--b
-- writes:
-- cacheable: true
SELECT count() FROM analytics.`a--b`
-- ====
-- name: comment characters inside a double-quoted identifier
-- route: read
-- type: select
-- reads: analytics.x/*y*/
-- writes:
-- cacheable: true
SELECT count() FROM analytics."x/*y*/"
-- ====
-- name: minus minus as arithmetic needs a space and is a comment without
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 1 - -1 --1
-- ====
-- name: comment before an EXPLAIN of a DROP
-- route: read
-- type: explain
-- reads: ?
-- writes:
-- cacheable: ?
-- note: EXPLAIN runs nothing; what it reads and whether it may be cached are left open by issue 3
/* check the plan */ EXPLAIN AST DROP TABLE analytics.events
-- ====
-- name: comment after the last semicolon is not a statement
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events; -- DROP TABLE analytics.events
-- ====
-- name: block comment after the last semicolon is not a statement
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events; /* TRUNCATE TABLE analytics.events */
-- ====
-- name: comment before OPTIMIZE
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
-- SELECT first
OPTIMIZE TABLE analytics.events FINAL
-- ====
-- name: hash inside a string is text
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name = 'a#b'
