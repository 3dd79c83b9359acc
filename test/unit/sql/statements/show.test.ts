import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/show', () => {
  it('is a read that is never cached', () => {
    for (const sql of ['SHOW TABLES', "SHOW TABLES FROM db LIKE 'a%'", 'SHOW DATABASES', 'SHOW PROCESSLIST', 'SHOW GRANTS FOR bob',
      'SHOW CREATE USER bob', 'SHOW CREATE DATABASE db', 'SHOW SETTINGS LIKE \'max%\'', 'SHOW DICTIONARIES']) {
      expectClassification(sql, { type: 'show', route: 'read', cacheable: false, reads: [] });
    }
  });

  it('reads the table it looks at', () => {
    expectClassification('SHOW CREATE TABLE db.t', { reads: ['db.t'] });
    expectClassification('SHOW CREATE VIEW v', { reads: ['v'] });
    expectClassification('SHOW CREATE DICTIONARY d', { reads: ['d'] });
    expectClassification('SHOW CREATE t', { reads: ['t'] });
    expectClassification('SHOW COLUMNS FROM t FROM db', { reads: ['db.t'] });
    expectClassification('SHOW FULL COLUMNS IN db.t', { reads: ['db.t'] });
    expectClassification('SHOW INDEX FROM t', { reads: ['t'] });
  });
});
