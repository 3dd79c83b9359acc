import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/drop', () => {
  it('writes every dropped or detached table', () => {
    expectClassification('DROP TABLE IF EXISTS a, db.b ON CLUSTER c SYNC', { type: 'drop', route: 'write', writes: ['a', 'db.b'] });
    expectClassification('DROP TEMPORARY TABLE tmp', { writes: ['tmp'], sessionScoped: true });
    expectClassification('DROP TABLE tmp', { sessionScoped: false });
    expectClassification('DROP VIEW v', { writes: ['v'] });
    expectClassification('DROP DICTIONARY d', { writes: ['d'] });
    expectClassification('DROP TABLE IF EMPTY t', { writes: ['t'] });
    expectClassification('DETACH TABLE t PERMANENTLY', { type: 'detach', writes: ['t'] });
    expectClassification('DETACH VIEW v', { type: 'detach', writes: ['v'] });
    expectClassification('UNDROP TABLE db.t', { type: 'other', writes: ['db.t'] });
  });

  it('writes databases, index tables, and nothing for access entities', () => {
    expectClassification('DROP DATABASE IF EXISTS db', { databases: ['db'], writes: [] });
    expectClassification('DETACH DATABASE db', { type: 'detach', databases: ['db'] });
    expectClassification('DROP INDEX IF EXISTS i ON db.t', { writes: ['db.t'] });
    expectClassification('DROP USER IF EXISTS bob', { writes: [], route: 'write', unknown: false });
    expectClassification('DROP FUNCTION f', { writes: [], route: 'write', unknown: false });
  });

  it('refuses a DROP with no name', () => {
    expectUnknown('DROP TABLE');
  });
});
