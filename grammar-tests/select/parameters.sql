-- name: typed parameter in WHERE
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id = {uid:UInt64}
-- ====
-- name: several parameters of different types
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE event_date BETWEEN {from:Date} AND {to:Date} AND name = {name:String}
-- ====
-- name: parameter with a composite type is not a table on the right of IN
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name IN {names:Array(String)}
-- ====
-- name: parameter of Nullable and Decimal types
-- route: read
-- type: select
-- reads: shop.orders
-- writes:
-- cacheable: true
SELECT count() FROM shop.orders WHERE coupon = {coupon:Nullable(String)} AND amount > {min:Decimal(18, 2)}
-- ====
-- name: parameter in LIMIT
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT * FROM analytics.events ORDER BY ts DESC LIMIT {n:UInt32}
-- ====
-- name: parameter in the SELECT list only
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: true
SELECT {greeting:String} AS g
-- ====
-- name: parameter spelled with spaces
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id = { uid : UInt64 }
-- ====
-- name: table given as an Identifier parameter cannot be cached
-- route: read
-- type: select
-- reads: ?
-- writes:
-- cacheable: false
-- note: the table is only known once the parameter is bound, so no write could invalidate a cached result
SELECT count() FROM {table:Identifier}
-- ====
-- name: parameter inside a string is text
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name = '{uid:UInt64}'
-- ====
-- name: parameter in a subquery
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE user_id IN (SELECT id FROM analytics.users WHERE country = {country:String})
-- ====
-- name: parameter in a cte
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
WITH {since:DateTime} AS since SELECT count() FROM analytics.events WHERE ts >= since
-- ====
-- name: parameter as a table function argument
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers
-- cacheable: true
SELECT sum(number) FROM numbers({n:UInt64})
-- ====
-- name: parameter in an ALTER DELETE is still a write
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DELETE WHERE user_id = {uid:UInt64}
-- ====
-- name: parameter in INSERT SELECT
-- route: write
-- type: insert
-- reads: analytics.events
-- writes: analytics.daily
-- cacheable: false
INSERT INTO analytics.daily SELECT event_date, count() FROM analytics.events WHERE event_date = {d:Date} GROUP BY event_date
-- ====
-- name: ReplicatedMergeTree macros in a string are not parameters
-- route: write
-- type: create
-- reads:
-- writes: analytics.events_local
-- cacheable: false
CREATE TABLE analytics.events_local (d Date, id UInt64) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/events_local', '{replica}') ORDER BY id
