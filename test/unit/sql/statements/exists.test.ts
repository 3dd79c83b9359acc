import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/exists', () => {
  it('reads the table it asks about', () => {
    expectClassification('EXISTS TABLE db.t', { type: 'exists', route: 'read', reads: ['db.t'], cacheable: false });
    expectClassification('EXISTS t', { reads: ['t'] });
    expectClassification('EXISTS TEMPORARY TABLE tmp', { reads: ['tmp'] });
    expectClassification('EXISTS DICTIONARY d', { reads: ['d'] });
    expectClassification('EXISTS DATABASE db', { reads: [] });
    expectUnknown('EXISTS');
  });
});
