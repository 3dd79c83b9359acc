import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/create', () => {
  it('writes a created table and reads its AS source or query', () => {
    expectClassification('CREATE TABLE IF NOT EXISTS db.t ON CLUSTER c (a UInt8, b String DEFAULT lower(a)) ENGINE = MergeTree ORDER BY a', {
      type: 'create', route: 'write', writes: ['db.t'], reads: [],
    });
    expectClassification('CREATE TABLE t2 AS db.t1 ENGINE = MergeTree ORDER BY a', { writes: ['t2'], reads: ['db.t1'] });
    expectClassification('CREATE TABLE t ENGINE = Memory AS SELECT * FROM src WHERE x IN (SELECT x FROM f)', { writes: ['t'], reads: ['f', 'src'] });
    expectClassification("CREATE TABLE t AS s3('https://b/f.csv', CSV)", { writes: ['t'], functions: ['s3'] });
    expectClassification('CREATE OR REPLACE TABLE t EMPTY AS SELECT * FROM src', { writes: ['t'], reads: ['src'] });
    expectClassification('REPLACE TABLE t AS SELECT 1', { type: 'create', writes: ['t'] });
    expectClassification('CREATE TEMPORARY TABLE tmp (a UInt8)', { writes: ['tmp'], sessionScoped: true });
    expectClassification('CREATE TABLE t (a UInt8) ENGINE = Memory', { sessionScoped: false });
  });

  it('does not take TTL moves for tables', () => {
    expectClassification("CREATE TABLE t (d Date) ENGINE = MergeTree ORDER BY d TTL d + INTERVAL 1 MONTH TO VOLUME 'cold', d + INTERVAL 1 YEAR TO DISK 'archive'", {
      writes: ['t'], reads: [],
    });
  });

  it('writes views, their TO target, and reads their query', () => {
    expectClassification('CREATE MATERIALIZED VIEW IF NOT EXISTS db.mv TO db.dest (a UInt8) AS SELECT a FROM db.src', { writes: ['db.dest', 'db.mv'], reads: ['db.src'] });
    expectClassification('CREATE MATERIALIZED VIEW mv ENGINE = MergeTree ORDER BY a POPULATE AS SELECT a FROM src', { writes: ['mv'], reads: ['src'] });
    expectClassification('CREATE VIEW v AS SELECT * FROM a JOIN b USING (k)', { writes: ['v'], reads: ['a', 'b'] });
    expectClassification('CREATE LIVE VIEW lv WITH REFRESH 5 AS SELECT count() FROM t', { writes: ['lv'], reads: ['t'] });
    expectClassification('CREATE WINDOW VIEW wv TO dest AS SELECT count() FROM t GROUP BY tumble(ts, INTERVAL 1 SECOND)', { writes: ['dest', 'wv'], reads: ['t'] });
  });

  it('writes dictionaries, databases and indexed tables', () => {
    expectClassification("CREATE DICTIONARY d (id UInt64, v String) PRIMARY KEY id SOURCE(CLICKHOUSE(TABLE 'src' DB 'db')) LAYOUT(FLAT()) LIFETIME(MIN 0 MAX 60)", {
      writes: ['d'], reads: [],
    });
    expectClassification('CREATE DATABASE IF NOT EXISTS analytics ENGINE = Atomic', { databases: ['analytics'], writes: [] });
    expectClassification('CREATE INDEX idx ON db.t (a) TYPE minmax GRANULARITY 1', { writes: ['db.t'] });
  });

  it('writes no table for access entities and functions', () => {
    for (const sql of ["CREATE USER bob IDENTIFIED BY 'x'", 'CREATE ROLE r', 'CREATE ROW POLICY p ON db.t USING 1 TO r',
      'CREATE QUOTA q FOR INTERVAL 1 HOUR MAX queries = 10', 'CREATE SETTINGS PROFILE p SETTINGS max_threads = 1',
      'CREATE FUNCTION f AS (x) -> x + 1', "CREATE NAMED COLLECTION c AS key = 'v'"]) {
      expectClassification(sql, { type: 'create', route: 'write', writes: [], unknown: false });
    }
  });

  it('handles ATTACH in all its forms', () => {
    expectClassification('ATTACH TABLE db.t', { type: 'attach', writes: ['db.t'] });
    expectClassification("ATTACH TABLE t FROM '/var/lib/x' (a UInt8) ENGINE = MergeTree ORDER BY a", { writes: ['t'], reads: [] });
    expectClassification('ATTACH TABLE t AS REPLICATED', { writes: ['t'], reads: [] });
    expectClassification('ATTACH DATABASE db', { databases: ['db'] });
    expectClassification('ATTACH db.t', { writes: ['db.t'] });
  });

  it('refuses malformed CREATEs', () => {
    expectUnknown('CREATE t (a UInt8)');
    expectUnknown('CREATE TABLE');
  });
});
