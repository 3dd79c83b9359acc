-- name: subquery in FROM
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT avg(c) FROM (SELECT user_id, count() AS c FROM events GROUP BY user_id)
-- ====
-- name: subquery in FROM with alias
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT t.c FROM (SELECT count() AS c FROM analytics.events) AS t
-- ====
-- name: IN subquery
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id IN (SELECT id FROM users WHERE country = 'NL')
-- ====
-- name: NOT IN subquery
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id NOT IN (SELECT id FROM users)
-- ====
-- name: GLOBAL IN subquery
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id GLOBAL IN (SELECT id FROM users)
-- ====
-- name: GLOBAL NOT IN subquery
-- route: read
-- type: select
-- reads: analytics.events_dist, analytics.bots
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events_dist WHERE user_id GLOBAL NOT IN (SELECT id FROM analytics.bots)
-- ====
-- name: bare table on the right of IN
-- route: read
-- type: select
-- reads: events, vip
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id IN vip
-- ====
-- name: qualified bare table on the right of IN
-- route: read
-- type: select
-- reads: analytics.events, analytics.vip
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id IN analytics.vip
-- ====
-- name: bare table on the right of NOT IN
-- route: read
-- type: select
-- reads: events, vip
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id NOT IN vip
-- ====
-- name: bare table on the right of GLOBAL IN
-- route: read
-- type: select
-- reads: events, vip
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id GLOBAL IN vip
-- ====
-- name: bare table on the right of GLOBAL NOT IN
-- route: read
-- type: select
-- reads: analytics.events, analytics.blocked
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id GLOBAL NOT IN analytics.blocked
-- ====
-- name: backtick table on the right of IN
-- route: read
-- type: select
-- reads: analytics.events, analytics.vip list
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id IN `analytics`.`vip list`
-- ====
-- name: IN a literal list reads no extra table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id IN (1, 2, 3)
-- ====
-- name: IN a string list reads no extra table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE name IN ('users', 'orders')
-- ====
-- name: IN a tuple function reads no extra table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id IN tuple(1, 2)
-- ====
-- name: IN an array literal
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id IN [1, 2, 3]
-- ====
-- name: tuple IN table
-- route: read
-- type: select
-- reads: analytics.events, analytics.pairs
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE (user_id, name) IN analytics.pairs
-- ====
-- name: IN inside a function argument
-- route: read
-- type: select
-- reads: analytics.events, analytics.vip
-- writes:
-- cacheable: true
SELECT countIf(user_id IN analytics.vip) FROM analytics.events
-- ====
-- name: IN in the SELECT list
-- route: read
-- type: select
-- reads: analytics.events, analytics.vip
-- writes:
-- cacheable: true
SELECT user_id, user_id IN (SELECT id FROM analytics.vip) AS is_vip FROM analytics.events
-- ====
-- name: scalar subquery in the SELECT list
-- route: read
-- type: select
-- reads: events, users
-- writes:
-- cacheable: true
-- server: 18.16
SELECT (SELECT count() FROM users) AS total_users, count() AS total_events FROM events
-- ====
-- name: scalar subquery in WHERE
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM events WHERE ts = (SELECT max(ts) FROM events)
-- ====
-- name: scalar subquery in HAVING
-- route: read
-- type: select
-- reads: shop.orders, shop.targets
-- writes:
-- cacheable: true
SELECT customer, sum(amount) AS s FROM shop.orders GROUP BY customer HAVING s > (SELECT avg(target) FROM shop.targets)
-- ====
-- name: EXISTS subquery
-- route: read
-- type: select
-- reads: shop.customers, shop.orders
-- writes:
-- cacheable: true
SELECT name FROM shop.customers AS c WHERE EXISTS (SELECT 1 FROM shop.orders AS o WHERE o.customer_id = c.id)
-- ====
-- name: NOT EXISTS subquery
-- route: read
-- type: select
-- reads: shop.customers, shop.orders
-- writes:
-- cacheable: true
SELECT name FROM shop.customers AS c WHERE NOT EXISTS (SELECT 1 FROM shop.orders AS o WHERE o.customer_id = c.id)
-- ====
-- name: subquery in ORDER BY
-- route: read
-- type: select
-- reads: analytics.events, analytics.weights
-- writes:
-- cacheable: true
SELECT name, value FROM analytics.events ORDER BY value * (SELECT any(w) FROM analytics.weights)
-- ====
-- name: three levels of nesting
-- route: read
-- type: select
-- reads: a.t1, a.t2, a.t3
-- writes:
-- cacheable: true
SELECT * FROM a.t1 WHERE k IN (SELECT k FROM a.t2 WHERE j IN (SELECT j FROM a.t3 WHERE x > 0))
-- ====
-- name: five levels of FROM nesting
-- route: read
-- type: select
-- reads: deep.t
-- writes:
-- cacheable: true
SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM deep.t))))
-- ====
-- name: subquery with UNION inside IN
-- route: read
-- type: select
-- reads: crm.accounts, crm.leads, crm.partners
-- writes:
-- cacheable: true
SELECT count() FROM crm.accounts WHERE id IN (SELECT account_id FROM crm.leads UNION ALL SELECT account_id FROM crm.partners)
-- ====
-- name: has over a scalar subquery array
-- route: read
-- type: select
-- reads: analytics.events, analytics.vip
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE has((SELECT groupArray(id) FROM analytics.vip), user_id)
-- ====
-- name: subquery with a non-deterministic inner filter
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM (SELECT * FROM events WHERE event_date = today())
-- ====
-- name: subquery reading a system table
-- route: read
-- type: select
-- reads: analytics.events, system.tables
-- writes:
-- cacheable: false
SELECT count() FROM analytics.events WHERE name IN (SELECT name FROM system.tables WHERE database = 'analytics')
-- ====
-- name: subquery in a JOIN and a scalar at once
-- route: read
-- type: select
-- reads: sales.orders, sales.items, sales.fx
-- writes:
-- cacheable: true
SELECT o.id, i.total * (SELECT rate FROM sales.fx WHERE code = 'EUR') FROM sales.orders AS o JOIN (SELECT order_id, sum(price) AS total FROM sales.items GROUP BY order_id) AS i ON i.order_id = o.id
-- ====
-- name: correlated scalar subquery
-- route: read
-- type: select
-- reads: shop.customers, shop.orders
-- writes:
-- cacheable: true
SELECT c.id, (SELECT count() FROM shop.orders AS o WHERE o.customer_id = c.id) AS n FROM shop.customers AS c
-- ====
-- name: ANY and ALL comparisons with subqueries
-- route: read
-- type: select
-- reads: hr.salaries, hr.bands
-- writes:
-- cacheable: true
SELECT count() FROM hr.salaries WHERE amount > ALL (SELECT max_amount FROM hr.bands WHERE band < 3) OR amount = ANY (SELECT min_amount FROM hr.bands)
-- ====
-- name: subquery without alias after FROM and a join on another subquery
-- route: read
-- type: select
-- reads: x.l, x.r
-- writes:
-- cacheable: true
SELECT * FROM (SELECT id, a FROM x.l) ANY LEFT JOIN (SELECT id, b FROM x.r) USING id
