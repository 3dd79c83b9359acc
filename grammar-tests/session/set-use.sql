-- name: SET one setting
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set max_threads=8
-- server: 18.16
SET max_threads = 8
-- ====
-- name: SET several settings
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set max_threads=4, max_memory_usage=10000000000
-- server: 18.16
SET max_threads = 4, max_memory_usage = 10000000000
-- ====
-- name: SET a string setting is unquoted in the session effect
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set join_algorithm=hash
SET join_algorithm = 'hash'
-- ====
-- name: SET a string holding a semicolon
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set log_comment=a;b
SET log_comment = 'a;b'
-- ====
-- name: SET without spaces
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set max_block_size=1024
-- server: 18.16
SET max_block_size=1024
-- ====
-- name: SET lower case
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set send_logs_level=debug
set send_logs_level = 'debug'
-- ====
-- name: SET readonly
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set readonly=1
SET readonly = 1
-- ====
-- name: SET a query parameter
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
SET param_uid = 42
-- ====
-- name: SET a boolean setting
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
SET allow_experimental_analyzer = true
-- ====
-- name: SET profile
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set profile=web
SET profile = 'web'
-- ====
-- name: SET a setting whose value names a statement
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set log_comment=DROP TABLE x
SET log_comment = 'DROP TABLE x'
-- ====
-- name: SET with a comment
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: set max_threads=1
SET /* slow down */ max_threads = 1 -- for now
-- ====
-- name: SET ROLE is session
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: other
SET ROLE analyst
-- ====
-- name: SET ROLE DEFAULT
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: other
SET ROLE DEFAULT
-- ====
-- name: SET ROLE NONE
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: other
SET ROLE NONE
-- ====
-- name: SET ROLE ALL EXCEPT
-- route: session
-- type: set
-- reads:
-- writes:
-- cacheable: false
-- session: other
SET ROLE ALL EXCEPT admin, writer
-- ====
-- name: SET DEFAULT ROLE is a write
-- route: write
-- reads:
-- writes:
-- cacheable: false
SET DEFAULT ROLE analyst TO jane
-- ====
-- name: SET DEFAULT ROLE NONE
-- route: write
-- reads:
-- writes:
-- cacheable: false
SET DEFAULT ROLE NONE TO jane, john
-- ====
-- name: SET DEFAULT ROLE ALL EXCEPT to CURRENT_USER
-- route: write
-- reads:
-- writes:
-- cacheable: false
SET DEFAULT ROLE ALL EXCEPT admin TO CURRENT_USER
-- ====
-- name: USE
-- route: session
-- type: use
-- reads:
-- writes:
-- cacheable: false
-- session: use grammar_check
-- server: 18.16
USE grammar_check
-- ====
-- name: USE a quoted database
-- route: session
-- type: use
-- reads:
-- writes:
-- cacheable: false
-- session: use my db
USE `my db`
-- ====
-- name: USE lower case with trailing semicolon
-- route: session
-- type: use
-- reads:
-- writes:
-- cacheable: false
-- session: use analytics
use analytics;
-- ====
-- name: USE a database named like a keyword
-- route: session
-- type: use
-- reads:
-- writes:
-- cacheable: false
-- session: use system
USE system
