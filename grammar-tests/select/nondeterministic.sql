-- name: now
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SELECT now()
-- ====
-- name: now in WHERE
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events WHERE ts > now() - 3600
-- ====
-- name: upper-case NOW
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
SELECT count() FROM analytics.events WHERE ts > NOW() - INTERVAL 1 HOUR
-- ====
-- name: now64
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT now64(3)
-- ====
-- name: now with a time zone
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT now('Europe/Amsterdam')
-- ====
-- name: today
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events WHERE event_date = today()
-- ====
-- name: yesterday
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events WHERE event_date = yesterday()
-- ====
-- name: rand
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SELECT rand()
-- ====
-- name: rand64 in ORDER BY
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT user_id FROM events ORDER BY rand64() LIMIT 10
-- ====
-- name: rand32 alias
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT rand32()
-- ====
-- name: randConstant
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
SELECT randConstant() % 10, count() FROM analytics.events
-- ====
-- name: randUniform and randNormal
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT randUniform(0, 1), randNormal(0, 1)
-- ====
-- name: randomString
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT randomString(16)
-- ====
-- name: randomPrintableASCII
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT randomPrintableASCII(20)
-- ====
-- name: randomFixedString
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT randomFixedString(8)
-- ====
-- name: generateUUIDv4
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT generateUUIDv4()
-- ====
-- name: generateUUIDv7
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT generateUUIDv7()
-- ====
-- name: currentUser
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT currentUser()
-- ====
-- name: queryID
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT queryID()
-- ====
-- name: initialQueryID
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
SELECT initialQueryID()
-- ====
-- name: rowNumberInBlock
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT rowNumberInBlock(), user_id FROM events
-- ====
-- name: rowNumberInAllBlocks
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT rowNumberInAllBlocks(), user_id FROM events
-- ====
-- name: blockSize
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT blockSize() FROM events LIMIT 1
-- ====
-- name: runningDifference
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT ts, runningDifference(ts) FROM (SELECT ts FROM events ORDER BY ts)
-- ====
-- name: runningAccumulate
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
SELECT k, runningAccumulate(s) FROM (SELECT name AS k, sumState(value) AS s FROM analytics.events GROUP BY k ORDER BY k)
-- ====
-- name: neighbor
-- route: read
-- type: select
-- reads: analytics.daily
-- writes:
-- cacheable: false
SELECT day, total, neighbor(total, -1) FROM analytics.daily ORDER BY day
-- ====
-- name: nowInBlock
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
SELECT nowInBlock(), count() FROM analytics.events
-- ====
-- name: uptime
-- route: read
-- type: select
-- reads:
-- writes:
-- cacheable: false
-- server: 18.16
SELECT uptime()
-- ====
-- name: non-deterministic call nested deep in an expression
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events WHERE toDate(ts) BETWEEN toDate(addDays(toDateTime(today()), -7)) AND today()
-- ====
-- name: non-deterministic call inside a lambda
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: false
SELECT arrayMap(x -> x + rand() % 2, [1, 2, 3]) FROM analytics.events LIMIT 1
-- ====
-- name: non-deterministic default in a WITH alias
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
WITH now() - 86400 AS since SELECT count() FROM events WHERE ts > since
-- ====
-- name: non-deterministic call in a scalar subquery
-- route: read
-- type: select
-- reads: events
-- writes:
-- cacheable: false
-- server: 18.16
SELECT count() FROM events WHERE user_id = (SELECT toUInt64(rand() % 100))
-- ====
-- name: a column named now is not a call
-- route: read
-- type: select
-- reads: ops.clock
-- writes:
-- cacheable: true
SELECT now, today FROM ops.clock
-- ====
-- name: a qualified column named rand is not a call
-- route: read
-- type: select
-- reads: ops.samples
-- writes:
-- cacheable: true
SELECT s.rand, s.uptime FROM ops.samples AS s
-- ====
-- name: now inside a string is not a call
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name = 'now()'
-- ====
-- name: now inside a comment is not a call
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() /* now() */ FROM analytics.events -- rand()
-- ====
-- name: function whose name contains now is deterministic
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT knowledge_score(value) FROM analytics.events
-- ====
-- name: fixed timestamps are deterministic
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE ts BETWEEN toDateTime('2024-01-01 00:00:00') AND toDateTime('2024-01-31 23:59:59')
-- ====
-- name: hashing and string functions are deterministic
-- route: read
-- type: select
-- reads: analytics.users
-- writes:
-- cacheable: true
SELECT cityHash64(email), lower(name), substring(name, 1, 3), toString(id) FROM analytics.users
-- ====
-- name: a string equal to a function name is not a call
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: true
SELECT count() FROM analytics.events WHERE name = 'rand'
