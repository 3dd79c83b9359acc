-- name: constant select without FROM
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
-- server: 18.16
SELECT 1
-- ====
-- name: qualified table
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, count() FROM analytics.events GROUP BY event_date
-- ====
-- name: unqualified table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events
-- ====
-- name: lower-case keywords
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
select name, sum(value) from events where user_id = 42 group by name order by name
-- ====
-- name: mixed-case keywords
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SeLeCt DiStInCt name FrOm events WhErE value > 1
-- ====
-- name: backtick-quoted database and table
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * FROM `analytics`.`events` LIMIT 10
-- ====
-- name: double-quoted database and table
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * FROM "analytics"."events" LIMIT 10
-- ====
-- name: quoted table name with a space and a dash
-- route: read
-- type: select
-- reads: web logs.page-views
-- writes:
-- cacheable: true
SELECT count() FROM `web logs`.`page-views`
-- ====
-- name: table alias with AS
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT e.user_id FROM analytics.events AS e WHERE e.value > 0
-- ====
-- name: table alias without AS
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT e.user_id FROM analytics.events e WHERE e.value > 0
-- ====
-- name: FINAL modifier
-- route: read
-- type: select
-- reads: totals
-- writes:
-- cacheable: true
-- server: 18.16
SELECT key, hits FROM totals FINAL WHERE hits > 0
-- ====
-- name: FINAL with alias
-- route: read
-- type: select
-- reads: analytics.sessions
-- writes:
-- cacheable: true
SELECT s.id FROM analytics.sessions AS s FINAL
-- ====
-- name: SAMPLE fraction
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events SAMPLE 0.1
-- ====
-- name: SAMPLE ratio with OFFSET
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() * 10 FROM events SAMPLE 1/10 OFFSET 1/2
-- ====
-- name: SAMPLE absolute rows
-- route: read
-- type: select
-- reads: analytics.hits
-- writes:
-- cacheable: true
SELECT avg(duration) FROM analytics.hits SAMPLE 10000000
-- ====
-- name: PREWHERE and WHERE
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id FROM events PREWHERE event_date = '2024-01-01' WHERE name = 'click'
-- ====
-- name: LIMIT BY
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id, name FROM events ORDER BY ts DESC LIMIT 3 BY user_id
-- ====
-- name: LIMIT BY with offset and a global LIMIT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT user_id, name FROM analytics.events ORDER BY ts LIMIT 1, 2 BY user_id LIMIT 100
-- ====
-- name: GROUP BY WITH TOTALS
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT name, count() FROM events GROUP BY name WITH TOTALS
-- ====
-- name: GROUP BY WITH ROLLUP
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, name, count() FROM analytics.events GROUP BY event_date, name WITH ROLLUP
-- ====
-- name: GROUP BY WITH CUBE and TOTALS
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, name, count() FROM analytics.events GROUP BY event_date, name WITH CUBE WITH TOTALS
-- ====
-- name: GROUP BY ROLLUP function form
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, name, sum(value) FROM analytics.events GROUP BY ROLLUP(event_date, name)
-- ====
-- name: GROUPING SETS
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, name, count() FROM analytics.events GROUP BY GROUPING SETS ((event_date), (name), ())
-- ====
-- name: HAVING
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id, count() AS c FROM events GROUP BY user_id HAVING c > 10
-- ====
-- name: ORDER BY WITH FILL
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT event_date, count() FROM analytics.events GROUP BY event_date ORDER BY event_date WITH FILL FROM toDate('2024-01-01') TO toDate('2024-02-01') STEP 1
-- ====
-- name: ORDER BY WITH FILL and INTERPOLATE
-- route: read
-- type: select
-- reads: metrics.gauges
-- writes:
-- cacheable: true
SELECT t, v FROM metrics.gauges ORDER BY t WITH FILL STEP 60 INTERPOLATE (v AS v)
-- ====
-- name: LIMIT with OFFSET keyword
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * FROM analytics.events ORDER BY ts LIMIT 10 OFFSET 20
-- ====
-- name: LIMIT offset comma count
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM events ORDER BY ts LIMIT 20, 10
-- ====
-- name: LIMIT WITH TIES
-- route: read
-- type: select
-- reads: analytics.scores
-- writes:
-- cacheable: true
SELECT player, score FROM analytics.scores ORDER BY score DESC LIMIT 3 WITH TIES
-- ====
-- name: OFFSET FETCH standard form
-- route: read
-- type: select
-- reads: analytics.scores
-- writes:
-- cacheable: true
SELECT player FROM analytics.scores ORDER BY score DESC OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY
-- ====
-- name: FORMAT clause
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT name, count() FROM events GROUP BY name FORMAT JSON
-- ====
-- name: FORMAT TabSeparatedWithNamesAndTypes
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM events LIMIT 5 FORMAT TabSeparatedWithNamesAndTypes
-- ====
-- name: SETTINGS clause
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events SETTINGS max_threads = 2, max_execution_time = 30
-- ====
-- name: SETTINGS then FORMAT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT name FROM analytics.events LIMIT 1 SETTINGS max_block_size = 1024 FORMAT JSONEachRow
-- ====
-- name: every clause in one query
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT DISTINCT user_id, name, count() AS c
FROM analytics.events AS e FINAL SAMPLE 0.5
PREWHERE event_date >= '2024-01-01'
WHERE name != ''
GROUP BY user_id, name WITH TOTALS
HAVING c > 1
ORDER BY c DESC
LIMIT 2 BY user_id
LIMIT 100
SETTINGS max_threads = 4
FORMAT CSVWithNames
-- ====
-- name: DISTINCT ON
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT DISTINCT ON (user_id) user_id, name FROM analytics.events ORDER BY user_id, ts
-- ====
-- name: TOP n
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT TOP 5 user_id FROM analytics.events ORDER BY value DESC
-- ====
-- name: GROUP BY ALL and ORDER BY ALL
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT name, count() FROM analytics.events GROUP BY ALL ORDER BY ALL
-- ====
-- name: window function with named WINDOW
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT user_id, ts, sum(value) OVER w AS running FROM analytics.events WINDOW w AS (PARTITION BY user_id ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
-- ====
-- name: QUALIFY
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT user_id, ts, row_number() OVER (PARTITION BY user_id ORDER BY ts) AS rn FROM analytics.events QUALIFY rn = 1
-- ====
-- name: column transformers EXCEPT REPLACE APPLY are not set operations
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * EXCEPT (tags) REPLACE (value * 2 AS value) FROM analytics.events
-- ====
-- name: star EXCEPT without parentheses
-- route: read
-- type: select
-- reads: analytics.users
-- writes:
-- cacheable: true
SELECT * EXCEPT password_hash FROM analytics.users
-- ====
-- name: COLUMNS matcher with APPLY
-- route: read
-- type: select
-- reads: metrics.daily
-- writes:
-- cacheable: true
SELECT COLUMNS('^cnt_') APPLY(sum) FROM metrics.daily
-- ====
-- name: lambdas, CASE, casts, tuple and map access
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT arrayMap(x -> upper(x), tags) AS t, CASE WHEN value > 10 THEN 'big' ELSE 'small' END AS size, CAST(user_id AS String) AS uid, value::Int64 AS iv, (1, 'a').2 AS second, map('k', 1)['k'] AS m FROM analytics.events
-- ====
-- name: INTERVAL arithmetic with a fixed date
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE ts >= toDateTime('2024-03-01 00:00:00') - INTERVAL 7 DAY
-- ====
-- name: parenthesised select
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
(SELECT count() FROM analytics.events)
-- ====
-- name: trailing semicolon is not a second statement
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
SELECT count() FROM events;
-- ====
-- name: leading blank lines and indentation
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
    
		SELECT
		    count()
		FROM
		    analytics.events
-- ====
-- name: Windows line ends
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
-- newline: crlf
SELECT user_id
FROM analytics.events
WHERE value > 0
-- ====
-- name: keyword-named columns are only columns
-- route: read
-- type: select
-- reads: analytics.audit
-- writes:
-- cacheable: true
SELECT `insert`, `delete`, `drop`, `update` FROM analytics.audit WHERE `alter` = 1
-- ====
-- name: table named like a keyword
-- route: read
-- type: select
-- reads: ops.insert
-- writes:
-- cacheable: true
SELECT * FROM ops.`insert`
-- ====
-- name: table called system outside the system database is cacheable
-- route: read
-- type: select
-- reads: ops.system
-- writes:
-- cacheable: true
SELECT * FROM ops.system
-- ====
-- name: database with system prefix is not the system database
-- route: read
-- type: select
-- reads: systemx.tables
-- writes:
-- cacheable: true
SELECT * FROM systemx.tables
-- ====
-- name: table name starting with system_
-- route: read
-- type: select
-- reads: system_events
-- writes:
-- cacheable: true
SELECT * FROM system_events
-- ====
-- name: scalar select on a temporary-looking name
-- route: read
-- type: select
-- reads: _tmp_upload
-- writes:
-- cacheable: true
SELECT count() FROM _tmp_upload
-- ====
-- name: select from a view
-- route: read
-- type: select
-- reads: v_events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM v_events LIMIT 3
-- ====
-- name: select from a materialized view
-- route: read
-- type: select
-- reads: mv_totals
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM mv_totals
-- ====
-- name: ARRAY JOIN column is not a table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id, tag FROM events ARRAY JOIN tags AS tag
-- ====
-- name: arrayJoin function
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT arrayJoin(tags) AS tag, count() FROM events GROUP BY tag
-- ====
-- name: aggregate combinators and -If
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
SELECT uniqIf(user_id, name = 'buy'), sumArray([1, 2]), avgOrDefault(value) FROM events
-- ====
-- name: deterministic date functions on columns
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT toStartOfHour(ts) AS h, toYYYYMM(event_date) AS m, count() FROM events GROUP BY h, m ORDER BY h
