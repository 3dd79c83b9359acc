-- name: OPTIMIZE TABLE
-- route: write
-- type: optimize
-- reads:
-- writes: totals
-- cacheable: false
-- server: 18.16
OPTIMIZE TABLE totals
-- ====
-- name: OPTIMIZE TABLE FINAL
-- route: write
-- type: optimize
-- reads:
-- writes: totals
-- cacheable: false
-- server: 18.16
OPTIMIZE TABLE totals FINAL
-- ====
-- name: OPTIMIZE TABLE PARTITION FINAL
-- route: write
-- type: optimize
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
OPTIMIZE TABLE events PARTITION 201901 FINAL
-- ====
-- name: OPTIMIZE PARTITION ID
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
OPTIMIZE TABLE analytics.events PARTITION ID '202401'
-- ====
-- name: OPTIMIZE DEDUPLICATE
-- route: write
-- type: optimize
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
OPTIMIZE TABLE events DEDUPLICATE
-- ====
-- name: OPTIMIZE DEDUPLICATE BY columns
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
OPTIMIZE TABLE analytics.events FINAL DEDUPLICATE BY user_id, event_date
-- ====
-- name: OPTIMIZE DEDUPLICATE BY star EXCEPT
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
OPTIMIZE TABLE analytics.events DEDUPLICATE BY * EXCEPT (ts)
-- ====
-- name: OPTIMIZE ON CLUSTER
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events_local
-- cacheable: false
OPTIMIZE TABLE analytics.events_local ON CLUSTER main FINAL
-- ====
-- name: OPTIMIZE CLEANUP
-- route: write
-- type: optimize
-- reads:
-- writes: crm.contacts
-- cacheable: false
OPTIMIZE TABLE crm.contacts FINAL CLEANUP
-- ====
-- name: OPTIMIZE with SETTINGS
-- route: write
-- type: optimize
-- reads:
-- writes: analytics.events
-- cacheable: false
OPTIMIZE TABLE analytics.events FINAL SETTINGS optimize_throw_if_noop = 1
-- ====
-- name: OPTIMIZE lower case quoted
-- route: write
-- type: optimize
-- reads:
-- writes: my db.my table
-- cacheable: false
optimize table `my db`.`my table` final
