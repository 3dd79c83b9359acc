import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/update', () => {
  it('writes the table of a lightweight UPDATE and reads its subqueries', () => {
    expectClassification('UPDATE db.t SET a = 1, b = (SELECT max(b) FROM s) WHERE id = 2', { type: 'update', route: 'write', writes: ['db.t'], reads: ['s'] });
    expectUnknown('UPDATE db.t a = 1');
  });
});
