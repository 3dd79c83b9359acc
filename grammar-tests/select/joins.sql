-- name: INNER JOIN ON
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT u.name, count() FROM analytics.events AS e INNER JOIN analytics.users AS u ON e.user_id = u.id GROUP BY u.name
-- ====
-- name: plain JOIN defaults to inner
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT * FROM analytics.events JOIN analytics.users ON events.user_id = users.id
-- ====
-- name: LEFT JOIN
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT e.*, u.name FROM analytics.events e LEFT JOIN analytics.users u ON e.user_id = u.id
-- ====
-- name: LEFT OUTER JOIN
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT e.*, u.name FROM analytics.events e LEFT OUTER JOIN analytics.users u ON e.user_id = u.id
-- ====
-- name: RIGHT JOIN
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT u.id, count(e.user_id) FROM analytics.events e RIGHT JOIN analytics.users u ON e.user_id = u.id GROUP BY u.id
-- ====
-- name: RIGHT OUTER JOIN
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT u.id FROM analytics.events e RIGHT OUTER JOIN analytics.users u ON e.user_id = u.id
-- ====
-- name: FULL JOIN
-- route: read
-- type: select
-- reads: ledger.a, ledger.b
-- writes:
-- cacheable: true
SELECT a.k, b.k FROM ledger.a AS a FULL JOIN ledger.b AS b ON a.k = b.k
-- ====
-- name: FULL OUTER JOIN
-- route: read
-- type: select
-- reads: ledger.a, ledger.b
-- writes:
-- cacheable: true
SELECT a.k, b.k FROM ledger.a AS a FULL OUTER JOIN ledger.b AS b USING (k)
-- ====
-- name: CROSS JOIN
-- route: read
-- type: select
-- reads: dim.colors, dim.sizes
-- writes:
-- cacheable: true
SELECT c.name, s.name FROM dim.colors AS c CROSS JOIN dim.sizes AS s
-- ====
-- name: comma join
-- route: read
-- type: select
-- reads: dim.colors, dim.sizes
-- writes:
-- cacheable: true
SELECT c.name, s.name FROM dim.colors AS c, dim.sizes AS s WHERE c.id = s.color_id
-- ====
-- name: comma join of three tables without aliases
-- route: read
-- type: select
-- reads: t1, t2, db.t3
-- writes:
-- cacheable: true
SELECT count() FROM t1, t2, db.t3
-- ====
-- name: ANY LEFT JOIN USING
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT name, country FROM events ANY LEFT JOIN (SELECT id AS user_id, country FROM users) USING user_id
-- ====
-- name: ALL INNER JOIN USING
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events ALL INNER JOIN (SELECT id AS user_id FROM users) USING user_id
-- ====
-- name: ANY INNER JOIN
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events ANY INNER JOIN (SELECT id AS user_id, age FROM users) USING user_id
-- ====
-- name: ALL LEFT JOIN
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events ALL LEFT JOIN (SELECT id AS user_id, age FROM users) USING user_id
-- ====
-- name: joined table directly with USING
-- route: read
-- type: select
-- reads: events, events_copy
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events ANY LEFT JOIN events_copy USING user_id
-- ====
-- name: ANY RIGHT JOIN
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT * FROM analytics.events AS e ANY RIGHT JOIN analytics.users AS u ON e.user_id = u.id
-- ====
-- name: LEFT SEMI JOIN
-- route: read
-- type: select
-- reads: analytics.users, analytics.events
-- writes:
-- cacheable: true
SELECT u.id FROM analytics.users AS u LEFT SEMI JOIN analytics.events AS e ON e.user_id = u.id
-- ====
-- name: SEMI LEFT JOIN
-- route: read
-- type: select
-- reads: analytics.users, analytics.events
-- writes:
-- cacheable: true
SELECT u.id FROM analytics.users AS u SEMI LEFT JOIN analytics.events AS e ON e.user_id = u.id
-- ====
-- name: LEFT ANTI JOIN
-- route: read
-- type: select
-- reads: analytics.users, analytics.events
-- writes:
-- cacheable: true
SELECT u.id FROM analytics.users AS u LEFT ANTI JOIN analytics.events AS e ON e.user_id = u.id
-- ====
-- name: RIGHT ANTI JOIN
-- route: read
-- type: select
-- reads: analytics.users, analytics.events
-- writes:
-- cacheable: true
SELECT e.user_id FROM analytics.users AS u RIGHT ANTI JOIN analytics.events AS e ON e.user_id = u.id
-- ====
-- name: ASOF JOIN ON
-- route: read
-- type: select
-- reads: market.trades, market.quotes
-- writes:
-- cacheable: true
SELECT t.symbol, t.ts, q.bid FROM market.trades AS t ASOF JOIN market.quotes AS q ON t.symbol = q.symbol AND t.ts >= q.ts
-- ====
-- name: ASOF LEFT JOIN USING
-- route: read
-- type: select
-- reads: market.trades, market.quotes
-- writes:
-- cacheable: true
SELECT symbol, ts, bid FROM market.trades ASOF LEFT JOIN market.quotes USING (symbol, ts)
-- ====
-- name: GLOBAL JOIN
-- route: read
-- type: select
-- reads: analytics.events_dist, analytics.users_dist
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events_dist AS e GLOBAL JOIN analytics.users_dist AS u ON e.user_id = u.id
-- ====
-- name: GLOBAL ANY LEFT JOIN
-- route: read
-- type: select
-- reads: analytics.events_dist, analytics.users_dist
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events_dist GLOBAL ANY LEFT JOIN analytics.users_dist USING user_id
-- ====
-- name: GLOBAL ALL INNER JOIN with a subquery
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events GLOBAL ALL INNER JOIN (SELECT id AS user_id FROM users) USING user_id
-- ====
-- name: PASTE JOIN
-- route: read
-- type: select
-- reads: x.left_rows, x.right_rows
-- writes:
-- cacheable: true
SELECT * FROM (SELECT a FROM x.left_rows) AS l PASTE JOIN (SELECT b FROM x.right_rows) AS r
-- ====
-- name: ARRAY JOIN of a column
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT user_id, tags FROM analytics.events ARRAY JOIN tags
-- ====
-- name: LEFT ARRAY JOIN with alias
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id, t FROM events LEFT ARRAY JOIN tags AS t
-- ====
-- name: ARRAY JOIN of several arrays and an expression
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT user_id, tag, num FROM analytics.events ARRAY JOIN tags AS tag, arrayEnumerate(tags) AS num
-- ====
-- name: ARRAY JOIN of a nested structure
-- route: read
-- type: select
-- reads: analytics.visits
-- writes:
-- cacheable: true
SELECT goal.id, goal.reached FROM analytics.visits ARRAY JOIN goals AS goal
-- ====
-- name: ARRAY JOIN array literal over system.one
-- route: read
-- type: select
-- reads: system.one
-- writes:
-- cacheable: false
-- server: 18.16
SELECT x FROM system.one ARRAY JOIN [1, 2, 3] AS x
-- ====
-- name: ARRAY JOIN then regular JOIN
-- route: read
-- type: select
-- reads: analytics.events, dim.tags
-- writes:
-- cacheable: true
SELECT t.label FROM analytics.events AS e ARRAY JOIN e.tags AS tag LEFT JOIN dim.tags AS t ON t.code = tag
-- ====
-- name: join with a subquery
-- route: read
-- type: select
-- reads: shop.orders, shop.customers
-- writes:
-- cacheable: true
SELECT o.id, c.name FROM shop.orders AS o JOIN (SELECT id, name FROM shop.customers WHERE active) AS c ON c.id = o.customer_id
-- ====
-- name: join with a table function
-- route: read
-- type: select
-- reads: analytics.daily
-- writes:
-- functions: numbers
-- cacheable: true
SELECT n.number, d.total FROM numbers(31) AS n LEFT JOIN analytics.daily AS d ON d.day_of_month = n.number + 1
-- ====
-- name: join with a url table function is not cacheable
-- route: read
-- type: select
-- reads: analytics.users
-- writes:
-- functions: url
-- cacheable: false
SELECT u.id, x.flag FROM analytics.users AS u JOIN url('https://example.com/flags.csv', CSV, 'id UInt64, flag UInt8') AS x ON x.id = u.id
-- ====
-- name: three joins of different kinds
-- route: read
-- type: select
-- reads: s.a, s.b, s.c, s.d
-- writes:
-- cacheable: true
SELECT count() FROM s.a INNER JOIN s.b ON a.id = b.a_id LEFT JOIN s.c ON c.id = b.c_id CROSS JOIN s.d
-- ====
-- name: join nested inside a joined subquery
-- route: read
-- type: select
-- reads: w.a, w.b, w.c
-- writes:
-- cacheable: true
SELECT * FROM w.a JOIN (SELECT b.id, c.v FROM w.b AS b JOIN w.c AS c ON c.id = b.id) AS bc ON bc.id = a.id
-- ====
-- name: self join reports the table once
-- route: read
-- type: select
-- reads: org.employees
-- writes:
-- cacheable: true
SELECT e.name, m.name FROM org.employees AS e LEFT JOIN org.employees AS m ON m.id = e.manager_id
-- ====
-- name: join with FINAL on both sides
-- route: read
-- type: select
-- reads: crm.contacts, crm.companies
-- writes:
-- cacheable: true
SELECT * FROM crm.contacts AS p FINAL JOIN crm.companies AS c FINAL ON c.id = p.company_id
-- ====
-- name: join with SETTINGS
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT * FROM analytics.events AS e LEFT JOIN analytics.users AS u ON u.id = e.user_id SETTINGS join_use_nulls = 1, join_algorithm = 'hash'
-- ====
-- name: join USING without parentheses
-- route: read
-- type: select
-- reads: analytics.events, analytics.sessions
-- writes:
-- cacheable: true
SELECT * FROM analytics.events LEFT JOIN analytics.sessions USING session_id
-- ====
-- name: join with a system table is not cacheable
-- route: read
-- type: select
-- reads: analytics.events, system.parts
-- writes:
-- cacheable: false
SELECT p.partition, count() FROM analytics.events AS e JOIN system.parts AS p ON p.partition = toString(toYYYYMM(e.event_date))
-- ====
-- name: join on an unqualified and a quoted table
-- route: read
-- type: select
-- reads: orders, order items
-- writes:
-- cacheable: true
SELECT * FROM orders JOIN `order items` AS i ON i.order_id = orders.id
-- ====
-- name: join of a cte and a table
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
WITH top AS (SELECT user_id FROM analytics.events GROUP BY user_id ORDER BY count() DESC LIMIT 10)
SELECT u.name FROM top ANY LEFT JOIN analytics.users AS u ON u.id = top.user_id
-- ====
-- name: ANY LEFT JOIN after an aliased subquery
-- route: read
-- type: select
-- reads: a.src, a.dim
-- writes:
-- cacheable: true
SELECT s.id, d.label FROM (SELECT id, k FROM a.src) AS s ANY LEFT JOIN a.dim AS d USING k
-- ====
-- name: LEFT JOIN after an aliased subquery
-- route: read
-- type: select
-- reads: a.src, a.dim
-- writes:
-- cacheable: true
SELECT s.id, d.label FROM (SELECT id, k FROM a.src) AS s LEFT JOIN a.dim AS d ON d.k = s.k
-- ====
-- name: join after a subquery holding an IN subquery
-- route: read
-- type: select
-- reads: a.src, a.dim, a.filter
-- writes:
-- cacheable: true
SELECT s.id, d.label FROM (SELECT id, k FROM a.src WHERE id IN (SELECT id FROM a.filter)) AS s LEFT JOIN a.dim AS d USING k
