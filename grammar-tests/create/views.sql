-- name: CREATE VIEW reads its source
-- route: write
-- type: create
-- reads: events
-- writes: v_new
-- cacheable: false
-- server: 18.16
CREATE VIEW v_new AS SELECT user_id, name FROM events WHERE value > 0
-- ====
-- name: CREATE VIEW IF NOT EXISTS ON CLUSTER with a join
-- route: write
-- type: create
-- reads: analytics.events, analytics.users
-- writes: analytics.v_enriched
-- cacheable: false
CREATE VIEW IF NOT EXISTS analytics.v_enriched ON CLUSTER main AS SELECT e.*, u.country FROM analytics.events AS e LEFT JOIN analytics.users AS u ON u.id = e.user_id
-- ====
-- name: CREATE OR REPLACE VIEW
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.v_today
-- cacheable: false
CREATE OR REPLACE VIEW analytics.v_today AS SELECT * FROM analytics.events WHERE event_date = today()
-- ====
-- name: CREATE VIEW with a cte and a subquery
-- route: write
-- type: create
-- reads: analytics.events, analytics.bots
-- writes: analytics.v_humans
-- cacheable: false
CREATE VIEW analytics.v_humans AS WITH b AS (SELECT id FROM analytics.bots) SELECT * FROM analytics.events WHERE user_id NOT IN b
-- ====
-- name: parameterized view
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.v_user
-- cacheable: false
CREATE VIEW analytics.v_user AS SELECT * FROM analytics.events WHERE user_id = {uid:UInt64}
-- ====
-- name: CREATE VIEW with a column list and SQL SECURITY
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.v_names
-- cacheable: false
CREATE VIEW analytics.v_names (n String) DEFINER = etl SQL SECURITY DEFINER AS SELECT name FROM analytics.events
-- ====
-- name: materialized view TO a target writes the view and the target
-- route: write
-- type: create
-- reads: events
-- writes: mv_new, totals
-- cacheable: false
-- server: 18.16
CREATE MATERIALIZED VIEW mv_new TO totals AS SELECT name AS key, count() AS hits FROM events GROUP BY key
-- ====
-- name: materialized view TO a qualified target with a column list
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.mv_daily, analytics.daily
-- cacheable: false
CREATE MATERIALIZED VIEW analytics.mv_daily TO analytics.daily (d Date, c UInt64) AS SELECT event_date AS d, count() AS c FROM analytics.events GROUP BY d
-- ====
-- name: materialized view with an inner engine
-- route: write
-- type: create
-- reads: events
-- writes: mv_inner
-- cacheable: false
-- server: 18.16
CREATE MATERIALIZED VIEW mv_inner ENGINE = SummingMergeTree ORDER BY name AS SELECT name, count() AS c FROM events GROUP BY name
-- ====
-- name: materialized view with POPULATE
-- route: write
-- type: create
-- reads: events
-- writes: mv_pop
-- cacheable: false
-- server: 18.16
CREATE MATERIALIZED VIEW mv_pop ENGINE = MergeTree ORDER BY user_id POPULATE AS SELECT user_id, value FROM events
-- ====
-- name: materialized view IF NOT EXISTS ON CLUSTER TO target
-- route: write
-- type: create
-- reads: analytics.events_local
-- writes: analytics.mv_hourly, analytics.hourly_local
-- cacheable: false
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.mv_hourly ON CLUSTER main TO analytics.hourly_local AS SELECT toStartOfHour(ts) AS h, count() AS c FROM analytics.events_local GROUP BY h
-- ====
-- name: materialized view reading a join and an IN table
-- route: write
-- type: create
-- reads: shop.orders, shop.customers, shop.vip
-- writes: shop.mv_vip_orders, shop.vip_orders
-- cacheable: false
CREATE MATERIALIZED VIEW shop.mv_vip_orders TO shop.vip_orders AS SELECT o.id, c.name FROM shop.orders AS o JOIN shop.customers AS c ON c.id = o.customer_id WHERE o.customer_id IN shop.vip
-- ====
-- name: materialized view with dictGet
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.mv_geo, analytics.geo_counts
-- dictionaries: geo.countries
-- cacheable: false
CREATE MATERIALIZED VIEW analytics.mv_geo TO analytics.geo_counts AS SELECT dictGet('geo.countries', 'name', toUInt64(country_id)) AS country, count() AS c FROM analytics.events GROUP BY country
-- ====
-- name: refreshable materialized view
-- route: write
-- type: create
-- reads: analytics.events, analytics.users
-- writes: analytics.mv_report, analytics.report
-- cacheable: false
CREATE MATERIALIZED VIEW analytics.mv_report REFRESH EVERY 1 HOUR TO analytics.report AS SELECT u.country, count() AS c FROM analytics.events AS e JOIN analytics.users AS u ON u.id = e.user_id GROUP BY u.country
-- ====
-- name: refreshable materialized view with APPEND and DEPENDS ON
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.mv_snap, analytics.snapshots
-- cacheable: false
CREATE MATERIALIZED VIEW analytics.mv_snap REFRESH EVERY 1 DAY DEPENDS ON analytics.mv_report APPEND TO analytics.snapshots AS SELECT now() AS at, count() AS c FROM analytics.events
-- ====
-- name: materialized view over a Kafka table
-- route: write
-- type: create
-- reads: ingest.kafka_events
-- writes: ingest.mv_kafka, analytics.events
-- cacheable: false
CREATE MATERIALIZED VIEW ingest.mv_kafka TO analytics.events AS SELECT JSONExtractUInt(payload, 'user_id') AS user_id FROM ingest.kafka_events
-- ====
-- name: materialized view with a UNION ALL query
-- route: write
-- type: create
-- reads: logs.web, logs.api
-- writes: logs.mv_all, logs.all
-- cacheable: false
CREATE MATERIALIZED VIEW logs.mv_all TO logs.all AS SELECT ts, 'web' AS src FROM logs.web UNION ALL SELECT ts, 'api' AS src FROM logs.api
-- ====
-- name: LIVE VIEW
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.lv_count
-- cacheable: false
CREATE LIVE VIEW analytics.lv_count AS SELECT count() FROM analytics.events
-- ====
-- name: LIVE VIEW WITH REFRESH
-- route: write
-- type: create
-- reads:
-- writes: lv_clock
-- cacheable: false
CREATE LIVE VIEW lv_clock WITH REFRESH 5 AS SELECT now()
-- ====
-- name: WINDOW VIEW TO a target
-- route: write
-- type: create
-- reads: metrics.raw
-- writes: metrics.wv, metrics.per_minute
-- cacheable: false
CREATE WINDOW VIEW metrics.wv TO metrics.per_minute AS SELECT count(v) AS c, tumbleStart(w_id) AS w FROM metrics.raw GROUP BY tumble(ts, INTERVAL '1' MINUTE) AS w_id
-- ====
-- name: view name that is a keyword
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.select
-- cacheable: false
CREATE VIEW analytics.`select` AS SELECT 1 FROM analytics.events
