-- name: cte body reads a table, cte name is not a table
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
WITH u AS (SELECT id FROM analytics.users) SELECT count() FROM analytics.events WHERE user_id IN u
-- ====
-- name: cte used in FROM
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH recent AS (SELECT * FROM analytics.events WHERE event_date > '2024-01-01') SELECT count() FROM recent
-- ====
-- name: cte shadows a table of the same name
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH events AS (SELECT * FROM analytics.events WHERE value > 0) SELECT name, count() FROM events GROUP BY name
-- ====
-- name: qualified name equal to a cte name is a table
-- route: read
-- type: select
-- reads: archive.recent
-- writes:
-- cacheable: true
WITH recent AS (SELECT 1 AS x) SELECT * FROM archive.recent
-- ====
-- name: two ctes, second reads the first
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
WITH
    buyers AS (SELECT DISTINCT user_id FROM analytics.events WHERE name = 'buy'),
    rich AS (SELECT user_id FROM buyers WHERE user_id IN (SELECT id FROM analytics.users WHERE balance > 1000))
SELECT count() FROM rich
-- ====
-- name: cte joined with a table
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
WITH active AS (SELECT user_id, count() AS n FROM analytics.events GROUP BY user_id)
SELECT u.name, a.n FROM analytics.users AS u INNER JOIN active AS a ON a.user_id = u.id
-- ====
-- name: cte joined with itself
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH d AS (SELECT event_date, count() AS n FROM analytics.events GROUP BY event_date)
SELECT a.event_date, a.n - b.n FROM d AS a LEFT JOIN d AS b ON b.event_date = a.event_date - 1
-- ====
-- name: expression alias form WITH expr AS name
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
WITH toDate('2024-01-01') AS start SELECT count() FROM events WHERE event_date >= start
-- ====
-- name: several expression aliases
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
WITH 10 AS lo, 100 AS hi, lo + hi AS mid SELECT count() FROM events WHERE value BETWEEN lo AND hi AND value != mid
-- ====
-- name: scalar subquery alias reads its table
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
WITH (SELECT max(id) FROM users) AS top SELECT count() FROM events WHERE user_id = top
-- ====
-- name: aggregate expression alias
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
WITH sum(value) AS total SELECT name, total FROM events GROUP BY name ORDER BY total DESC
-- ====
-- name: expression alias whose name looks like a table
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH [1, 2, 3] AS users SELECT count() FROM analytics.events WHERE user_id IN users
-- ====
-- name: mixed cte forms
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
WITH 0.5 AS threshold, good AS (SELECT id FROM analytics.users WHERE score > threshold)
SELECT count() FROM analytics.events WHERE user_id IN good
-- ====
-- name: cte over a table function
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers
-- cacheable: true
WITH n AS (SELECT number FROM numbers(100)) SELECT sum(number) FROM n
-- ====
-- name: cte over a remote table function is not cacheable
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: remote
-- cacheable: false
WITH r AS (SELECT * FROM remote('replica-2:9000', analytics.events)) SELECT count() FROM r
-- ====
-- name: cte with a non-deterministic function
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
WITH today() AS d SELECT count() FROM analytics.events WHERE event_date = d
-- ====
-- name: cte body reading a system table
-- route: read
-- type: select
-- reads: system.parts
-- writes:
-- cacheable: false
WITH p AS (SELECT table, sum(rows) AS r FROM system.parts WHERE active GROUP BY table) SELECT * FROM p ORDER BY r DESC
-- ====
-- name: cte with UNION ALL body
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
WITH all_hits AS (SELECT ts FROM logs.web UNION ALL SELECT ts FROM logs.api) SELECT toStartOfHour(ts) AS h, count() FROM all_hits GROUP BY h
-- ====
-- name: recursive cte reads nothing
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) FROM r
-- ====
-- name: recursive cte walking a table
-- route: read
-- type: select
-- reads: org.employees
-- writes:
-- cacheable: true
WITH RECURSIVE chain AS (
    SELECT id, manager_id FROM org.employees WHERE id = 7
    UNION ALL
    SELECT e.id, e.manager_id FROM org.employees AS e JOIN chain AS c ON e.id = c.manager_id
)
SELECT count() FROM chain
-- ====
-- name: cte inside a FROM subquery
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * FROM (WITH x AS (SELECT user_id FROM analytics.events) SELECT count() FROM x)
-- ====
-- name: cte inside an IN subquery
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id IN (WITH v AS (SELECT id FROM analytics.users WHERE vip) SELECT id FROM v)
-- ====
-- name: cte whose body has a nested subquery
-- route: read
-- type: select
-- reads: shop.orders, shop.refunds
-- writes:
-- cacheable: true
WITH kept AS (SELECT id, amount FROM shop.orders WHERE id NOT IN (SELECT order_id FROM shop.refunds)) SELECT sum(amount) FROM kept
-- ====
-- name: cte name quoted with backticks
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH `my cte` AS (SELECT * FROM analytics.events) SELECT count() FROM `my cte`
-- ====
-- name: cte name used with GLOBAL IN
-- route: read
-- type: select
-- reads: analytics.events_all, analytics.users
-- writes:
-- cacheable: true
WITH ids AS (SELECT id FROM analytics.users) SELECT count() FROM analytics.events_all WHERE user_id GLOBAL IN ids
-- ====
-- name: cte then UNION of two selects using it
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH c AS (SELECT name FROM analytics.events) SELECT name FROM c WHERE name LIKE 'a%' UNION ALL SELECT name FROM c WHERE name LIKE 'b%'
-- ====
-- name: cte with FINAL and SAMPLE inside
-- route: read
-- type: select
-- reads: analytics.sessions
-- writes:
-- cacheable: true
WITH s AS (SELECT * FROM analytics.sessions FINAL SAMPLE 0.1) SELECT count() FROM s
-- ====
-- name: cte with dictGet
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.countries
-- cacheable: true
WITH e AS (SELECT dictGet('geo.countries', 'name', country_id) AS country FROM analytics.events) SELECT country, count() FROM e GROUP BY country
-- ====
-- name: deeply chained ctes
-- route: read
-- type: select
-- reads: raw.a, raw.b
-- writes:
-- cacheable: true
WITH a1 AS (SELECT * FROM raw.a), a2 AS (SELECT * FROM a1), a3 AS (SELECT * FROM a2 JOIN raw.b USING id), a4 AS (SELECT * FROM a3)
SELECT count() FROM a4
