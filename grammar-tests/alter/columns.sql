-- name: ADD COLUMN
-- route: write
-- type: alter
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
ALTER TABLE users ADD COLUMN email String
-- ====
-- name: ADD COLUMN IF NOT EXISTS with DEFAULT and AFTER
-- route: write
-- type: alter
-- reads:
-- writes: users
-- cacheable: false
ALTER TABLE users ADD COLUMN IF NOT EXISTS created DateTime DEFAULT now() AFTER name
-- ====
-- name: ADD COLUMN FIRST with CODEC and COMMENT
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN seq UInt64 CODEC(Delta, ZSTD(3)) COMMENT 'sequence; not unique' FIRST
-- ====
-- name: ADD several columns
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN a UInt8, ADD COLUMN b String DEFAULT 'x', ADD COLUMN c Array(String)
-- ====
-- name: ADD MATERIALIZED column
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN day_of_week UInt8 MATERIALIZED toDayOfWeek(event_date)
-- ====
-- name: ADD ALIAS column
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN is_click UInt8 ALIAS name = 'click'
-- ====
-- name: DROP COLUMN
-- route: write
-- type: alter
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
ALTER TABLE users DROP COLUMN age
-- ====
-- name: DROP COLUMN IF EXISTS ON CLUSTER
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_local
-- cacheable: false
ALTER TABLE analytics.events_local ON CLUSTER main DROP COLUMN IF EXISTS legacy
-- ====
-- name: MODIFY COLUMN type
-- route: write
-- type: alter
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
ALTER TABLE users MODIFY COLUMN age UInt16
-- ====
-- name: MODIFY COLUMN default expression
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COLUMN name String DEFAULT 'unknown'
-- ====
-- name: MODIFY COLUMN REMOVE property
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COLUMN name REMOVE DEFAULT
-- ====
-- name: MODIFY COLUMN with a TTL
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COLUMN payload String TTL event_date + INTERVAL 30 DAY
-- ====
-- name: MODIFY COLUMN SETTINGS
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COLUMN payload MODIFY SETTING max_compress_block_size = 1048576
-- ====
-- name: RENAME COLUMN
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events RENAME COLUMN name TO event_name
-- ====
-- name: RENAME COLUMN IF EXISTS
-- route: write
-- type: alter
-- reads:
-- writes: analytics.users
-- cacheable: false
ALTER TABLE analytics.users RENAME COLUMN IF EXISTS mail TO email
-- ====
-- name: CLEAR COLUMN IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events CLEAR COLUMN value IN PARTITION 201901
-- ====
-- name: CLEAR COLUMN IF EXISTS IN PARTITION ID
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events CLEAR COLUMN IF EXISTS payload IN PARTITION ID '202401'
-- ====
-- name: COMMENT COLUMN
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events COMMENT COLUMN value 'the measured value'
-- ====
-- name: COMMENT COLUMN IF EXISTS with SQL in the comment
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events COMMENT COLUMN IF EXISTS name 'copied from SELECT name FROM analytics.raw'
-- ====
-- name: MATERIALIZE COLUMN
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MATERIALIZE COLUMN day_of_week
-- ====
-- name: MATERIALIZE COLUMN IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MATERIALIZE COLUMN day_of_week IN PARTITION 202401
-- ====
-- name: MODIFY COLUMN with a dictGet default
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MODIFY COLUMN country String DEFAULT dictGet('geo.countries', 'iso', toUInt64(country_id))
-- ====
-- name: mixed column commands
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ADD COLUMN x UInt8, DROP COLUMN y, MODIFY COLUMN z String, RENAME COLUMN w TO v, COMMENT COLUMN v 'renamed'
-- ====
-- name: ALTER TEMPORARY TABLE
-- route: write
-- type: alter
-- reads:
-- writes: tmp_upload
-- cacheable: false
ALTER TEMPORARY TABLE tmp_upload ADD COLUMN checked UInt8
-- ====
-- name: ALTER TABLE lower case
-- route: write
-- type: alter
-- reads:
-- writes: users
-- cacheable: false
-- server: 18.16
alter table users add column nickname String
