-- name: DETACH PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events DETACH PARTITION 201901
-- ====
-- name: DETACH PART
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DETACH PART 'all_2_2_0'
-- ====
-- name: DROP PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events DROP PARTITION 201901
-- ====
-- name: DROP PARTITION with a tuple expression
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP PARTITION tuple(toYYYYMM(toDate('2024-01-15')), 'eu')
-- ====
-- name: DROP PARTITION ID
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP PARTITION ID '202401'
-- ====
-- name: DROP PARTITION ALL
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP PARTITION ALL
-- ====
-- name: DROP DETACHED PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP DETACHED PARTITION 202401 SETTINGS allow_drop_detached = 1
-- ====
-- name: FORGET PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_repl
-- cacheable: false
ALTER TABLE analytics.events_repl FORGET PARTITION '202001'
-- ====
-- name: ATTACH PARTITION from detached
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events ATTACH PARTITION 201901
-- ====
-- name: ATTACH PART
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ATTACH PART 'all_2_2_0'
-- ====
-- name: ATTACH PARTITION FROM another table reads the source
-- route: write
-- type: alter
-- reads: events_copy
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events ATTACH PARTITION 201901 FROM events_copy
-- ====
-- name: ATTACH PARTITION FROM a qualified source
-- route: write
-- type: alter
-- reads: staging.events
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ATTACH PARTITION ID '202401' FROM staging.events
-- ====
-- name: REPLACE PARTITION FROM
-- route: write
-- type: alter
-- reads: events_copy
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events REPLACE PARTITION 201901 FROM events_copy
-- ====
-- name: REPLACE PARTITION FROM a qualified source ON CLUSTER
-- route: write
-- type: alter
-- reads: staging.events
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events ON CLUSTER main REPLACE PARTITION '2024-01-01' FROM staging.events
-- ====
-- name: MOVE PARTITION TO TABLE writes both tables
-- route: write
-- type: alter
-- reads:
-- writes: staging.events, analytics.events
-- cacheable: false
ALTER TABLE staging.events MOVE PARTITION 202401 TO TABLE analytics.events
-- ====
-- name: MOVE PARTITION ID TO TABLE unqualified
-- route: write
-- type: alter
-- reads:
-- writes: events_new, events_archive
-- cacheable: false
ALTER TABLE events_new MOVE PARTITION ID '202312' TO TABLE events_archive
-- ====
-- name: MOVE PARTITION TO DISK names no table
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MOVE PARTITION 202301 TO DISK 'cold'
-- ====
-- name: MOVE PART TO VOLUME names no table
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events MOVE PART 'all_1_1_0' TO VOLUME 'slow'
-- ====
-- name: MOVE PARTITION TO SHARD
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_repl
-- cacheable: false
ALTER TABLE analytics.events_repl MOVE PART 'all_0_0_0' TO SHARD '/clickhouse/shard_2/events'
-- ====
-- name: FREEZE PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events FREEZE PARTITION 201901
-- ====
-- name: FREEZE whole table WITH NAME
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events FREEZE WITH NAME 'backup_2024_01'
-- ====
-- name: UNFREEZE PARTITION WITH NAME
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events UNFREEZE PARTITION 202401 WITH NAME 'backup_2024_01'
-- ====
-- name: FETCH PARTITION from a ZooKeeper path
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events FETCH PARTITION 201901 FROM '/clickhouse/tables/01/events'
-- ====
-- name: FETCH PART
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_repl
-- cacheable: false
ALTER TABLE analytics.events_repl FETCH PART 'all_1_1_0' FROM '/clickhouse/tables/02/events'
-- ====
-- name: CLEAR INDEX IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events CLEAR INDEX idx_name IN PARTITION 202401
-- ====
-- name: several partition commands in one ALTER
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DROP PARTITION 202301, DROP PARTITION 202302, DETACH PARTITION 202303
-- ====
-- name: REPLACE PARTITION from a table whose name looks like a keyword
-- route: write
-- type: alter
-- reads: staging.select
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events REPLACE PARTITION 202401 FROM staging.`select`
-- ====
-- name: REWRITE PARTS
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events REWRITE PARTS IN PARTITION 202401
