-- name: DESCRIBE TABLE
-- route: read
-- type: describe
-- reads: events
-- writes:
-- cacheable: ?
-- note: whether a table's description may be cached is left open by issue 3
-- server: 18.16
DESCRIBE TABLE events
-- ====
-- name: DESCRIBE without TABLE
-- route: read
-- type: describe
-- reads: analytics.events
-- writes:
-- cacheable: ?
DESCRIBE analytics.events
-- ====
-- name: DESC short form
-- route: read
-- type: describe
-- reads: users
-- writes:
-- cacheable: ?
-- server: 18.16
DESC users
-- ====
-- name: desc lower case with FORMAT
-- route: read
-- type: describe
-- reads: users
-- writes:
-- cacheable: ?
-- server: 18.16
desc table users format JSON
-- ====
-- name: DESCRIBE a quoted table
-- route: read
-- type: describe
-- reads: my db.my table
-- writes:
-- cacheable: ?
DESCRIBE TABLE `my db`.`my table`
-- ====
-- name: DESCRIBE a subquery reads its table
-- route: read
-- type: describe
-- reads: analytics.events
-- writes:
-- cacheable: ?
DESCRIBE (SELECT user_id, count() FROM analytics.events GROUP BY user_id)
-- ====
-- name: DESCRIBE a table function
-- route: read
-- type: describe
-- reads:
-- writes:
-- functions: numbers
-- cacheable: ?
-- server: 18.16
DESCRIBE TABLE numbers(10)
-- ====
-- name: DESCRIBE a remote table function
-- route: read
-- type: describe
-- reads:
-- writes:
-- functions: url
-- cacheable: false
DESCRIBE TABLE url('https://example.com/data.csv', 'CSVWithNames')
-- ====
-- name: DESCRIBE with SETTINGS
-- route: read
-- type: describe
-- reads: analytics.events
-- writes:
-- cacheable: ?
DESCRIBE TABLE analytics.events SETTINGS describe_include_subcolumns = 1
-- ====
-- name: DESCRIBE a system table
-- route: read
-- type: describe
-- reads: system.parts
-- writes:
-- cacheable: false
-- server: 18.16
DESCRIBE TABLE system.parts
-- ====
-- name: EXISTS TABLE
-- route: read
-- type: exists
-- reads: events
-- writes:
-- cacheable: ?
-- note: whether EXISTS may be cached is left open by issue 3
-- server: 18.16
EXISTS TABLE events
-- ====
-- name: EXISTS without TABLE
-- route: read
-- type: exists
-- reads: analytics.events
-- writes:
-- cacheable: ?
EXISTS analytics.events
-- ====
-- name: EXISTS TEMPORARY TABLE
-- route: read
-- type: exists
-- reads: tmp_ids
-- writes:
-- cacheable: ?
EXISTS TEMPORARY TABLE tmp_ids
-- ====
-- name: EXISTS VIEW
-- route: read
-- type: exists
-- reads: analytics.v_today
-- writes:
-- cacheable: ?
EXISTS VIEW analytics.v_today
-- ====
-- name: EXISTS DICTIONARY
-- route: read
-- type: exists
-- reads: ?
-- writes:
-- cacheable: ?
EXISTS DICTIONARY geo.countries
-- ====
-- name: EXISTS DATABASE
-- route: read
-- type: exists
-- reads:
-- writes:
-- cacheable: ?
EXISTS DATABASE analytics
-- ====
-- name: EXISTS with FORMAT
-- route: read
-- type: exists
-- reads: users
-- writes:
-- cacheable: ?
-- server: 18.16
EXISTS TABLE users FORMAT TabSeparated
-- ====
-- name: CHECK TABLE
-- route: read
-- type: check
-- reads: log_t
-- writes:
-- cacheable: false
-- note: CHECK TABLE inspects files on disk, which can change without any write
-- server: 18.16
CHECK TABLE log_t
-- ====
-- name: CHECK TABLE qualified
-- route: read
-- type: check
-- reads: analytics.events
-- writes:
-- cacheable: false
CHECK TABLE analytics.events
-- ====
-- name: CHECK TABLE PARTITION
-- route: read
-- type: check
-- reads: analytics.events
-- writes:
-- cacheable: false
CHECK TABLE analytics.events PARTITION 202401
-- ====
-- name: CHECK TABLE PART with SETTINGS
-- route: read
-- type: check
-- reads: analytics.events
-- writes:
-- cacheable: false
CHECK TABLE analytics.events PART 'all_1_1_0' SETTINGS check_query_single_value_result = 0
-- ====
-- name: CHECK ALL TABLES
-- route: read
-- type: check
-- reads:
-- writes:
-- cacheable: false
CHECK ALL TABLES
-- ====
-- name: CHECK GRANT
-- route: read
-- type: check
-- reads:
-- writes:
-- cacheable: false
CHECK GRANT SELECT(user_id) ON analytics.events
