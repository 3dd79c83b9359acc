-- name: SET then SELECT
-- route: session, read
-- type: set, select
-- reads:
-- reads[2]: analytics.events
-- writes:
-- cacheable: false, true
-- session[1]: set max_threads=4
-- session[2]: none
SET max_threads = 4; SELECT count() FROM analytics.events
-- ====
-- name: USE then SELECT of an unqualified table
-- route: session, read
-- type: use, select
-- reads:
-- reads[2]: events
-- writes:
-- cacheable: false, true
-- session[1]: use analytics
USE analytics; SELECT count() FROM events
-- ====
-- name: INSERT then SELECT
-- route: write, read
-- type: insert, select
-- reads:
-- reads[2]: analytics.events
-- writes:
-- writes[1]: analytics.events
-- cacheable: false, true
-- data[1]: values
INSERT INTO analytics.events (user_id) VALUES (1); SELECT count() FROM analytics.events
-- ====
-- name: two SELECTs
-- route: read, read
-- reads:
-- reads[1]: analytics.events
-- reads[2]: analytics.users
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events; SELECT count() FROM analytics.users
-- ====
-- name: two SELECTs with a trailing semicolon
-- route: read, read
-- reads:
-- writes:
-- cacheable: true
SELECT 1; SELECT 2;
-- ====
-- name: empty statements between semicolons are skipped
-- route: read, read
-- reads:
-- writes:
-- cacheable: true
;; SELECT 1 ;;; SELECT 2 ;;
-- ====
-- name: only semicolons and whitespace
-- route: none
 ; ;
;
-- ====
-- name: semicolon inside a string does not split
-- route: read, write
-- type: select, insert
-- reads:
-- writes:
-- writes[2]: analytics.log
-- cacheable: true, false
SELECT 'a;b'; INSERT INTO analytics.log (msg) VALUES ('c;d')
-- ====
-- name: semicolon inside a comment does not split
-- route: read, read
-- reads:
-- writes:
-- cacheable: true
SELECT 1 /* ; SELECT 3 ; */; SELECT 2 -- ; SELECT 4
-- ====
-- name: semicolon inside a quoted identifier does not split
-- route: read, read
-- reads:
-- reads[1]: analytics.a;b
-- writes:
-- cacheable: true
SELECT count() FROM analytics.`a;b`; SELECT 2
-- ====
-- name: statements on separate lines
-- route: session, write, read
-- type: set, create, select
-- reads:
-- reads[3]: tmp.t
-- writes:
-- writes[2]: tmp.t
-- cacheable: false, false, true
-- session[1]: set allow_experimental_object_type=1
SET allow_experimental_object_type = 1;
CREATE TABLE tmp.t (j JSON) ENGINE = Memory;
SELECT * FROM tmp.t;
-- ====
-- name: create, insert, select, drop
-- route: write, write, read, write
-- type: create, insert, select, drop
-- reads:
-- reads[3]: scratch.t
-- writes:
-- writes[1]: scratch.t
-- writes[2]: scratch.t
-- writes[4]: scratch.t
-- cacheable: false, false, true, false
CREATE TABLE scratch.t (x UInt8) ENGINE = Memory; INSERT INTO scratch.t VALUES (1), (2); SELECT sum(x) FROM scratch.t; DROP TABLE scratch.t
-- ====
-- name: read followed by a hidden write
-- route: read, write
-- type: select, drop
-- reads:
-- reads[1]: analytics.events
-- writes:
-- writes[2]: analytics.events
-- cacheable: true, false
SELECT count() FROM analytics.events; DROP TABLE analytics.events
-- ====
-- name: read followed by a write after a comment
-- route: read, write
-- type: select, alter
-- reads:
-- writes:
-- writes[2]: analytics.events
-- cacheable: true, false
SELECT 1; -- harmless
ALTER TABLE analytics.events DELETE WHERE 1
-- ====
-- name: read then INSERT FORMAT whose data holds statements
-- route: read, write
-- type: select, insert
-- reads:
-- writes:
-- writes[2]: analytics.log
-- cacheable: true, false
-- data[1]: none
-- data[2]: format
SELECT 1;
INSERT INTO analytics.log FORMAT TSV
DROP TABLE x; SELECT 2
-- ====
-- name: two INSERT VALUES
-- route: write, write
-- type: insert, insert
-- reads:
-- writes: analytics.events
-- writes[2]: analytics.users
-- cacheable: false
-- data: values
INSERT INTO analytics.events (user_id) VALUES (1), (2); INSERT INTO analytics.users (id, name) VALUES (1, 'x;y')
-- ====
-- name: INSERT VALUES then SELECT on the next line
-- route: write, read
-- type: insert, select
-- reads:
-- reads[2]: analytics.events
-- writes:
-- writes[1]: analytics.events
-- cacheable: false, true
-- data[1]: values
INSERT INTO analytics.events (user_id, name) VALUES (1, 'a'), (2, 'b');
SELECT count() FROM analytics.events
-- ====
-- name: SET ROLE then SELECT
-- route: session, read
-- type: set, select
-- reads:
-- reads[2]: analytics.events
-- writes:
-- cacheable: false, true
-- session[1]: other
SET ROLE analyst; SELECT count() FROM analytics.events
-- ====
-- name: SET DEFAULT ROLE among session statements
-- route: session, write
-- reads:
-- writes:
-- cacheable: false
-- session[1]: set max_threads=1
SET max_threads = 1; SET DEFAULT ROLE analyst TO jane
-- ====
-- name: USE, SET and a non-deterministic read
-- route: session, session, read
-- type: use, set, select
-- reads:
-- reads[3]: events
-- writes:
-- cacheable: false
-- session[1]: use analytics
-- session[2]: set max_threads=2
USE analytics; SET max_threads = 2; SELECT count() FROM events WHERE ts > now() - 60
-- ====
-- name: SYSTEM then SELECT from a system table
-- route: write, read
-- type: system, select
-- reads:
-- reads[2]: system.query_log
-- writes:
-- cacheable: false
SYSTEM FLUSH LOGS; SELECT count() FROM system.query_log
-- ====
-- name: EXPLAIN then the query
-- route: read, read
-- type: explain, select
-- reads: ?
-- reads[2]: analytics.events
-- writes:
-- cacheable: ?
-- cacheable[2]: true
EXPLAIN SELECT count() FROM analytics.events; SELECT count() FROM analytics.events
-- ====
-- name: mixed case and a semicolon in a heredoc
-- route: read, read
-- reads:
-- writes:
-- cacheable: true
select $$;$$; SeLeCt 2
-- ====
-- name: statement with a backslash-escaped quote then another
-- route: read, write
-- type: select, truncate
-- reads:
-- writes:
-- writes[2]: analytics.tmp
-- cacheable: true, false
SELECT 'it\'s; fine'; TRUNCATE TABLE analytics.tmp
-- ====
-- name: WITH INSERT then SELECT
-- route: write, read
-- type: insert, select
-- reads:
-- reads[1]: analytics.events
-- reads[2]: analytics.daily
-- writes:
-- writes[1]: analytics.daily
-- cacheable: false, true
WITH d AS (SELECT event_date, count() AS c FROM analytics.events GROUP BY event_date) INSERT INTO analytics.daily SELECT * FROM d; SELECT * FROM analytics.daily
-- ====
-- name: many reads in one body
-- route: read, read, read, read, read
-- reads:
-- reads[1]: a.t1
-- reads[2]: a.t2
-- reads[3]: a.t3
-- reads[4]: a.t4
-- reads[5]: a.t5
-- writes:
-- cacheable: true
SELECT * FROM a.t1; SELECT * FROM a.t2; SELECT * FROM a.t3; SELECT * FROM a.t4; SELECT * FROM a.t5
-- ====
-- name: body of comments between statements
-- route: read, read
-- reads:
-- writes:
-- cacheable: true
/* first */ SELECT 1; /* between */ -- also between
# and a hash comment
SELECT 2 /* last */
-- ====
-- name: OPTIMIZE after ALTER in one body
-- route: write, write
-- type: alter, optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DELETE WHERE user_id = 0; OPTIMIZE TABLE analytics.events FINAL
-- ====
-- name: RENAME then EXCHANGE
-- route: write, write
-- type: rename, exchange
-- reads:
-- writes:
-- writes[1]: a.x, a.y
-- writes[2]: a.y, a.z
-- cacheable: false
RENAME TABLE a.x TO a.y; EXCHANGE TABLES a.y AND a.z
-- ====
-- name: GRANT then SHOW GRANTS
-- route: write, read
-- type: grant, show
-- reads:
-- writes:
-- cacheable: false
GRANT SELECT ON analytics.* TO viewer; SHOW GRANTS FOR viewer
-- ====
-- name: INSERT SELECT then DELETE
-- route: write, write
-- type: insert, delete
-- reads:
-- reads[1]: staging.events
-- writes:
-- writes[1]: analytics.events
-- writes[2]: staging.events
-- cacheable: false
INSERT INTO analytics.events SELECT * FROM staging.events; DELETE FROM staging.events WHERE 1
