import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/kill', () => {
  it('is a write, reading its subqueries', () => {
    expectClassification("KILL QUERY ON CLUSTER c WHERE query_id = 'x' SYNC", { type: 'kill', route: 'write', writes: [] });
    expectClassification('KILL MUTATION WHERE mutation_id IN (SELECT mutation_id FROM system.mutations) TEST', { reads: ['system.mutations'] });
    expectClassification('KILL TRANSACTION WHERE tid = (1, 2, 3)', { route: 'write' });
    expectUnknown('KILL something');
  });
});
