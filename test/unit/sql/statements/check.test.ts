import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/check', () => {
  it('reads the checked table and is never cached', () => {
    expectClassification("CHECK TABLE db.t PARTITION 202401 SETTINGS check_query_single_value_result = 0", { type: 'check', route: 'read', reads: ['db.t'], cacheable: false });
    expectClassification('CHECK GRANT SELECT ON db.t', { route: 'read', reads: [] });
    expectUnknown('CHECK t');
  });
});
