-- name: DROP TABLE inside a string is a read
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'DROP TABLE x'
-- ====
-- name: INSERT statement inside a string in WHERE
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE name = 'INSERT INTO events VALUES (1)'
-- ====
-- name: semicolon inside a string does not split
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'a; DROP TABLE t; b'
-- ====
-- name: doubled quote escape
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE name = 'it''s; DROP TABLE events'
-- ====
-- name: backslash quote escape keeps the string open
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'a\'; DROP TABLE t; --' AS x
-- ====
-- name: escaped backslash closes the string before a comment
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'a\\' AS x -- '; DROP TABLE t
-- ====
-- name: string with newline, tab and unicode escapes
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'line1\nline2\t\x41\\;'
-- ====
-- name: multi-line string literal holding statements
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name != '
DELETE FROM analytics.events WHERE 1;
TRUNCATE TABLE analytics.events;
'
-- ====
-- name: heredoc with a tag holding SQL
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
SELECT $doc$DROP TABLE t; INSERT INTO t VALUES ('x')$doc$ AS text
-- ====
-- name: heredoc without a tag
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
SELECT $$ ; DELETE FROM t WHERE 1; $$
-- ====
-- name: heredoc containing quotes and comment markers
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name = $q$it's -- not /* a comment$q$
-- ====
-- name: table name inside a string is not read
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE note = 'FROM analytics.secrets'
-- ====
-- name: string argument of a function that looks like SQL
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT length('ALTER TABLE t DELETE WHERE 1'), lower('SYSTEM SHUTDOWN')
-- ====
-- name: double-quoted identifier holding a semicolon and keywords
-- route: read
-- type: select
-- reads: analytics.drop; table
-- writes:
-- cacheable: true
SELECT count() FROM analytics."drop; table"
-- ====
-- name: backtick identifier holding a quote
-- route: read
-- type: select
-- reads: analytics.it's
-- writes:
-- cacheable: true
SELECT count() FROM analytics.`it's`
-- ====
-- name: backtick identifier with a doubled backtick
-- route: read
-- type: select
-- reads: analytics.a`b
-- writes:
-- cacheable: true
SELECT count() FROM analytics.`a``b`
-- ====
-- name: insert whose values hold a statement
-- route: write
-- type: insert
-- reads:
-- writes: events
-- cacheable: false
-- data: values
-- server: 18.16
INSERT INTO events (user_id, name) VALUES (1, 'SELECT 1; DROP TABLE events')
-- ====
-- name: alter update setting a string that holds a SELECT
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events UPDATE name = 'SELECT * FROM users' WHERE user_id = 1
-- ====
-- name: empty string literals and adjacent quotes
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT '', '''', concat('', ';', '')
-- ====
-- name: string right before a keyword without space
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 'x'AS a FROM events WHERE name='y'OR name='z'
-- ====
-- name: numeric literals of every form
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 1, -2, 3.5, 1e10, 0x1F, inf, nan, NULL
-- ====
-- name: format string with braces is not a parameter
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
SELECT format('{} and {}', 'a', 'b')
