import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/other', () => {
  it('makes backups, restores, transactions and moves writes', () => {
    expectClassification("BACKUP TABLE db.t TO Disk('backups', 'b.zip')", { type: 'other', route: 'write', writes: [] });
    expectClassification("RESTORE TABLE db.t AS db.t2, DATABASE d FROM Disk('backups', 'b.zip')", { writes: ['db.t2'], databases: ['d'] });
    expectClassification('BEGIN TRANSACTION', { type: 'other', route: 'write' });
    expectClassification('COMMIT', { route: 'write' });
    expectClassification('ROLLBACK', { route: 'write' });
  });
});
