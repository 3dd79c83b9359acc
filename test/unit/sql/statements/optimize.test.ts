import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/optimize', () => {
  it('writes the optimized table', () => {
    expectClassification('OPTIMIZE TABLE db.t ON CLUSTER c PARTITION 202401 FINAL DEDUPLICATE BY a, b', { type: 'optimize', route: 'write', writes: ['db.t'] });
    expectUnknown('OPTIMIZE TABLE');
  });
});
