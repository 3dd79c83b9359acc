-- name: DETACH TABLE
-- route: write
-- type: detach
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
DETACH TABLE users
-- ====
-- name: DETACH TABLE PERMANENTLY ON CLUSTER SYNC
-- route: write
-- type: detach
-- reads:
-- writes: analytics.events_local
-- cacheable: false
DETACH TABLE IF EXISTS analytics.events_local ON CLUSTER main PERMANENTLY SYNC
-- ====
-- name: DETACH VIEW
-- route: write
-- type: detach
-- reads:
-- writes: analytics.v_today
-- cacheable: false
DETACH VIEW analytics.v_today
-- ====
-- name: DETACH DICTIONARY
-- route: write
-- type: detach
-- reads:
-- writes: geo.countries
-- cacheable: false
DETACH DICTIONARY geo.countries
-- ====
-- name: DETACH DATABASE
-- route: write
-- type: detach
-- reads:
-- writes:
-- databases: staging
-- cacheable: false
DETACH DATABASE IF EXISTS staging
-- ====
-- name: ATTACH TABLE
-- route: write
-- type: attach
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
ATTACH TABLE users
-- ====
-- name: ATTACH TABLE IF NOT EXISTS qualified
-- route: write
-- type: attach
-- reads:
-- writes: analytics.events
-- cacheable: false
ATTACH TABLE IF NOT EXISTS analytics.events
-- ====
-- name: ATTACH TABLE FROM a path with a structure
-- route: write
-- type: attach
-- reads:
-- writes: restored.events
-- cacheable: false
ATTACH TABLE restored.events FROM '/var/lib/clickhouse/user_files/events' (d Date, id UInt64) ENGINE = MergeTree ORDER BY id
-- ====
-- name: ATTACH TABLE with a full definition
-- route: write
-- type: attach
-- reads:
-- writes: analytics.t
-- cacheable: false
ATTACH TABLE analytics.t UUID '123e4567-e89b-12d3-a456-426614174000' (id UInt64) ENGINE = MergeTree ORDER BY id
-- ====
-- name: ATTACH DICTIONARY
-- route: write
-- type: attach
-- reads:
-- writes: geo.countries
-- cacheable: false
ATTACH DICTIONARY geo.countries
-- ====
-- name: ATTACH DATABASE
-- route: write
-- type: attach
-- reads:
-- writes:
-- databases: staging
-- cacheable: false
ATTACH DATABASE staging
-- ====
-- name: ATTACH TABLE AS REPLICATED
-- route: write
-- type: attach
-- reads:
-- writes: analytics.events
-- cacheable: false
ATTACH TABLE analytics.events AS REPLICATED
-- ====
-- name: DETACH TABLE lower case
-- route: write
-- type: detach
-- reads:
-- writes: totals
-- cacheable: false
-- server: 18.16
detach table totals
