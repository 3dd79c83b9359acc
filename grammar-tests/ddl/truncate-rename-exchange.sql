-- name: TRUNCATE TABLE
-- route: write
-- type: truncate
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
TRUNCATE TABLE events
-- ====
-- name: TRUNCATE without TABLE keyword
-- route: write
-- type: truncate
-- reads:
-- writes: analytics.events
-- cacheable: false
TRUNCATE analytics.events
-- ====
-- name: TRUNCATE TABLE IF EXISTS ON CLUSTER
-- route: write
-- type: truncate
-- reads:
-- writes: analytics.events_local
-- cacheable: false
TRUNCATE TABLE IF EXISTS analytics.events_local ON CLUSTER main SYNC
-- ====
-- name: TRUNCATE TEMPORARY TABLE
-- route: write
-- type: truncate
-- reads:
-- writes: tmp_ids
-- cacheable: false
TRUNCATE TEMPORARY TABLE tmp_ids
-- ====
-- name: TRUNCATE DATABASE
-- route: write
-- type: truncate
-- reads:
-- writes:
-- databases: staging
-- cacheable: false
TRUNCATE DATABASE IF EXISTS staging
-- ====
-- name: TRUNCATE ALL TABLES FROM a database
-- route: write
-- type: truncate
-- reads:
-- writes:
-- databases: staging
-- cacheable: false
TRUNCATE ALL TABLES FROM staging LIKE 'tmp_%'
-- ====
-- name: RENAME TABLE writes both names
-- route: write
-- type: rename
-- reads:
-- writes: events, events_renamed
-- cacheable: false
-- server: 18.16
RENAME TABLE events TO events_renamed
-- ====
-- name: RENAME TABLE across databases
-- route: write
-- type: rename
-- reads:
-- writes: staging.events, analytics.events
-- cacheable: false
RENAME TABLE staging.events TO analytics.events
-- ====
-- name: RENAME several tables in one statement
-- route: write
-- type: rename
-- reads:
-- writes: analytics.events, analytics.events_old, analytics.events_new
-- cacheable: false
RENAME TABLE analytics.events TO analytics.events_old, analytics.events_new TO analytics.events
-- ====
-- name: RENAME TABLE ON CLUSTER
-- route: write
-- type: rename
-- reads:
-- writes: a.x, a.y
-- cacheable: false
RENAME TABLE a.x TO a.y ON CLUSTER main
-- ====
-- name: RENAME without TABLE keyword
-- route: write
-- type: rename
-- reads:
-- writes: analytics.a, analytics.b
-- cacheable: false
RENAME analytics.a TO analytics.b
-- ====
-- name: RENAME TABLE with quoted names
-- route: write
-- type: rename
-- reads:
-- writes: my db.old name, my db.new name
-- cacheable: false
RENAME TABLE `my db`.`old name` TO `my db`.`new name`
-- ====
-- name: RENAME DICTIONARY
-- route: write
-- type: rename
-- reads:
-- writes: geo.countries, geo.countries_v1
-- cacheable: false
RENAME DICTIONARY geo.countries TO geo.countries_v1
-- ====
-- name: RENAME DATABASE
-- route: write
-- type: rename
-- reads:
-- writes:
-- databases: staging, staging_old
-- cacheable: false
RENAME DATABASE staging TO staging_old
-- ====
-- name: EXCHANGE TABLES writes both
-- route: write
-- type: exchange
-- reads:
-- writes: analytics.events, analytics.events_new
-- cacheable: false
EXCHANGE TABLES analytics.events AND analytics.events_new
-- ====
-- name: EXCHANGE TABLES unqualified ON CLUSTER
-- route: write
-- type: exchange
-- reads:
-- writes: current, next
-- cacheable: false
EXCHANGE TABLES current AND next ON CLUSTER main
-- ====
-- name: EXCHANGE DICTIONARIES
-- route: write
-- type: exchange
-- reads:
-- writes: geo.countries, geo.countries_new
-- cacheable: false
EXCHANGE DICTIONARIES geo.countries AND geo.countries_new
