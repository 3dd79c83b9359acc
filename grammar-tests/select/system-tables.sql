-- name: system.tables
-- route: read
-- type: select
-- reads: system.tables
-- writes:
-- cacheable: false
-- server: 18.16
SELECT name, engine FROM system.tables WHERE database = 'grammar_check'
-- ====
-- name: system.parts
-- route: read
-- type: select
-- reads: system.parts
-- writes:
-- cacheable: false
-- server: 18.16
SELECT table, sum(rows) FROM system.parts WHERE active GROUP BY table
-- ====
-- name: system.one
-- route: read
-- type: select
-- reads: system.one
-- writes:
-- cacheable: false
-- server: 18.16
SELECT dummy FROM system.one
-- ====
-- name: system.numbers with LIMIT
-- route: read
-- type: select
-- reads: system.numbers
-- writes:
-- cacheable: false
-- server: 18.16
SELECT number FROM system.numbers LIMIT 10
-- ====
-- name: system.processes
-- route: read
-- type: select
-- reads: system.processes
-- writes:
-- cacheable: false
-- server: 18.16
SELECT query_id, elapsed FROM system.processes
-- ====
-- name: system.query_log
-- route: read
-- type: select
-- reads: system.query_log
-- writes:
-- cacheable: false
SELECT query, query_duration_ms FROM system.query_log WHERE type = 'QueryFinish' ORDER BY event_time DESC LIMIT 20
-- ====
-- name: system.mutations
-- route: read
-- type: select
-- reads: system.mutations
-- writes:
-- cacheable: false
-- server: 18.16
SELECT mutation_id, is_done FROM system.mutations
-- ====
-- name: system.replicas
-- route: read
-- type: select
-- reads: system.replicas
-- writes:
-- cacheable: false
-- server: 18.16
SELECT database, table, absolute_delay FROM system.replicas
-- ====
-- name: system.settings
-- route: read
-- type: select
-- reads: system.settings
-- writes:
-- cacheable: false
-- server: 18.16
SELECT name, value FROM system.settings WHERE changed
-- ====
-- name: system.columns
-- route: read
-- type: select
-- reads: system.columns
-- writes:
-- cacheable: false
-- server: 18.16
SELECT name, type FROM system.columns WHERE table = 'events'
-- ====
-- name: upper-case SYSTEM database
-- route: read
-- type: select
-- reads: SYSTEM.tables
-- writes:
-- cacheable: false
-- note: the database name is case-sensitive in ClickHouse, but a name that may be the system database must not be cached
SELECT * FROM SYSTEM.tables
-- ====
-- name: backtick-quoted system table
-- route: read
-- type: select
-- reads: system.tables
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM `system`.`tables`
-- ====
-- name: double-quoted system table
-- route: read
-- type: select
-- reads: system.metrics
-- writes:
-- cacheable: false
-- server: 18.16
SELECT * FROM "system"."metrics"
-- ====
-- name: information_schema.tables
-- route: read
-- type: select
-- reads: information_schema.tables
-- writes:
-- cacheable: false
SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics'
-- ====
-- name: INFORMATION_SCHEMA upper case
-- route: read
-- type: select
-- reads: INFORMATION_SCHEMA.COLUMNS
-- writes:
-- cacheable: false
SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'events'
-- ====
-- name: system table in a subquery of a user table query
-- route: read
-- type: select
-- reads: analytics.events, system.parts
-- writes:
-- cacheable: false
SELECT count() FROM analytics.events WHERE toYYYYMM(event_date) IN (SELECT toUInt32(partition) FROM system.parts WHERE table = 'events' AND active)
-- ====
-- name: system table joined with a user table
-- route: read
-- type: select
-- reads: ops.owners, system.tables
-- writes:
-- cacheable: false
SELECT t.name, o.team FROM system.tables AS t LEFT JOIN ops.owners AS o ON o.table_name = t.name
-- ====
-- name: system table in a cte
-- route: read
-- type: select
-- reads: system.disks
-- writes:
-- cacheable: false
WITH d AS (SELECT name, free_space FROM system.disks) SELECT * FROM d
-- ====
-- name: bare system table on the right of IN
-- route: read
-- type: select
-- reads: analytics.events, system.one
-- writes:
-- cacheable: false
SELECT count() FROM analytics.events WHERE toUInt8(0) IN system.one
-- ====
-- name: system.dictionaries
-- route: read
-- type: select
-- reads: system.dictionaries
-- writes:
-- cacheable: false
-- server: 18.16
SELECT name FROM system.dictionaries
