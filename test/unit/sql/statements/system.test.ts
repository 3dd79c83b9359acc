import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/system', () => {
  it('is always a write of unknown scope', () => {
    for (const sql of ['SYSTEM FLUSH LOGS', 'SYSTEM RELOAD DICTIONARY db.d', 'SYSTEM STOP MERGES db.t', 'SYSTEM SYNC REPLICA db.t',
      'SYSTEM DROP DNS CACHE', 'SYSTEM START FETCHES']) {
      expectClassification(sql, { type: 'system', route: 'write', writes: [], reads: [], unknown: false, cacheable: false });
    }
    expectUnknown('SYSTEM');
  });
});
