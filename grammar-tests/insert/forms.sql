-- name: VALUES without a column list
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: values
-- server: 18.16
INSERT INTO users VALUES (1, 'ann', 'NL', 30)
-- ====
-- name: VALUES with a column list
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: values
-- server: 18.16
INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')
-- ====
-- name: INSERT INTO TABLE keyword
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: values
-- server: 18.16
INSERT INTO TABLE users (id) VALUES (3)
-- ====
-- name: qualified target
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: values
INSERT INTO analytics.events (user_id, name) VALUES (1, 'click')
-- ====
-- name: quoted target
-- route: write
-- type: insert
-- reads:
-- writes: analytics.event log
-- cacheable: false
-- data: values
INSERT INTO `analytics`.`event log` (id) VALUES (1)
-- ====
-- name: lower case with no spaces before the tuple
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: values
-- server: 18.16
insert into users(id,name)values(4,'dan')
-- ====
-- name: VALUES over several lines
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: values
INSERT INTO analytics.events (user_id, name) VALUES
    (1, 'a'),
    (2, 'b'),
    (3, 'c')
-- ====
-- name: VALUES holding function calls
-- route: write
-- type: insert
-- reads:
-- writes: events
-- cacheable: false
-- data: values
-- server: 18.16
INSERT INTO events (event_date, ts, user_id) VALUES (today(), now(), rand())
-- ====
-- name: FORMAT CSV with inline data
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: format
-- server: 18.16
INSERT INTO users (id, name) FORMAT CSV
1,"ann"
2,"bob"
-- ====
-- name: FORMAT TabSeparated with data on the same line
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: format
-- server: 18.16
INSERT INTO users (id, name) FORMAT TabSeparated 5	eve
-- ====
-- name: FORMAT JSONEachRow with data holding statements
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: format
INSERT INTO analytics.events FORMAT JSONEachRow
{"user_id": 1, "name": "DROP TABLE analytics.events; SELECT 1"}
{"user_id": 2, "name": "'; TRUNCATE TABLE x; --"}
-- ====
-- name: FORMAT Values
-- route: write
-- type: insert
-- reads:
-- writes: users
-- cacheable: false
-- data: format
-- server: 18.16
INSERT INTO users (id, name) FORMAT Values (6, 'fay')
-- ====
-- name: FORMAT with data holding semicolons and SQL after it
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: format
-- note: data after FORMAT runs to the end of the body: the "; SELECT" is data, not a second statement
INSERT INTO analytics.events (name) FORMAT TSV
a;b
c; SELECT * FROM analytics.secrets;
-- ====
-- name: SETTINGS before VALUES
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: values
INSERT INTO analytics.events (user_id) SETTINGS async_insert = 1, wait_for_async_insert = 0 VALUES (1)
-- ====
-- name: SETTINGS before FORMAT
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: format
INSERT INTO analytics.events SETTINGS input_format_skip_unknown_fields = 1 FORMAT JSONEachRow
{"user_id": 1, "extra": true}
-- ====
-- name: INSERT SELECT
-- route: write
-- type: insert
-- reads: events
-- writes: events_copy
-- cacheable: false
-- data: none
-- server: 18.16
INSERT INTO events_copy SELECT * FROM events
-- ====
-- name: INSERT SELECT with a column list and a WHERE
-- route: write
-- type: insert
-- reads: events
-- writes: events_copy
-- cacheable: false
-- data: none
-- server: 18.16
INSERT INTO events_copy (event_date, user_id, name) SELECT event_date, user_id, name FROM events WHERE value > 0
-- ====
-- name: INSERT SELECT with a join
-- route: write
-- type: insert
-- reads: analytics.events, analytics.users
-- writes: analytics.enriched
-- cacheable: false
INSERT INTO analytics.enriched SELECT e.*, u.country FROM analytics.events AS e LEFT JOIN analytics.users AS u ON u.id = e.user_id
-- ====
-- name: INSERT SELECT with UNION ALL
-- route: write
-- type: insert
-- reads: logs.web, logs.api
-- writes: logs.all
-- cacheable: false
INSERT INTO logs.all SELECT * FROM logs.web UNION ALL SELECT * FROM logs.api
-- ====
-- name: INSERT SELECT with a subquery in IN
-- route: write
-- type: insert
-- reads: events, vip
-- writes: events_copy
-- cacheable: false
-- server: 18.16
INSERT INTO events_copy SELECT * FROM events WHERE user_id IN vip
-- ====
-- name: INSERT SELECT with a cte inside
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.daily
-- cacheable: false
INSERT INTO analytics.daily WITH d AS (SELECT event_date, count() AS c FROM analytics.events GROUP BY event_date) SELECT * FROM d
-- ====
-- name: INSERT SELECT with an expression cte
-- route: write
-- type: insert
-- reads: events
-- writes: events_copy
-- cacheable: false
-- server: 18.16
INSERT INTO events_copy WITH toDate('2024-01-01') AS d SELECT * FROM events WHERE event_date = d
-- ====
-- name: WITH before INSERT is a write
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.daily
-- cacheable: false
-- note: issue 3 asks that "WITH ... INSERT" be a write whatever the server makes of it
WITH d AS (SELECT event_date, count() AS c FROM analytics.events GROUP BY event_date) INSERT INTO analytics.daily SELECT * FROM d
-- ====
-- name: parenthesised SELECT after INSERT
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.archive
-- cacheable: false
INSERT INTO analytics.archive (SELECT * FROM analytics.events WHERE event_date < '2020-01-01')
-- ====
-- name: INSERT SELECT from a table function
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- functions: s3
-- cacheable: false
INSERT INTO analytics.events SELECT * FROM s3('https://bucket.s3.amazonaws.com/in/*.csv.gz', 'CSVWithNames')
-- ====
-- name: INSERT SELECT from numbers
-- route: write
-- type: insert
-- reads:
-- writes: users
-- functions: numbers
-- cacheable: false
-- server: 18.16
INSERT INTO users (id) SELECT number FROM numbers(10)
-- ====
-- name: INSERT SELECT from generateRandom
-- route: write
-- type: insert
-- reads:
-- writes: test.fuzz
-- functions: generateRandom
-- cacheable: false
INSERT INTO test.fuzz SELECT * FROM generateRandom('a UInt8, b String') LIMIT 1000
-- ====
-- name: INSERT SELECT with dictGet
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.enriched
-- dictionaries: geo.countries
-- cacheable: false
INSERT INTO analytics.enriched SELECT *, dictGet('geo.countries', 'name', toUInt64(country_id)) FROM analytics.events
-- ====
-- name: INSERT SELECT with SETTINGS at the end
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.archive
-- cacheable: false
INSERT INTO analytics.archive SELECT * FROM analytics.events SETTINGS max_insert_threads = 4
-- ====
-- name: INSERT SELECT from input with inline data
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- functions: input
-- cacheable: false
-- data: format
INSERT INTO analytics.events SELECT toDate(d), id, lower(n) FROM input('d String, id UInt64, n String') FORMAT CSV
2024-01-01,1,CLICK
2024-01-02,2,VIEW
-- ====
-- name: INSERT INTO FUNCTION remote
-- route: write
-- type: insert
-- reads:
-- writes:
-- functions: remote
-- cacheable: false
-- data: values
INSERT INTO FUNCTION remote('replica-2:9000', analytics.events) (user_id) VALUES (1)
-- ====
-- name: INSERT INTO TABLE FUNCTION file with SELECT
-- route: write
-- type: insert
-- reads: analytics.users
-- writes:
-- functions: file
-- cacheable: false
INSERT INTO TABLE FUNCTION file('export/users.csv', 'CSV', 'id UInt64, name String') SELECT id, name FROM analytics.users
-- ====
-- name: INSERT INTO FUNCTION s3 with FORMAT data
-- route: write
-- type: insert
-- reads:
-- writes:
-- functions: s3
-- cacheable: false
-- data: format
INSERT INTO FUNCTION s3('https://bucket.s3.amazonaws.com/out/data.csv', 'KEY', 'SECRET', 'CSV', 'a UInt32, b String') FORMAT CSV
1,"x"
-- ====
-- name: INSERT INTO FUNCTION url from numbers
-- route: write
-- type: insert
-- reads:
-- writes:
-- functions: url, numbers
-- cacheable: false
INSERT INTO FUNCTION url('http://sink:8080/ingest', 'JSONEachRow', 'n UInt64') SELECT number FROM numbers(3)
-- ====
-- name: INSERT INTO FUNCTION mysql
-- route: write
-- type: insert
-- reads: shop.orders
-- writes:
-- functions: mysql
-- cacheable: false
INSERT INTO FUNCTION mysql('mysql:3306', 'shop', 'orders_copy', 'writer', 'secret') SELECT * FROM shop.orders
-- ====
-- name: INSERT FROM INFILE
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
INSERT INTO analytics.events FROM INFILE 'events.csv.gz' COMPRESSION 'gzip' FORMAT CSV
-- ====
-- name: column list with EXCEPT matcher
-- route: write
-- type: insert
-- reads:
-- writes: analytics.events
-- cacheable: false
-- data: values
INSERT INTO analytics.events (* EXCEPT (ts)) VALUES ('2024-01-01', 1, 'x', 0, [], 1)
-- ====
-- name: INSERT into a Distributed table
-- route: write
-- type: insert
-- reads: analytics.events_local
-- writes: analytics.events_dist
-- cacheable: false
INSERT INTO analytics.events_dist SELECT * FROM analytics.events_local WHERE event_date = '2024-01-01'
-- ====
-- name: INSERT with a parameterised value
-- route: write
-- type: insert
-- reads:
-- writes: analytics.kv
-- cacheable: false
INSERT INTO analytics.kv SELECT {k:String}, {v:String}
-- ====
-- name: INSERT SELECT from a system table
-- route: write
-- type: insert
-- reads: system.parts
-- writes: ops.parts_history
-- cacheable: false
INSERT INTO ops.parts_history SELECT now(), database, table, rows FROM system.parts WHERE active
-- ====
-- name: INSERT SELECT with nested subqueries and a join
-- route: write
-- type: insert
-- reads: a.src, a.dim, a.filter
-- writes: a.dst
-- cacheable: false
INSERT INTO a.dst SELECT s.id, d.label FROM (SELECT id, k FROM a.src WHERE id IN (SELECT id FROM a.filter)) AS s ANY LEFT JOIN a.dim AS d USING k
