-- name: CREATE USER
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE USER jane IDENTIFIED WITH sha256_password BY 'pa;ss -- word'
-- ====
-- name: CREATE USER IF NOT EXISTS ON CLUSTER with hosts and settings
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE USER IF NOT EXISTS etl ON CLUSTER main IDENTIFIED BY 'secret' HOST IP '10.0.0.0/8' DEFAULT ROLE writer SETTINGS max_memory_usage = 10000000000 READONLY
-- ====
-- name: CREATE USER with no password and a default database
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE USER guest NOT IDENTIFIED DEFAULT DATABASE analytics
-- ====
-- name: CREATE USER GRANTEES and VALID UNTIL
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE USER temp IDENTIFIED WITH plaintext_password BY 'x' VALID UNTIL '2030-01-01' GRANTEES ANY EXCEPT admin
-- ====
-- name: CREATE OR REPLACE USER
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE OR REPLACE USER jane IDENTIFIED BY 'new'
-- ====
-- name: ALTER USER RENAME
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER USER jane RENAME TO jane_doe
-- ====
-- name: ALTER USER password
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER USER IF EXISTS jane IDENTIFIED WITH sha256_password BY 'DROP TABLE x'
-- ====
-- name: ALTER USER DEFAULT ROLE
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER USER jane DEFAULT ROLE analyst, viewer
-- ====
-- name: DROP USER
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP USER IF EXISTS jane, john ON CLUSTER main
-- ====
-- name: CREATE ROLE
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE ROLE analyst
-- ====
-- name: CREATE ROLE IF NOT EXISTS with SETTINGS
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE ROLE IF NOT EXISTS viewer SETTINGS readonly = 1
-- ====
-- name: ALTER ROLE
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER ROLE viewer RENAME TO reader
-- ====
-- name: DROP ROLE
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP ROLE IF EXISTS analyst
-- ====
-- name: CREATE QUOTA
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE QUOTA q_api FOR INTERVAL 1 hour MAX queries = 1000, errors = 10 TO api
-- ====
-- name: CREATE QUOTA KEYED BY
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE QUOTA IF NOT EXISTS q_ip KEYED BY ip_address FOR RANDOMIZED INTERVAL 1 day MAX read_rows = 1000000000 TO ALL
-- ====
-- name: ALTER QUOTA
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER QUOTA q_api FOR INTERVAL 1 hour NO LIMITS
-- ====
-- name: DROP QUOTA
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP QUOTA IF EXISTS q_api
-- ====
-- name: CREATE ROW POLICY names a table but writes none
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE ROW POLICY p_tenant ON analytics.events FOR SELECT USING tenant_id = 42 TO analyst
-- ====
-- name: CREATE ROW POLICY on several tables AS RESTRICTIVE
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE ROW POLICY IF NOT EXISTS p_eu ON analytics.events, analytics.users AS RESTRICTIVE FOR SELECT USING region = 'eu' TO ALL EXCEPT admin
-- ====
-- name: CREATE ROW POLICY with a subquery condition
-- route: write
-- type: create
-- reads: ?
-- writes:
-- cacheable: false
-- note: whether a row policy's condition counts as a read is left open; it is a write either way
CREATE ROW POLICY p_allowed ON analytics.events USING user_id IN (SELECT id FROM analytics.allowed) TO viewer
-- ====
-- name: ALTER ROW POLICY
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER ROW POLICY p_tenant ON analytics.events USING tenant_id = 43
-- ====
-- name: DROP ROW POLICY
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP ROW POLICY IF EXISTS p_tenant ON analytics.events
-- ====
-- name: CREATE SETTINGS PROFILE
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE SETTINGS PROFILE web SETTINGS max_threads = 4 MIN 1 MAX 8, max_execution_time = 30 READONLY TO jane
-- ====
-- name: CREATE PROFILE short form
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE PROFILE IF NOT EXISTS batch SETTINGS max_memory_usage = 20000000000
-- ====
-- name: ALTER SETTINGS PROFILE
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER SETTINGS PROFILE web SETTINGS max_threads = 2
-- ====
-- name: DROP SETTINGS PROFILE
-- route: write
-- type: drop
-- reads:
-- writes:
-- cacheable: false
DROP SETTINGS PROFILE IF EXISTS web
-- ====
-- name: GRANT SELECT on a table writes no table
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT SELECT ON analytics.events TO analyst
-- ====
-- name: GRANT columns WITH GRANT OPTION
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT SELECT(user_id, name), INSERT ON analytics.events TO jane WITH GRANT OPTION
-- ====
-- name: GRANT ALL on everything
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT ALL ON *.* TO admin WITH GRANT OPTION
-- ====
-- name: GRANT on a database wildcard ON CLUSTER
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT ON CLUSTER main SELECT, SHOW TABLES ON analytics.* TO viewer
-- ====
-- name: GRANT a role WITH ADMIN OPTION
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT analyst, viewer TO jane WITH ADMIN OPTION
-- ====
-- name: GRANT with REPLACE OPTION
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT SELECT ON analytics.* TO jane WITH REPLACE OPTION
-- ====
-- name: GRANT CURRENT GRANTS
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT CURRENT GRANTS(SELECT ON analytics.*) TO jane
-- ====
-- name: GRANT dictGet and SYSTEM privileges
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
GRANT dictGet ON geo.countries, SYSTEM RELOAD DICTIONARY ON *.* TO etl
-- ====
-- name: REVOKE SELECT
-- route: write
-- type: revoke
-- reads:
-- writes:
-- cacheable: false
REVOKE SELECT ON analytics.events FROM analyst
-- ====
-- name: REVOKE ALL PRIVILEGES
-- route: write
-- type: revoke
-- reads:
-- writes:
-- cacheable: false
REVOKE ALL PRIVILEGES ON *.* FROM jane
-- ====
-- name: REVOKE GRANT OPTION FOR
-- route: write
-- type: revoke
-- reads:
-- writes:
-- cacheable: false
REVOKE GRANT OPTION FOR SELECT ON analytics.* FROM jane
-- ====
-- name: REVOKE a role
-- route: write
-- type: revoke
-- reads:
-- writes:
-- cacheable: false
REVOKE analyst FROM jane
-- ====
-- name: REVOKE ADMIN OPTION FOR
-- route: write
-- type: revoke
-- reads:
-- writes:
-- cacheable: false
REVOKE ON CLUSTER main ADMIN OPTION FOR viewer FROM ALL EXCEPT admin
-- ====
-- name: lower-case grant
-- route: write
-- type: grant
-- reads:
-- writes:
-- cacheable: false
grant select on analytics.events to viewer
-- ====
-- name: MOVE USER between storages
-- route: write
-- reads:
-- writes:
-- cacheable: false
MOVE USER jane TO local_directory
