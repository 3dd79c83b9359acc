import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/describe', () => {
  it('reads the described table, function or query', () => {
    expectClassification('DESCRIBE TABLE db.t', { type: 'describe', route: 'read', reads: ['db.t'], cacheable: false });
    expectClassification('DESC t FORMAT JSON', { reads: ['t'] });
    expectClassification('DESCRIBE (SELECT a FROM t)', { reads: ['t'] });
    expectClassification("DESCRIBE TABLE url('http://x', CSV)", { functions: ['url'], reads: [] });
    expectUnknown('DESCRIBE');
  });
});
