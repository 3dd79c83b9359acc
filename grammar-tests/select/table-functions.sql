-- name: numbers
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers
-- cacheable: true
-- server: 18.16
SELECT sum(number) FROM numbers(1000)
-- ====
-- name: numbers with offset
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers
-- cacheable: true
-- server: 18.16
SELECT number FROM numbers(10, 5)
-- ====
-- name: numbers_mt
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers_mt
-- cacheable: true
SELECT count() FROM numbers_mt(100000000)
-- ====
-- name: zeros
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: zeros
-- cacheable: true
SELECT count() FROM zeros(100)
-- ====
-- name: generate_series
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: generate_series
-- cacheable: true
SELECT * FROM generate_series(1, 10, 2)
-- ====
-- name: values table function
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: values
-- cacheable: true
SELECT * FROM values('id UInt8, name String', (1, 'one'), (2, 'two'))
-- ====
-- name: null table function
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: null
-- cacheable: true
SELECT * FROM null('x UInt8, y String')
-- ====
-- name: format table function parses an inline string
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: format
-- cacheable: true
SELECT * FROM format(JSONEachRow, '{"a": 1, "b": "DROP TABLE x"}')
-- ====
-- name: generateRandom is not cacheable
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: generateRandom
-- cacheable: false
SELECT * FROM generateRandom('a UInt32, b String, c Array(Float64)') LIMIT 10
-- ====
-- name: remote with db.table argument is not a table read
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: remote
-- cacheable: false
SELECT count() FROM remote('replica-1:9000', analytics.events)
-- ====
-- name: remote with separate database and table arguments and credentials
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: remote
-- cacheable: false
SELECT * FROM remote('10.0.0.{1,2}:9000', 'analytics', 'events', 'reader', 'secret') LIMIT 5
-- ====
-- name: remoteSecure
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: remoteSecure
-- cacheable: false
SELECT count() FROM remoteSecure('ch.example.com:9440', analytics.events, 'reader', 'secret')
-- ====
-- name: cluster
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: cluster
-- cacheable: false
SELECT hostName(), count() FROM cluster('main', analytics.events) GROUP BY 1
-- ====
-- name: clusterAllReplicas with macro
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: clusterAllReplicas
-- cacheable: false
SELECT count() FROM clusterAllReplicas('{cluster}', system.one)
-- ====
-- name: merge over a regexp of tables is not cacheable
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: merge
-- cacheable: false
SELECT count() FROM merge('analytics', '^events_20')
-- ====
-- name: merge with REGEXP database
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: merge
-- cacheable: false
SELECT count() FROM merge(REGEXP('^shard_'), '^events$')
-- ====
-- name: url
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: url
-- cacheable: false
SELECT * FROM url('https://example.com/data.csv', 'CSVWithNames', 'id UInt64, name String')
-- ====
-- name: url whose address holds SQL text
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: url
-- cacheable: false
SELECT * FROM url('http://other:8123/?query=DROP%20TABLE%20t', TSV, 'x String')
-- ====
-- name: file
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: file
-- cacheable: false
SELECT * FROM file('exports/users.tsv', 'TSV', 'id UInt64, name String')
-- ====
-- name: file with glob
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: file
-- cacheable: false
SELECT count() FROM file('logs/2024-*/part-{1..9}.csv.gz', 'CSV')
-- ====
-- name: s3
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: s3
-- cacheable: false
SELECT count() FROM s3('https://bucket.s3.amazonaws.com/events/*.parquet', 'KEY', 'SECRET', 'Parquet')
-- ====
-- name: s3Cluster
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: s3Cluster
-- cacheable: false
SELECT count() FROM s3Cluster('main', 'https://bucket.s3.amazonaws.com/events/*.parquet', 'Parquet')
-- ====
-- name: hdfs
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: hdfs
-- cacheable: false
SELECT * FROM hdfs('hdfs://namenode:9000/data/part-*.tsv', 'TSV', 'a String, b UInt32')
-- ====
-- name: mysql
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: mysql
-- cacheable: false
SELECT * FROM mysql('mysql-host:3306', 'shop', 'orders', 'reader', 'secret') WHERE id > 100
-- ====
-- name: postgresql
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: postgresql
-- cacheable: false
SELECT * FROM postgresql('pg-host:5432', 'crm', 'accounts', 'reader', 'secret', 'public')
-- ====
-- name: jdbc
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: jdbc
-- cacheable: false
SELECT * FROM jdbc('jdbc:mysql://localhost:3306/?user=root', 'schema', 'table')
-- ====
-- name: odbc
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: odbc
-- cacheable: false
SELECT * FROM odbc('DSN=warehouse', 'public', 'facts')
-- ====
-- name: sqlite
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: sqlite
-- cacheable: false
SELECT * FROM sqlite('local.db', 'items')
-- ====
-- name: mongodb
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: mongodb
-- cacheable: false
SELECT * FROM mongodb('mongo:27017', 'app', 'profiles', 'reader', 'secret', 'id UInt64, name String')
-- ====
-- name: azureBlobStorage
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: azureBlobStorage
-- cacheable: false
SELECT count() FROM azureBlobStorage('DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=key', 'container', 'data/*.csv', 'CSV')
-- ====
-- name: iceberg
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: iceberg
-- cacheable: false
SELECT count() FROM iceberg('https://bucket.s3.amazonaws.com/warehouse/events/', 'KEY', 'SECRET')
-- ====
-- name: deltaLake
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: deltaLake
-- cacheable: false
SELECT count() FROM deltaLake('https://bucket.s3.amazonaws.com/lake/orders/')
-- ====
-- name: executable
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: executable
-- cacheable: false
SELECT * FROM executable('generate.py', TabSeparated, 'id UInt32, value String')
-- ====
-- name: table function with an alias
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers
-- cacheable: true
SELECT n.number * 2 FROM numbers(5) AS n
-- ====
-- name: table function inside an IN subquery
-- route: read
-- type: select
-- reads: events
-- writes:
-- functions: numbers
-- cacheable: true
-- server: 18.16
SELECT count() FROM events WHERE user_id IN (SELECT number FROM numbers(100))
-- ====
-- name: two table functions in one query
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: numbers, url
-- cacheable: false
SELECT * FROM numbers(10) AS n JOIN url('https://example.com/map.csv', CSV, 'k UInt64, v String') AS m ON m.k = n.number
-- ====
-- name: a column named like a table function is not a call
-- route: read
-- type: select
-- reads: ops.inventory
-- writes:
-- cacheable: true
SELECT file, url, remote FROM ops.inventory WHERE s3 = 1
-- ====
-- name: a string naming a table function is not a call
-- route: read
-- type: select
-- reads: ops.inventory
-- writes:
-- cacheable: true
SELECT count() FROM ops.inventory WHERE source = 'remote(host, db.t)'
-- ====
-- name: view table function reads the table of its subquery
-- route: read
-- type: select
-- reads: analytics.events
-- writes:
-- functions: view
-- cacheable: true
-- note: view(SELECT ...) holds a subquery, not a remote table name: its FROM is read like any subquery's
SELECT * FROM view(SELECT user_id FROM analytics.events WHERE value > 1)
-- ====
-- name: remote over a subquery-free local address is still remote
-- route: read
-- type: select
-- reads:
-- writes:
-- functions: remote
-- cacheable: false
SELECT * FROM remote('localhost', system.one)
