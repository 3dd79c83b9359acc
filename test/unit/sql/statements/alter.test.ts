import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/alter', () => {
  it('writes the table for every command family', () => {
    for (const command of [
      'ADD COLUMN IF NOT EXISTS c String DEFAULT \'x\' AFTER b', 'DROP COLUMN c', 'MODIFY COLUMN c UInt64 CODEC(ZSTD)',
      'RENAME COLUMN a TO b', 'CLEAR COLUMN c IN PARTITION 202401', 'COMMENT COLUMN c \'text\'', 'MATERIALIZE COLUMN c',
      'ADD INDEX i c TYPE minmax GRANULARITY 4', 'MATERIALIZE INDEX i IN PARTITION 1', 'DROP PROJECTION p',
      'ADD PROJECTION p (SELECT a ORDER BY b)', 'ADD CONSTRAINT k CHECK a > 0', 'MODIFY TTL d + INTERVAL 1 DAY TO VOLUME \'slow\'',
      'MODIFY SETTING merge_with_ttl_timeout = 3600', 'MODIFY ORDER BY (a, b)', 'MODIFY SAMPLE BY a', 'MODIFY COMMENT \'x\'',
      'DETACH PARTITION 202401', 'DROP PARTITION ID \'x\'', 'DROP DETACHED PART \'p\'', 'ATTACH PART \'p\'',
      'FREEZE PARTITION 1 WITH NAME \'b\'', 'UNFREEZE WITH NAME \'b\'', "FETCH PARTITION 1 FROM '/clickhouse/tables/t'",
      "MOVE PARTITION 1 TO DISK 'cold'", 'UPDATE x = x + 1 WHERE y = 2', 'DELETE WHERE x = 1', 'APPLY DELETED MASK',
    ]) {
      expectClassification(`ALTER TABLE db.t ON CLUSTER main ${command}`, { type: 'alter', route: 'write', writes: ['db.t'], reads: [], unknown: false });
    }
  });

  it('reads the source of ATTACH / REPLACE PARTITION ... FROM and writes the MOVE ... TO TABLE target', () => {
    expectClassification('ALTER TABLE t ATTACH PARTITION 1 FROM db.src', { writes: ['t'], reads: ['db.src'] });
    expectClassification('ALTER TABLE t REPLACE PARTITION 1 FROM src', { writes: ['t'], reads: ['src'] });
    expectClassification('ALTER TABLE t MOVE PARTITION 1 TO TABLE db.dest', { writes: ['db.dest', 't'] });
  });

  it('reads subqueries in mutations and the new query of MODIFY QUERY', () => {
    expectClassification('ALTER TABLE t UPDATE v = 0 WHERE id IN (SELECT id FROM banned) AND k IN db.keys', { writes: ['t'], reads: ['banned', 'db.keys'] });
    expectClassification('ALTER TABLE mv MODIFY QUERY SELECT a FROM src', { writes: ['mv'], reads: ['src'] });
    expectClassification("ALTER TABLE t DELETE WHERE dictHas('d', id)", { dictionaries: ['d'] });
  });

  it('writes a database, and nothing for access entities', () => {
    expectClassification("ALTER DATABASE db MODIFY COMMENT 'x'", { writes: [], databases: ['db'] });
    expectClassification("ALTER USER bob IDENTIFIED BY 'x'", { route: 'write', writes: [], unknown: false });
    expectClassification('ALTER ROW POLICY p ON db.t USING 1', { route: 'write', writes: [] });
    expectClassification('ALTER SETTINGS PROFILE p SETTINGS max_threads = 1', { route: 'write', writes: [] });
  });

  it('refuses malformed ALTERs', () => {
    expectUnknown('ALTER t DELETE WHERE 1');
    expectUnknown('ALTER TABLE');
  });
});
