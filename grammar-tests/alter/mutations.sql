-- name: ALTER UPDATE
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events UPDATE value = 0 WHERE name = 'test'
-- ====
-- name: ALTER UPDATE of several columns
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events UPDATE value = value * 2, name = upper(name) WHERE event_date = '2024-01-01'
-- ====
-- name: ALTER DELETE
-- route: write
-- type: alter
-- reads:
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events DELETE WHERE user_id = 0
-- ====
-- name: ALTER DELETE with an IN subquery reads the subquery table
-- route: write
-- type: alter
-- reads: users
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events DELETE WHERE user_id IN (SELECT id FROM users WHERE country = 'XX')
-- ====
-- name: ALTER DELETE with a bare table on the right of IN
-- route: write
-- type: alter
-- reads: vip
-- writes: events
-- cacheable: false
-- server: 18.16
ALTER TABLE events DELETE WHERE user_id NOT IN vip
-- ====
-- name: ALTER UPDATE with a scalar subquery
-- route: write
-- type: alter
-- reads: analytics.rates
-- writes: analytics.orders
-- cacheable: false
ALTER TABLE analytics.orders UPDATE amount_eur = amount * (SELECT rate FROM analytics.rates WHERE code = 'USD') WHERE currency = 'USD'
-- ====
-- name: ALTER UPDATE with dictGet
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- dictionaries: geo.countries
-- cacheable: false
ALTER TABLE analytics.events UPDATE country = dictGet('geo.countries', 'iso', toUInt64(country_id)) WHERE country = ''
-- ====
-- name: ALTER UPDATE IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events UPDATE value = 0 IN PARTITION 202401 WHERE value < 0
-- ====
-- name: ALTER DELETE IN PARTITION
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DELETE IN PARTITION ID '202401' WHERE user_id = 0
-- ====
-- name: ALTER DELETE ON CLUSTER
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events_local
-- cacheable: false
ALTER TABLE analytics.events_local ON CLUSTER main DELETE WHERE event_date < '2020-01-01'
-- ====
-- name: ALTER DELETE with GLOBAL IN subquery
-- route: write
-- type: alter
-- reads: analytics.bots
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DELETE WHERE user_id GLOBAL IN (SELECT id FROM analytics.bots)
-- ====
-- name: ALTER DELETE with nested subqueries
-- route: write
-- type: alter
-- reads: crm.accounts, crm.closed
-- writes: crm.contacts
-- cacheable: false
ALTER TABLE crm.contacts DELETE WHERE account_id IN (SELECT id FROM crm.accounts WHERE id IN (SELECT account_id FROM crm.closed))
-- ====
-- name: ALTER DELETE with EXISTS
-- route: write
-- type: alter
-- reads: shop.blocked
-- writes: shop.orders
-- cacheable: false
ALTER TABLE shop.orders DELETE WHERE EXISTS (SELECT 1 FROM shop.blocked WHERE blocked.id = orders.customer_id)
-- ====
-- name: ALTER DELETE with now
-- route: write
-- type: alter
-- reads:
-- writes: logs.web
-- cacheable: false
ALTER TABLE logs.web DELETE WHERE ts < now() - INTERVAL 30 DAY
-- ====
-- name: ALTER DELETE with SETTINGS
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events DELETE WHERE user_id = 7 SETTINGS mutations_sync = 2
-- ====
-- name: ALTER DELETE on a quoted target
-- route: write
-- type: alter
-- reads:
-- writes: analytics.event log
-- cacheable: false
ALTER TABLE `analytics`.`event log` DELETE WHERE 1
-- ====
-- name: ALTER UPDATE and DELETE in one statement
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events UPDATE name = 'x' WHERE name = '', DELETE WHERE user_id = 0
-- ====
-- name: lightweight DELETE FROM
-- route: write
-- type: delete
-- reads:
-- writes: analytics.events
-- cacheable: false
DELETE FROM analytics.events WHERE user_id = 42
-- ====
-- name: lightweight DELETE with a subquery
-- route: write
-- type: delete
-- reads: analytics.bots
-- writes: analytics.events
-- cacheable: false
DELETE FROM analytics.events WHERE user_id IN (SELECT id FROM analytics.bots)
-- ====
-- name: lightweight DELETE with a bare table on the right of IN
-- route: write
-- type: delete
-- reads: analytics.bots
-- writes: analytics.events
-- cacheable: false
DELETE FROM analytics.events WHERE user_id IN analytics.bots
-- ====
-- name: lightweight DELETE ON CLUSTER IN PARTITION
-- route: write
-- type: delete
-- reads:
-- writes: analytics.events
-- cacheable: false
DELETE FROM analytics.events ON CLUSTER main IN PARTITION 202401 WHERE name = 'spam'
-- ====
-- name: lightweight DELETE of an unqualified table with SETTINGS
-- route: write
-- type: delete
-- reads:
-- writes: events
-- cacheable: false
DELETE FROM events WHERE 1 SETTINGS lightweight_deletes_sync = 0
-- ====
-- name: lightweight DELETE lower case
-- route: write
-- type: delete
-- reads:
-- writes: sessions
-- cacheable: false
delete from sessions where expired = 1
-- ====
-- name: lightweight UPDATE
-- route: write
-- type: update
-- reads:
-- writes: analytics.users
-- cacheable: false
UPDATE analytics.users SET name = 'anonymous' WHERE deleted = 1
-- ====
-- name: lightweight UPDATE of several columns
-- route: write
-- type: update
-- reads:
-- writes: shop.orders
-- cacheable: false
UPDATE shop.orders SET status = 'shipped', shipped_at = now() WHERE id = 100
-- ====
-- name: lightweight UPDATE with a subquery
-- route: write
-- type: update
-- reads: shop.returns
-- writes: shop.orders
-- cacheable: false
UPDATE shop.orders SET status = 'returned' WHERE id IN (SELECT order_id FROM shop.returns)
-- ====
-- name: lightweight UPDATE ON CLUSTER IN PARTITION
-- route: write
-- type: update
-- reads:
-- writes: shop.orders
-- cacheable: false
UPDATE shop.orders ON CLUSTER main SET flag = 1 IN PARTITION '2024-01' WHERE amount > 1000
-- ====
-- name: ALTER APPLY DELETED MASK
-- route: write
-- type: alter
-- reads:
-- writes: analytics.events
-- cacheable: false
ALTER TABLE analytics.events APPLY DELETED MASK
-- ====
-- name: ALTER APPLY PATCHES
-- route: write
-- type: alter
-- reads:
-- writes: shop.orders
-- cacheable: false
ALTER TABLE shop.orders APPLY PATCHES
