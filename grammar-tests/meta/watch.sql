-- name: WATCH a live view
-- route: read
-- type: watch
-- reads: analytics.lv_count
-- writes:
-- cacheable: false
-- note: WATCH streams changes as they happen: a snapshot of it must never be cached
WATCH analytics.lv_count
-- ====
-- name: WATCH EVENTS
-- route: read
-- type: watch
-- reads: lv_clock
-- writes:
-- cacheable: false
WATCH lv_clock EVENTS
-- ====
-- name: WATCH with LIMIT and FORMAT
-- route: read
-- type: watch
-- reads: analytics.lv_count
-- writes:
-- cacheable: false
WATCH analytics.lv_count LIMIT 1 FORMAT JSONEachRowWithProgress
