-- name: dictGet with a qualified dictionary name
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.countries
-- cacheable: true
SELECT dictGet('geo.countries', 'name', toUInt64(country_id)) AS country, count() FROM analytics.events GROUP BY country
-- ====
-- name: dictGet with an unqualified dictionary name
-- route: read
-- type: select
-- reads:
-- writes:
-- dictionaries: countries
-- cacheable: true
SELECT dictGet('countries', 'iso', toUInt64(42))
-- ====
-- name: dictGetString typed getter
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.cities
-- cacheable: true
SELECT dictGetString('geo.cities', 'name', city_id) FROM analytics.events
-- ====
-- name: dictGetUInt64 and dictGetDate
-- route: read
-- type: select
-- reads: shop.orders
-- writes:
-- dictionaries: shop.products
-- cacheable: true
SELECT dictGetUInt64('shop.products', 'category_id', product_id), dictGetDate('shop.products', 'launched', product_id) FROM shop.orders
-- ====
-- name: dictGetOrDefault
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.countries
-- cacheable: true
SELECT dictGetOrDefault('geo.countries', 'name', toUInt64(country_id), 'unknown') FROM analytics.events
-- ====
-- name: dictGetOrNull
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.countries
-- cacheable: true
SELECT dictGetOrNull('geo.countries', 'name', toUInt64(country_id)) FROM analytics.events
-- ====
-- name: dictGet of several attributes at once
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.cities
-- cacheable: true
SELECT dictGet('geo.cities', ('name', 'population'), toUInt64(city_id)) FROM analytics.events
-- ====
-- name: dictHas in WHERE
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: fraud.blocklist
-- cacheable: true
SELECT count() FROM analytics.events WHERE NOT dictHas('fraud.blocklist', toUInt64(user_id))
-- ====
-- name: dictGetHierarchy
-- route: read
-- type: select
-- reads:
-- writes:
-- dictionaries: geo.regions
-- cacheable: true
SELECT dictGetHierarchy('geo.regions', toUInt64(213))
-- ====
-- name: dictIsIn
-- route: read
-- type: select
-- reads: analytics.visits
-- writes:
-- dictionaries: geo.regions
-- cacheable: true
SELECT count() FROM analytics.visits WHERE dictIsIn('geo.regions', toUInt64(region_id), toUInt64(225))
-- ====
-- name: dictGetChildren and dictGetDescendants
-- route: read
-- type: select
-- reads:
-- writes:
-- dictionaries: geo.regions
-- cacheable: true
SELECT dictGetChildren('geo.regions', toUInt64(1)), dictGetDescendants('geo.regions', toUInt64(1), 2)
-- ====
-- name: two different dictionaries
-- route: read
-- type: select
-- reads: shop.orders
-- writes:
-- dictionaries: shop.products, geo.countries
-- cacheable: true
SELECT dictGet('shop.products', 'name', product_id), dictGet('geo.countries', 'name', country_id) FROM shop.orders
-- ====
-- name: dictGet inside a subquery
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: geo.countries
-- cacheable: true
SELECT country, c FROM (SELECT dictGet('geo.countries', 'name', toUInt64(country_id)) AS country, count() AS c FROM analytics.events GROUP BY country) ORDER BY c DESC
-- ====
-- name: dictGet in a join condition
-- route: read
-- type: select
-- reads: analytics.events, analytics.users
-- writes:
-- dictionaries: crm.account_owner
-- cacheable: true
SELECT count() FROM analytics.events AS e JOIN analytics.users AS u ON u.id = dictGetUInt64('crm.account_owner', 'user_id', e.account_id)
-- ====
-- name: dictGet with a non-deterministic key
-- route: read
-- type: select
-- reads:
-- writes:
-- dictionaries: geo.countries
-- cacheable: false
SELECT dictGet('geo.countries', 'name', toUInt64(rand() % 200))
-- ====
-- name: dictionary name keeps its case
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries: Geo.Countries
-- cacheable: true
SELECT dictGet('Geo.Countries', 'name', toUInt64(country_id)) FROM analytics.events
-- ====
-- name: dictionary name in a plain string is not a lookup
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- dictionaries:
-- cacheable: true
SELECT 'geo.countries' AS dict, count() FROM analytics.events
-- ====
-- name: dictGetOrDefault with a tuple key on a complex-key dictionary
-- route: read
-- type: select
-- reads: shop.prices
-- writes:
-- dictionaries: shop.fx_rates
-- cacheable: true
SELECT price * dictGetOrDefault('shop.fx_rates', 'rate', tuple(currency, 'EUR'), toFloat64(1)) FROM shop.prices
-- ====
-- name: select from a dictionary-engine table is a table read
-- route: read
-- type: select
-- reads: geo.countries_table
-- writes:
-- dictionaries:
-- cacheable: true
SELECT * FROM geo.countries_table WHERE id < 10
