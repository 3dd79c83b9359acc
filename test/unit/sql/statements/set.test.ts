import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/set', () => {
  it('carries settings valued as URL parameters take them', () => {
    expectClassification("SET max_threads = 8, load_balancing = 'random', x = -1, f = 1.5, b = true, s = 'it''s', a = [1, 2], m = {'k': 'v'}", {
      type: 'set', route: 'session',
      session: { kind: 'set', settings: { max_threads: '8', load_balancing: 'random', x: '-1', f: '1.5', b: 'true', s: "it's", a: '[1,2]', m: "{'k':'v'}" } },
    });
    expectClassification("SET param_id = '42'", { session: { kind: 'set', settings: { param_id: '42' } } });
  });

  it('gives SET ROLE and unreplayable values a session effect of kind other', () => {
    expectClassification('SET ROLE r1, r2', { type: 'set', route: 'session', session: { kind: 'other' } });
    expectClassification('SET ROLE DEFAULT', { route: 'session', session: { kind: 'other' } });
    expectClassification('SET max_threads = DEFAULT', { route: 'session', session: { kind: 'other' } });
  });

  it('makes SET DEFAULT ROLE a write', () => {
    expectClassification('SET DEFAULT ROLE r1 TO bob', { type: 'set', route: 'write', cacheable: false });
  });

  it('refuses malformed SETs', () => {
    expectUnknown('SET');
    expectUnknown('SET x');
    expectUnknown('SET x = ');
    expectUnknown('SET x = (1');
  });
});
