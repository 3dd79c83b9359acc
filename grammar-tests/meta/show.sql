-- name: SHOW DATABASES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW DATABASES
-- ====
-- name: SHOW TABLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW TABLES
-- ====
-- name: SHOW TABLES FROM a database LIKE
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW TABLES FROM grammar_check LIKE 'event%'
-- ====
-- name: SHOW TABLES IN with NOT ILIKE and LIMIT
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW TABLES IN analytics NOT ILIKE '%tmp%' LIMIT 10
-- ====
-- name: SHOW FULL TABLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW FULL TABLES FROM analytics
-- ====
-- name: SHOW TEMPORARY TABLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW TEMPORARY TABLES
-- ====
-- name: SHOW CREATE TABLE reads the table
-- route: read
-- type: show
-- reads: events
-- writes:
-- cacheable: ?
-- note: whether the text of a definition may be cached is left open by issue 3
-- server: 18.16
SHOW CREATE TABLE events
-- ====
-- name: SHOW CREATE without TABLE keyword
-- route: read
-- type: show
-- reads: analytics.events
-- writes:
-- cacheable: ?
SHOW CREATE analytics.events
-- ====
-- name: SHOW CREATE VIEW
-- route: read
-- type: show
-- reads: analytics.v_today
-- writes:
-- cacheable: ?
SHOW CREATE VIEW analytics.v_today
-- ====
-- name: SHOW CREATE DATABASE
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: ?
-- server: 18.16
SHOW CREATE DATABASE grammar_check
-- ====
-- name: SHOW CREATE DICTIONARY
-- route: read
-- type: show
-- reads: ?
-- writes:
-- cacheable: ?
SHOW CREATE DICTIONARY geo.countries
-- ====
-- name: SHOW CREATE USER
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CREATE USER jane
-- ====
-- name: SHOW CREATE ROLE
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CREATE ROLE analyst
-- ====
-- name: SHOW CREATE ROW POLICY
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CREATE ROW POLICY p_tenant ON analytics.events
-- ====
-- name: SHOW CREATE QUOTA
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CREATE QUOTA default
-- ====
-- name: SHOW CREATE SETTINGS PROFILE
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CREATE SETTINGS PROFILE web
-- ====
-- name: SHOW PROCESSLIST
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW PROCESSLIST
-- ====
-- name: SHOW COLUMNS FROM a table reads it
-- route: read
-- type: show
-- reads: analytics.events
-- writes:
-- cacheable: false
SHOW COLUMNS FROM analytics.events
-- ====
-- name: SHOW EXTENDED FULL COLUMNS with LIKE
-- route: read
-- type: show
-- reads: analytics.events
-- writes:
-- cacheable: false
SHOW EXTENDED FULL COLUMNS IN analytics.events LIKE 'ts%'
-- ====
-- name: SHOW INDEX FROM a table
-- route: read
-- type: show
-- reads: analytics.events
-- writes:
-- cacheable: false
SHOW INDEX FROM analytics.events
-- ====
-- name: SHOW GRANTS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW GRANTS
-- ====
-- name: SHOW GRANTS FOR a user
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW GRANTS FOR jane WITH IMPLICIT FINAL
-- ====
-- name: SHOW USERS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW USERS
-- ====
-- name: SHOW ROLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW ROLES
-- ====
-- name: SHOW CURRENT ROLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CURRENT ROLES
-- ====
-- name: SHOW ENABLED ROLES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW ENABLED ROLES
-- ====
-- name: SHOW SETTINGS PROFILES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW SETTINGS PROFILES
-- ====
-- name: SHOW ROW POLICIES ON a table
-- route: read
-- type: show
-- reads: ?
-- writes:
-- cacheable: false
SHOW ROW POLICIES ON analytics.events
-- ====
-- name: SHOW QUOTAS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW QUOTAS
-- ====
-- name: SHOW QUOTA usage
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW QUOTA
-- ====
-- name: SHOW ACCESS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW ACCESS
-- ====
-- name: SHOW PRIVILEGES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW PRIVILEGES
-- ====
-- name: SHOW DICTIONARIES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW DICTIONARIES FROM geo LIKE '%count%'
-- ====
-- name: SHOW CLUSTERS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CLUSTERS
-- ====
-- name: SHOW CLUSTER by name
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CLUSTER 'main'
-- ====
-- name: SHOW SETTINGS LIKE
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW SETTINGS LIKE 'max_%'
-- ====
-- name: SHOW CHANGED SETTINGS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW CHANGED SETTINGS ILIKE '%join%'
-- ====
-- name: SHOW SETTING by name
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW SETTING max_threads
-- ====
-- name: SHOW FUNCTIONS
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW FUNCTIONS LIKE 'dict%'
-- ====
-- name: SHOW ENGINES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW ENGINES
-- ====
-- name: SHOW MERGES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW MERGES
-- ====
-- name: SHOW FILESYSTEM CACHES
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
SHOW FILESYSTEM CACHES
-- ====
-- name: SHOW DATABASES with FORMAT
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SHOW DATABASES FORMAT JSON
-- ====
-- name: show tables lower case
-- route: read
-- type: show
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
show tables
