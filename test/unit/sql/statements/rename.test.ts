import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/rename', () => {
  it('writes both sides of every RENAME pair and of EXCHANGE', () => {
    expectClassification('RENAME TABLE a TO b, db.c TO db.d ON CLUSTER x', { type: 'rename', route: 'write', writes: ['a', 'b', 'db.c', 'db.d'] });
    expectClassification('RENAME DICTIONARY d1 TO d2', { writes: ['d1', 'd2'] });
    expectClassification('RENAME DATABASE a TO b', { databases: ['a', 'b'], writes: [] });
    expectClassification('EXCHANGE TABLES a AND db.b', { type: 'exchange', writes: ['a', 'db.b'] });
    expectClassification('EXCHANGE DICTIONARIES d1 AND d2', { writes: ['d1', 'd2'] });
  });

  it('refuses incomplete forms', () => {
    expectUnknown('RENAME TABLE a');
    expectUnknown('EXCHANGE TABLES a b');
  });
});
