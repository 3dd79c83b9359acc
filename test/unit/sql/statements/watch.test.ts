import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/watch', () => {
  it('reads the live view and is never cached', () => {
    expectClassification('WATCH db.lv EVENTS LIMIT 1 FORMAT JSON', { type: 'watch', route: 'read', reads: ['db.lv'], cacheable: false });
    expectUnknown('WATCH');
  });
});
