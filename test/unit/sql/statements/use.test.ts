import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/use', () => {
  it('switches the session database, quotes removed', () => {
    expectClassification('USE analytics', { type: 'use', route: 'session', session: { kind: 'use', database: 'analytics' } });
    expectClassification('USE `my db`', { session: { kind: 'use', database: 'my db' } });
    expectClassification('USE DATABASE x', { session: { kind: 'use', database: 'x' } });
  });

  it('refuses anything but one database name', () => {
    expectUnknown('USE');
    expectUnknown('USE a.b');
    expectUnknown('USE a b');
  });
});
