-- name: DROP TABLE
-- route: write
-- type: drop
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
DROP TABLE users
-- ====
-- name: DROP TABLE IF EXISTS qualified
-- route: write
-- type: drop
-- reads:
-- writes: analytics.tmp
-- cacheable: false
DROP TABLE IF EXISTS analytics.tmp
-- ====
-- name: DROP TABLE ON CLUSTER SYNC
-- route: write
-- type: drop
-- reads:
-- writes: analytics.events_local
-- cacheable: false
DROP TABLE analytics.events_local ON CLUSTER main SYNC
-- ====
-- name: DROP TABLE NO DELAY
-- route: write
-- type: drop
-- reads:
-- writes: analytics.old
-- cacheable: false
DROP TABLE analytics.old NO DELAY
-- ====
-- name: DROP TABLE with two tables writes both
-- route: write
-- type: drop
-- reads:
-- writes: a, b
-- cacheable: false
DROP TABLE a, b
-- ====
-- name: DROP TABLE IF EXISTS with three mixed names
-- route: write
-- type: drop
-- reads:
-- writes: analytics.t1, analytics.t2, t3
-- cacheable: false
DROP TABLE IF EXISTS analytics.t1, analytics.t2, t3
-- ====
-- name: DROP TABLE IF EMPTY
-- route: write
-- type: drop
-- reads:
-- writes: analytics.staging
-- cacheable: false
DROP TABLE IF EMPTY analytics.staging
-- ====
-- name: DROP TEMPORARY TABLE
-- route: write
-- type: drop
-- reads:
-- writes: tmp_ids
-- cacheable: false
DROP TEMPORARY TABLE IF EXISTS tmp_ids
-- ====
-- name: DROP without TABLE keyword
-- route: write
-- type: drop
-- reads:
-- writes: analytics.tmp
-- cacheable: false
DROP analytics.tmp
-- ====
-- name: DROP TABLE of a view
-- route: write
-- type: drop
-- reads:
-- writes: v_events
-- cacheable: false
-- server: 18.16
DROP TABLE v_events
-- ====
-- name: DROP VIEW keyword
-- route: write
-- type: drop
-- reads:
-- writes: analytics.v_today
-- cacheable: false
DROP VIEW IF EXISTS analytics.v_today ON CLUSTER main
-- ====
-- name: DROP materialized view as a table
-- route: write
-- type: drop
-- reads:
-- writes: mv_totals
-- cacheable: false
-- server: 18.16
DROP TABLE mv_totals
-- ====
-- name: DROP DICTIONARY
-- route: write
-- type: drop
-- reads:
-- writes: geo.countries
-- cacheable: false
DROP DICTIONARY IF EXISTS geo.countries
-- ====
-- name: DROP DATABASE
-- route: write
-- type: drop
-- reads:
-- writes:
-- databases: grammar_check
-- cacheable: false
-- server: 18.16
DROP DATABASE grammar_check
-- ====
-- name: DROP DATABASE IF EXISTS ON CLUSTER
-- route: write
-- type: drop
-- reads:
-- writes:
-- databases: staging
-- cacheable: false
DROP DATABASE IF EXISTS staging ON CLUSTER main SYNC
-- ====
-- name: DROP FUNCTION
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP FUNCTION IF EXISTS linear_equation
-- ====
-- name: DROP INDEX ON a table writes it
-- route: write
-- type: drop
-- reads:
-- writes: analytics.events
-- cacheable: false
DROP INDEX IF EXISTS idx_user ON analytics.events
-- ====
-- name: DROP NAMED COLLECTION
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP NAMED COLLECTION IF EXISTS s3_archive
-- ====
-- name: UNDROP TABLE
-- route: write
-- reads:
-- writes: analytics.events
-- cacheable: false
UNDROP TABLE analytics.events
-- ====
-- name: lower-case drop table
-- route: write
-- type: drop
-- reads:
-- writes: events_copy
-- cacheable: false
-- server: 18.16
drop table if exists events_copy
