-- name: MODIFY TTL
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY TTL event_date + INTERVAL 1 YEAR
-- ====
-- name: MODIFY TTL with moves and GROUP BY
-- route: write
-- type: alter
-- reads:
-- writes: metrics.raw
-- cacheable: false
ALTER TABLE metrics.raw MODIFY TTL ts + INTERVAL 1 DAY TO VOLUME 'warm', ts + INTERVAL 30 DAY TO DISK 'cold', ts + INTERVAL 1 YEAR GROUP BY k SET v = sum(v)
-- ====
-- name: MODIFY TTL with DELETE WHERE
-- route: write
-- type: alter
-- reads:
-- writes: logs.web
-- cacheable: false
ALTER TABLE logs.web MODIFY TTL ts + INTERVAL 7 DAY DELETE WHERE status = 200
-- ====
-- name: REMOVE TTL
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events REMOVE TTL
-- ====
-- name: MATERIALIZE TTL
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MATERIALIZE TTL IN PARTITION 202401
-- ====
-- name: ADD INDEX
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD INDEX idx_name name TYPE bloom_filter(0.01) GRANULARITY 4
-- ====
-- name: ADD INDEX IF NOT EXISTS AFTER
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD INDEX IF NOT EXISTS idx_v value TYPE minmax GRANULARITY 1 AFTER idx_name
-- ====
-- name: DROP INDEX
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP INDEX idx_name
-- ====
-- name: MATERIALIZE INDEX
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MATERIALIZE INDEX idx_name IN PARTITION 202401
-- ====
-- name: ADD PROJECTION has no table read
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
-- note: the projection's SELECT has no FROM: it reads the altered table itself
ALTER TABLE analytics.events ADD PROJECTION p_by_user (SELECT user_id, count() GROUP BY user_id)
-- ====
-- name: ADD PROJECTION with ORDER BY
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD PROJECTION IF NOT EXISTS p_by_name (SELECT * ORDER BY name)
-- ====
-- name: DROP PROJECTION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP PROJECTION IF EXISTS p_by_user
-- ====
-- name: MATERIALIZE PROJECTION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MATERIALIZE PROJECTION p_by_user
-- ====
-- name: CLEAR PROJECTION IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events CLEAR PROJECTION p_by_user IN PARTITION 202401
-- ====
-- name: ADD CONSTRAINT CHECK
-- route: write
-- type: alter
-- reads:
-- writes: shop.orders
-- cacheable: false
ALTER TABLE shop.orders ADD CONSTRAINT positive_amount CHECK amount > 0
-- ====
-- name: ADD CONSTRAINT ASSUME
-- route: write
-- type: alter
-- reads:
-- writes: shop.orders
-- cacheable: false
ALTER TABLE shop.orders ADD CONSTRAINT IF NOT EXISTS c_len ASSUME length(code) = 8
-- ====
-- name: DROP CONSTRAINT
-- route: write
-- type: alter
-- reads:
-- writes: shop.orders
-- cacheable: false
ALTER TABLE shop.orders DROP CONSTRAINT IF EXISTS positive_amount
-- ====
-- name: MODIFY SETTING
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY SETTING max_part_loading_threads = 8, merge_with_ttl_timeout = 3600
-- ====
-- name: RESET SETTING
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events RESET SETTING max_part_loading_threads
-- ====
-- name: MODIFY COMMENT
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COMMENT 'raw events; see SELECT docs'
-- ====
-- name: MODIFY ORDER BY
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN region String, MODIFY ORDER BY (event_date, user_id, region)
-- ====
-- name: MODIFY SAMPLE BY
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY SAMPLE BY intHash32(user_id)
-- ====
-- name: REMOVE SAMPLE BY
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events REMOVE SAMPLE BY
-- ====
-- name: MODIFY QUERY of a materialized view reads the new source
-- route: write
-- type: alter
-- reads: analytics.events
-- writes: analytics.mv_daily
-- cacheable: false
ALTER TABLE analytics.mv_daily MODIFY QUERY SELECT event_date, count() AS c FROM analytics.events GROUP BY event_date
-- ====
-- name: MODIFY REFRESH of a refreshable view
-- route: write
-- type: alter
-- reads:
-- writes: analytics.mv_hourly
-- cacheable: false
ALTER TABLE analytics.mv_hourly MODIFY REFRESH EVERY 2 HOUR
-- ====
-- name: ADD STATISTICS
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD STATISTICS value TYPE tdigest
-- ====
-- name: ALTER DATABASE MODIFY SETTING
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
-- note: a database-level ALTER names no table
ALTER DATABASE analytics MODIFY SETTING max_broken_tables_ratio = 1
-- ====
-- name: ALTER DATABASE MODIFY COMMENT
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER DATABASE analytics MODIFY COMMENT 'raw data'
-- ====
-- name: ALTER TABLE MODIFY column CODEC
-- route: write
-- type: alter
-- reads:
-- writes: metrics.raw
-- cacheable: false
ALTER TABLE metrics.raw MODIFY COLUMN ts CODEC(DoubleDelta, LZ4)
-- ====
-- name: ALTER of a view-like table with ON CLUSTER and several kinds of command
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_local
-- cacheable: false
ALTER TABLE analytics.events_local ON CLUSTER '{cluster}' ADD INDEX i1 name TYPE set(100) GRANULARITY 2, MODIFY TTL event_date + INTERVAL 90 DAY, MODIFY SETTING ttl_only_drop_parts = 1
