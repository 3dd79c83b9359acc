-- name: RELOAD DICTIONARIES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM RELOAD DICTIONARIES
-- ====
-- name: RELOAD DICTIONARY
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD DICTIONARY geo.countries
-- ====
-- name: RELOAD DICTIONARY ON CLUSTER
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD DICTIONARY ON CLUSTER main geo.countries
-- ====
-- name: RELOAD EMBEDDED DICTIONARIES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM RELOAD EMBEDDED DICTIONARIES
-- ====
-- name: RELOAD MODELS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD MODELS
-- ====
-- name: RELOAD FUNCTIONS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD FUNCTIONS
-- ====
-- name: RELOAD CONFIG
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM RELOAD CONFIG
-- ====
-- name: RELOAD USERS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD USERS
-- ====
-- name: RELOAD ASYNCHRONOUS METRICS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RELOAD ASYNCHRONOUS METRICS
-- ====
-- name: DROP DNS CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM DROP DNS CACHE
-- ====
-- name: DROP MARK CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM DROP MARK CACHE
-- ====
-- name: DROP UNCOMPRESSED CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM DROP UNCOMPRESSED CACHE
-- ====
-- name: DROP COMPILED EXPRESSION CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP COMPILED EXPRESSION CACHE
-- ====
-- name: DROP QUERY CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP QUERY CACHE
-- ====
-- name: CLEAR QUERY CACHE with a tag
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM CLEAR QUERY CACHE TAG 'dashboards'
-- ====
-- name: DROP FILESYSTEM CACHE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP FILESYSTEM CACHE
-- ====
-- name: DROP REPLICA FROM TABLE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP REPLICA 'replica-3' FROM TABLE analytics.events_local
-- ====
-- name: DROP REPLICA FROM DATABASE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP REPLICA 'replica-3' FROM DATABASE analytics
-- ====
-- name: DROP REPLICA FROM ZKPATH
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM DROP REPLICA 'replica-3' FROM ZKPATH '/clickhouse/tables/01/events'
-- ====
-- name: FLUSH LOGS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM FLUSH LOGS
-- ====
-- name: FLUSH DISTRIBUTED
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM FLUSH DISTRIBUTED analytics.events_dist
-- ====
-- name: FLUSH ASYNC INSERT QUEUE
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM FLUSH ASYNC INSERT QUEUE
-- ====
-- name: STOP DISTRIBUTED SENDS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP DISTRIBUTED SENDS analytics.events_dist
-- ====
-- name: START DISTRIBUTED SENDS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START DISTRIBUTED SENDS analytics.events_dist
-- ====
-- name: STOP MERGES for a table
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM STOP MERGES events
-- ====
-- name: STOP MERGES everywhere
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP MERGES
-- ====
-- name: START MERGES ON VOLUME
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START MERGES ON VOLUME hot.ssd
-- ====
-- name: STOP TTL MERGES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP TTL MERGES analytics.events
-- ====
-- name: START TTL MERGES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START TTL MERGES analytics.events
-- ====
-- name: STOP MOVES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP MOVES analytics.events
-- ====
-- name: START MOVES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START MOVES
-- ====
-- name: STOP FETCHES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP FETCHES analytics.events_repl
-- ====
-- name: START FETCHES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START FETCHES analytics.events_repl
-- ====
-- name: STOP REPLICATED SENDS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP REPLICATED SENDS analytics.events_repl
-- ====
-- name: START REPLICATED SENDS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START REPLICATED SENDS
-- ====
-- name: STOP REPLICATION QUEUES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP REPLICATION QUEUES analytics.events_repl
-- ====
-- name: START REPLICATION QUEUES
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM START REPLICATION QUEUES analytics.events_repl
-- ====
-- name: SYNC REPLICA
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SYSTEM SYNC REPLICA events
-- ====
-- name: SYNC REPLICA LIGHTWEIGHT
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM SYNC REPLICA analytics.events_repl LIGHTWEIGHT
-- ====
-- name: SYNC REPLICA ON CLUSTER STRICT
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM SYNC REPLICA ON CLUSTER main analytics.events_repl STRICT
-- ====
-- name: RESTART REPLICA
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RESTART REPLICA analytics.events_repl
-- ====
-- name: RESTART REPLICAS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RESTART REPLICAS
-- ====
-- name: RESTORE REPLICA
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM RESTORE REPLICA analytics.events_repl ON CLUSTER main
-- ====
-- name: SYNC DATABASE REPLICA
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM SYNC DATABASE REPLICA rep
-- ====
-- name: SHUTDOWN
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM SHUTDOWN
-- ====
-- name: KILL
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM KILL
-- ====
-- name: ENABLE FAILPOINT
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM ENABLE FAILPOINT replicated_merge_tree_commit_zk_fail_after_op
-- ====
-- name: UNFREEZE WITH NAME
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM UNFREEZE WITH NAME 'backup_2024_01'
-- ====
-- name: WAIT LOADING PARTS
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM WAIT LOADING PARTS analytics.events
-- ====
-- name: STOP VIEW
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP VIEW analytics.mv_report
-- ====
-- name: REFRESH VIEW
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM REFRESH VIEW analytics.mv_report
-- ====
-- name: SYSTEM lower case
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
system flush logs
-- ====
-- name: SYSTEM with a comment before it
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
/* maintenance */ SYSTEM DROP MARK CACHE
-- ====
-- name: SYSTEM with a quoted table
-- route: write
-- type: system
-- reads:
-- writes:
-- cacheable: false
SYSTEM STOP MERGES `analytics`.`events`
