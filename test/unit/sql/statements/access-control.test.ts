import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/access-control', () => {
  it('makes GRANT and REVOKE writes with no tables', () => {
    expectClassification('GRANT SELECT(a, b) ON db.t TO bob WITH GRANT OPTION', { type: 'grant', route: 'write', writes: [], reads: [] });
    expectClassification('GRANT r1 TO bob', { type: 'grant', route: 'write' });
    expectClassification('REVOKE ALL ON *.* FROM bob', { type: 'revoke', route: 'write', writes: [] });
  });
});
