-- name: CREATE TABLE with MergeTree
-- route: write
-- type: create
-- reads:
-- writes: new_table
-- cacheable: false
-- server: 18.16
CREATE TABLE new_table (id UInt64, name String) ENGINE = MergeTree ORDER BY id
-- ====
-- name: CREATE TABLE IF NOT EXISTS qualified
-- route: write
-- type: create
-- reads:
-- writes: analytics.events
-- cacheable: false
CREATE TABLE IF NOT EXISTS analytics.events (
    event_date Date,
    ts DateTime64(3),
    user_id UInt64,
    name LowCardinality(String),
    value Float64,
    tags Array(String)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_date, user_id)
SAMPLE BY user_id
TTL event_date + INTERVAL 1 YEAR
SETTINGS index_granularity = 8192
-- ====
-- name: CREATE TABLE ON CLUSTER with Replicated engine
-- route: write
-- type: create
-- reads:
-- writes: analytics.events_local
-- cacheable: false
CREATE TABLE analytics.events_local ON CLUSTER main (d Date, id UInt64) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/analytics/events_local', '{replica}') PARTITION BY toYYYYMM(d) ORDER BY id
-- ====
-- name: CREATE OR REPLACE TABLE
-- route: write
-- type: create
-- reads:
-- writes: analytics.daily
-- cacheable: false
CREATE OR REPLACE TABLE analytics.daily (d Date, c UInt64) ENGINE = SummingMergeTree ORDER BY d
-- ====
-- name: REPLACE TABLE AS SELECT
-- route: write
-- reads: analytics.events
-- writes: analytics.daily
-- cacheable: false
REPLACE TABLE analytics.daily ENGINE = MergeTree ORDER BY d AS SELECT event_date AS d, count() AS c FROM analytics.events GROUP BY d
-- ====
-- name: CREATE TABLE AS another table reads the source
-- route: write
-- type: create
-- reads: events
-- writes: events_clone
-- cacheable: false
-- server: 18.16
CREATE TABLE events_clone AS events
-- ====
-- name: CREATE TABLE AS another table with a different engine
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.events_log
-- cacheable: false
CREATE TABLE analytics.events_log AS analytics.events ENGINE = Log
-- ====
-- name: CREATE TABLE AS SELECT
-- route: write
-- type: create
-- reads: events
-- writes: events_summary
-- cacheable: false
-- server: 18.16
CREATE TABLE events_summary ENGINE = MergeTree ORDER BY name AS SELECT name, count() AS c FROM events GROUP BY name
-- ====
-- name: CREATE TABLE AS SELECT with a join
-- route: write
-- type: create
-- reads: analytics.events, analytics.users
-- writes: analytics.enriched
-- cacheable: false
CREATE TABLE analytics.enriched ENGINE = MergeTree ORDER BY user_id AS SELECT e.*, u.country FROM analytics.events AS e LEFT JOIN analytics.users AS u ON u.id = e.user_id
-- ====
-- name: CREATE TABLE with columns AS SELECT
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.top
-- cacheable: false
CREATE TABLE analytics.top (user_id UInt64, n UInt64) ENGINE = MergeTree ORDER BY user_id AS SELECT user_id, count() FROM analytics.events GROUP BY user_id
-- ====
-- name: CREATE TABLE EMPTY AS SELECT
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.shape
-- cacheable: false
CREATE TABLE analytics.shape ENGINE = MergeTree ORDER BY tuple() EMPTY AS SELECT * FROM analytics.events
-- ====
-- name: CREATE TABLE AS SELECT from numbers
-- route: write
-- type: create
-- reads:
-- writes: test.seq
-- functions: numbers
-- cacheable: false
CREATE TABLE test.seq ENGINE = Memory AS SELECT number FROM numbers(100)
-- ====
-- name: CREATE TABLE AS a table function
-- route: write
-- type: create
-- reads:
-- writes: ext.remote_events
-- functions: remote
-- cacheable: false
CREATE TABLE ext.remote_events AS remote('replica-2:9000', analytics.events)
-- ====
-- name: CREATE TABLE AS s3 table function
-- route: write
-- type: create
-- reads:
-- writes: ext.archive
-- functions: s3
-- cacheable: false
CREATE TABLE ext.archive AS s3('https://bucket.s3.amazonaws.com/archive/*.parquet', 'Parquet')
-- ====
-- name: CREATE TABLE with a Distributed engine
-- route: write
-- type: create
-- reads: analytics.events_local
-- writes: analytics.events_dist
-- cacheable: false
-- note: AS src is read (its structure is copied); the engine's arguments naming the same table are not a read
CREATE TABLE analytics.events_dist AS analytics.events_local ENGINE = Distributed(main, analytics, events_local, rand())
-- ====
-- name: CREATE TABLE with a Distributed engine and explicit columns
-- route: write
-- type: create
-- reads:
-- writes: analytics.users_dist
-- cacheable: false
CREATE TABLE analytics.users_dist (id UInt64, name String) ENGINE = Distributed('main', 'analytics', 'users_local', cityHash64(id))
-- ====
-- name: CREATE TABLE with a Merge engine
-- route: write
-- type: create
-- reads:
-- writes: analytics.all_events
-- cacheable: false
CREATE TABLE analytics.all_events (d Date, id UInt64) ENGINE = Merge('analytics', '^events_20')
-- ====
-- name: CREATE TABLE with a Buffer engine
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.events_buffer
-- cacheable: false
CREATE TABLE analytics.events_buffer AS analytics.events ENGINE = Buffer(analytics, events, 16, 10, 100, 10000, 1000000, 10000000, 100000000)
-- ====
-- name: CREATE TABLE with a MySQL engine
-- route: write
-- type: create
-- reads:
-- writes: ext.orders
-- cacheable: false
CREATE TABLE ext.orders (id UInt64, amount Decimal(18, 2)) ENGINE = MySQL('mysql:3306', 'shop', 'orders', 'reader', 'secret')
-- ====
-- name: CREATE TABLE with a Kafka engine
-- route: write
-- type: create
-- reads:
-- writes: ingest.kafka_events
-- cacheable: false
CREATE TABLE ingest.kafka_events (payload String) ENGINE = Kafka SETTINGS kafka_broker_list = 'kafka:9092', kafka_topic_list = 'events', kafka_group_name = 'ch', kafka_format = 'JSONAsString'
-- ====
-- name: CREATE TABLE with indexes, projections and constraints
-- route: write
-- type: create
-- reads:
-- writes: shop.orders
-- cacheable: false
CREATE TABLE shop.orders (
    id UInt64,
    customer_id UInt64,
    amount Decimal(18, 2),
    code String,
    INDEX idx_code code TYPE bloom_filter GRANULARITY 4,
    PROJECTION p_customer (SELECT customer_id, sum(amount) GROUP BY customer_id),
    CONSTRAINT positive CHECK amount >= 0
) ENGINE = MergeTree ORDER BY id
-- ====
-- name: CREATE TABLE with DEFAULT, MATERIALIZED, ALIAS and EPHEMERAL columns
-- route: write
-- type: create
-- reads:
-- writes: analytics.pageviews
-- cacheable: false
CREATE TABLE analytics.pageviews (
    raw String EPHEMERAL,
    url String DEFAULT JSONExtractString(raw, 'url'),
    host String MATERIALIZED domain(url),
    path String ALIAS path(url),
    created DateTime DEFAULT now()
) ENGINE = MergeTree ORDER BY url
-- ====
-- name: CREATE TABLE with a comment holding SQL
-- route: write
-- type: create
-- reads:
-- writes: analytics.notes
-- cacheable: false
CREATE TABLE analytics.notes (id UInt64) ENGINE = MergeTree ORDER BY id COMMENT 'filled by INSERT INTO analytics.notes SELECT * FROM analytics.raw'
-- ====
-- name: CREATE TEMPORARY TABLE
-- route: write
-- type: create
-- reads:
-- writes: tmp_ids
-- cacheable: false
CREATE TEMPORARY TABLE tmp_ids (id UInt64)
-- ====
-- name: CREATE TEMPORARY TABLE AS SELECT
-- route: write
-- type: create
-- reads: analytics.events
-- writes: tmp_users
-- cacheable: false
CREATE TEMPORARY TABLE tmp_users AS SELECT DISTINCT user_id FROM analytics.events
-- ====
-- name: CREATE TABLE lower case with Memory engine
-- route: write
-- type: create
-- reads:
-- writes: scratch
-- cacheable: false
-- server: 18.16
create table scratch (x UInt8) engine = Memory
-- ====
-- name: CREATE TABLE with backticked names
-- route: write
-- type: create
-- reads:
-- writes: my db.my table
-- cacheable: false
CREATE TABLE `my db`.`my table` (`the id` UInt64) ENGINE = MergeTree ORDER BY `the id`
-- ====
-- name: CREATE TABLE AS SELECT with SETTINGS
-- route: write
-- type: create
-- reads: analytics.events
-- writes: analytics.copy
-- cacheable: false
CREATE TABLE analytics.copy ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM analytics.events SETTINGS max_threads = 8
-- ====
-- name: CREATE TABLE with a Dictionary engine
-- route: write
-- type: create
-- reads:
-- writes: geo.countries_table
-- cacheable: false
CREATE TABLE geo.countries_table (id UInt64, name String) ENGINE = Dictionary(geo.countries)
-- ====
-- name: CREATE TABLE with a URL engine
-- route: write
-- type: create
-- reads:
-- writes: ext.feed
-- cacheable: false
CREATE TABLE ext.feed (id UInt64, title String) ENGINE = URL('https://example.com/feed.csv', CSV)
-- ====
-- name: CREATE INDEX statement writes the table
-- route: write
-- type: create
-- reads:
-- writes: analytics.events
-- cacheable: false
CREATE INDEX idx_user ON analytics.events (user_id) TYPE minmax GRANULARITY 2
-- ====
-- name: CREATE INDEX IF NOT EXISTS on an unqualified table
-- route: write
-- type: create
-- reads:
-- writes: events
-- cacheable: false
CREATE INDEX IF NOT EXISTS idx_name ON events (name) TYPE bloom_filter
