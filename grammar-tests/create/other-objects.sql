-- name: CREATE DATABASE
-- route: write
-- type: create
-- reads:
-- writes:
-- databases: new_db
-- cacheable: false
-- server: 18.16
CREATE DATABASE new_db
-- ====
-- name: CREATE DATABASE IF NOT EXISTS ON CLUSTER with engine
-- route: write
-- type: create
-- reads:
-- writes:
-- databases: analytics
-- cacheable: false
CREATE DATABASE IF NOT EXISTS analytics ON CLUSTER main ENGINE = Atomic COMMENT 'raw events'
-- ====
-- name: CREATE DATABASE with a Replicated engine
-- route: write
-- type: create
-- reads:
-- writes:
-- databases: rep
-- cacheable: false
CREATE DATABASE rep ENGINE = Replicated('/clickhouse/databases/rep', '{shard}', '{replica}')
-- ====
-- name: CREATE DATABASE with a MySQL engine
-- route: write
-- type: create
-- reads:
-- writes:
-- databases: mysql_shop
-- cacheable: false
CREATE DATABASE mysql_shop ENGINE = MySQL('mysql:3306', 'shop', 'reader', 'secret')
-- ====
-- name: CREATE DATABASE with a quoted name
-- route: write
-- type: create
-- reads:
-- writes:
-- databases: my db
-- cacheable: false
CREATE DATABASE `my db`
-- ====
-- name: CREATE DICTIONARY with a ClickHouse source
-- route: write
-- type: create
-- reads:
-- writes: geo.countries
-- cacheable: false
-- note: the source table is only named in a string inside SOURCE(); the CREATE reads nothing
CREATE DICTIONARY geo.countries (
    id UInt64,
    name String DEFAULT '',
    iso String
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(TABLE 'countries_src' DB 'geo'))
LAYOUT(FLAT())
LIFETIME(MIN 300 MAX 600)
-- ====
-- name: CREATE DICTIONARY IF NOT EXISTS with a query source
-- route: write
-- type: create
-- reads:
-- writes: shop.products
-- cacheable: false
CREATE DICTIONARY IF NOT EXISTS shop.products (id UInt64, name String, category_id UInt64)
PRIMARY KEY id
SOURCE(CLICKHOUSE(QUERY 'SELECT id, name, category_id FROM shop.products_src'))
LAYOUT(HASHED())
LIFETIME(3600)
-- ====
-- name: CREATE OR REPLACE DICTIONARY with a complex key and a MySQL source
-- route: write
-- type: create
-- reads:
-- writes: shop.fx_rates
-- cacheable: false
CREATE OR REPLACE DICTIONARY shop.fx_rates (src String, dst String, rate Float64)
PRIMARY KEY src, dst
SOURCE(MYSQL(HOST 'mysql' PORT 3306 USER 'reader' PASSWORD 'secret' DB 'fx' TABLE 'rates'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 0 MAX 1000)
-- ====
-- name: CREATE DICTIONARY ON CLUSTER with a range layout
-- route: write
-- type: create
-- reads:
-- writes: hr.salary_bands
-- cacheable: false
CREATE DICTIONARY hr.salary_bands ON CLUSTER main (id UInt64, start Date, end Date, band UInt8)
PRIMARY KEY id
SOURCE(HTTP(URL 'https://hr.example.com/bands.tsv' FORMAT 'TabSeparated'))
LAYOUT(RANGE_HASHED())
RANGE(MIN start MAX end)
LIFETIME(86400)
-- ====
-- name: CREATE FUNCTION lambda
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE FUNCTION linear_equation AS (x, k, b) -> k * x + b
-- ====
-- name: CREATE OR REPLACE FUNCTION ON CLUSTER
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE OR REPLACE FUNCTION ON CLUSTER main parity AS (n) -> if(n % 2, 'odd', 'even')
-- ====
-- name: CREATE FUNCTION IF NOT EXISTS
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE FUNCTION IF NOT EXISTS to_cents AS (x) -> toUInt64(round(x * 100))
-- ====
-- name: CREATE NAMED COLLECTION
-- route: write
-- type: create
-- reads:
-- writes:
-- cacheable: false
CREATE NAMED COLLECTION s3_archive AS url = 'https://bucket.s3.amazonaws.com/archive/', access_key_id = 'KEY' NOT OVERRIDABLE
-- ====
-- name: ALTER NAMED COLLECTION
-- route: write
-- type: alter
-- reads:
-- writes:
-- cacheable: false
ALTER NAMED COLLECTION s3_archive SET access_key_id = 'NEWKEY' DELETE secret_access_key
