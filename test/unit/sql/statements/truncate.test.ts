import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/truncate', () => {
  it('writes the truncated table or database', () => {
    expectClassification('TRUNCATE TABLE IF EXISTS db.t ON CLUSTER c', { type: 'truncate', route: 'write', writes: ['db.t'] });
    expectClassification('TRUNCATE t', { writes: ['t'] });
    expectClassification('TRUNCATE DATABASE IF EXISTS db', { databases: ['db'], writes: [] });
    expectClassification("TRUNCATE ALL TABLES FROM db LIKE 'tmp%'", { databases: ['db'] });
  });

  it('refuses a TRUNCATE with no name', () => {
    expectUnknown('TRUNCATE');
  });
});
