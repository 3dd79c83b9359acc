-- name: BACKUP TABLE is a write
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
-- note: a backup changes nothing in the tables but writes files on the server; the readonly user is refused it
BACKUP TABLE analytics.events TO Disk('backups', 'events_2024_01.zip')
-- ====
-- name: BACKUP DATABASE ASYNC
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
BACKUP DATABASE analytics TO S3('https://bucket.s3.amazonaws.com/backups/analytics', 'KEY', 'SECRET') ASYNC
-- ====
-- name: RESTORE TABLE
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
RESTORE TABLE analytics.events AS analytics.events_restored FROM Disk('backups', 'events_2024_01.zip')
-- ====
-- name: RESTORE DATABASE
-- route: write
-- reads: ?
-- writes: ?
-- cacheable: false
RESTORE DATABASE analytics FROM Disk('backups', 'analytics.zip') SETTINGS allow_non_empty_tables = true
-- ====
-- name: BEGIN TRANSACTION
-- route: write
-- reads:
-- writes:
-- cacheable: false
-- note: transactions hold state on the server that ran BEGIN: the writer
BEGIN TRANSACTION
-- ====
-- name: COMMIT
-- route: write
-- reads:
-- writes:
-- cacheable: false
COMMIT
-- ====
-- name: ROLLBACK
-- route: write
-- reads:
-- writes:
-- cacheable: false
ROLLBACK
-- ====
-- name: SELECT INTO OUTFILE is a read on the server
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- cacheable: ?
-- note: only clients write the file (the HTTP interface refuses INTO OUTFILE); nothing on the server changes
SELECT * FROM analytics.events INTO OUTFILE 'events.csv' FORMAT CSV
