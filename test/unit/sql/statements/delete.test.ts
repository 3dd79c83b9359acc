import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/delete', () => {
  it('writes the table of a lightweight DELETE and reads its subqueries', () => {
    expectClassification('DELETE FROM db.t ON CLUSTER c IN PARTITION 1 WHERE id IN (SELECT id FROM gone)', {
      type: 'delete', route: 'write', writes: ['db.t'], reads: ['gone'],
    });
    expectUnknown('DELETE t WHERE 1');
  });
});
