-- name: UNION ALL of two tables
-- route: read
-- type: select
-- reads: events, events_copy
-- writes:
-- cacheable: true
-- server: 18.16
SELECT user_id FROM events UNION ALL SELECT user_id FROM events_copy
-- ====
-- name: UNION DISTINCT
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
SELECT ip FROM logs.web UNION DISTINCT SELECT ip FROM logs.api
-- ====
-- name: bare UNION
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
SELECT ip FROM logs.web UNION SELECT ip FROM logs.api SETTINGS union_default_mode = 'DISTINCT'
-- ====
-- name: INTERSECT
-- route: read
-- type: select
-- reads: crm.customers, crm.newsletter
-- writes:
-- cacheable: true
SELECT email FROM crm.customers INTERSECT SELECT email FROM crm.newsletter
-- ====
-- name: INTERSECT DISTINCT
-- route: read
-- type: select
-- reads: crm.customers, crm.newsletter
-- writes:
-- cacheable: true
SELECT email FROM crm.customers INTERSECT DISTINCT SELECT email FROM crm.newsletter
-- ====
-- name: EXCEPT
-- route: read
-- type: select
-- reads: crm.customers, crm.unsubscribed
-- writes:
-- cacheable: true
SELECT email FROM crm.customers EXCEPT SELECT email FROM crm.unsubscribed
-- ====
-- name: EXCEPT DISTINCT
-- route: read
-- type: select
-- reads: crm.customers, crm.unsubscribed
-- writes:
-- cacheable: true
SELECT email FROM crm.customers EXCEPT DISTINCT SELECT email FROM crm.unsubscribed
-- ====
-- name: four branches of mixed operators
-- route: read
-- type: select
-- reads: u.a, u.b, u.c, u.d
-- writes:
-- cacheable: true
SELECT id FROM u.a UNION ALL SELECT id FROM u.b EXCEPT SELECT id FROM u.c INTERSECT SELECT id FROM u.d
-- ====
-- name: parenthesised branches with ORDER BY and LIMIT
-- route: read
-- type: select
-- reads: events, events_copy
-- writes:
-- cacheable: true
-- server: 18.16
SELECT * FROM (SELECT user_id FROM events ORDER BY ts LIMIT 5 UNION ALL SELECT user_id FROM events_copy ORDER BY ts LIMIT 5) ORDER BY user_id
-- ====
-- name: parenthesised selects joined by UNION ALL
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
(SELECT ip FROM logs.web LIMIT 10) UNION ALL (SELECT ip FROM logs.api LIMIT 10)
-- ====
-- name: union of a constant and a table
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: true
-- server: 18.16
SELECT toUInt64(0) AS c UNION ALL SELECT count() AS c FROM events
-- ====
-- name: union with a non-deterministic branch
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events UNION ALL SELECT toUInt64(rand())
-- ====
-- name: union with a system table branch
-- route: read
-- type: select
-- reads: analytics.events, system.parts
-- writes:
-- cacheable: false
SELECT 'rows', count() FROM analytics.events UNION ALL SELECT 'parts', count() FROM system.parts
-- ====
-- name: union with a table function branch
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- functions: s3
-- cacheable: false
SELECT user_id FROM analytics.events UNION ALL SELECT user_id FROM s3('https://bucket.s3.amazonaws.com/archive/*.parquet', 'Parquet')
-- ====
-- name: union inside a FROM subquery
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
SELECT count() FROM (SELECT ts FROM logs.web UNION ALL SELECT ts FROM logs.api)
-- ====
-- name: union where each branch joins
-- route: read
-- type: select
-- reads: s.a, s.b, s.c, s.d
-- writes:
-- cacheable: true
SELECT a.x FROM s.a JOIN s.b ON a.id = b.id UNION ALL SELECT c.x FROM s.c JOIN s.d ON c.id = d.id
-- ====
-- name: union with FORMAT at the end
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
SELECT 'web' AS src, count() FROM logs.web UNION ALL SELECT 'api', count() FROM logs.api FORMAT PrettyCompact
-- ====
-- name: union with SETTINGS at the end
-- route: read
-- type: select
-- reads: logs.web, logs.api
-- writes:
-- cacheable: true
SELECT ip FROM logs.web UNION ALL SELECT ip FROM logs.api SETTINGS max_threads = 1
-- ====
-- name: EXCEPT with subquery in a branch
-- route: read
-- type: select
-- reads: crm.customers, crm.orders
-- writes:
-- cacheable: true
SELECT id FROM crm.customers EXCEPT SELECT customer_id FROM crm.orders WHERE id IN (SELECT id FROM crm.orders WHERE amount > 100)
-- ====
-- name: many UNION ALL branches over the same table
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT 1, count() FROM analytics.events WHERE name = 'a' UNION ALL SELECT 2, count() FROM analytics.events WHERE name = 'b' UNION ALL SELECT 3, count() FROM analytics.events WHERE name = 'c' UNION ALL SELECT 4, count() FROM analytics.events WHERE name = 'd'
