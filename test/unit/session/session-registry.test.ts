import { expect } from 'chai';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { createSessionRegistry } from '../../../src/session/session-registry.js';

describe('session registry', () => {
  let clock = 0;
  let ids = 0;
  const registry = () => createSessionRegistry({ now: () => clock, newBackendSessionId: () => `backend-${++ids}` });
  const options = { timeoutSeconds: 60, check: false, maxSessions: 10 };
  const errorName = (action: () => unknown): string | undefined => {
    try {
      action();
    } catch (error) {
      return error instanceof ChgateError ? error.errorName : 'other';
    }
    return undefined;
  };
  beforeEach(() => {
    clock = 1_000_000;
    ids = 0;
  });

  it('starts a session empty and keeps what a request changed for the next one', () => {
    const sessions = registry();
    const first = sessions.acquire('alice', 's1', options);
    expect(first.state).to.deep.equal({ database: undefined, settings: [], pinnedNode: undefined, backendSessionId: 'backend-1' });
    first.release({ database: 'db', settings: [['max_threads', '2']] });
    const second = sessions.acquire('alice', 's1', options);
    expect(second.state).to.deep.equal({ database: 'db', settings: [['max_threads', '2']], pinnedNode: undefined, backendSessionId: 'backend-1' });
    second.release({ pinnedNode: 'writer' });
    const third = sessions.acquire('alice', 's1', options);
    expect(third.state).to.include({ database: 'db', pinnedNode: 'writer' });
  });

  it('keeps sessions of different users apart, even with the same session_id', () => {
    const sessions = registry();
    sessions.acquire('alice', 's1', options).release({ database: 'alice_db', pinnedNode: 'writer' });
    const bob = sessions.acquire('bob', 's1', options);
    expect(bob.state).to.deep.equal({ database: undefined, settings: [], pinnedNode: undefined, backendSessionId: 'backend-2' });
    // A user name that contains the separator a naive key would use cannot reach another user's session either.
    const tricky = sessions.acquire('alice\u0000s1', '', options);
    expect(tricky.state.backendSessionId).to.equal('backend-3');
  });

  it('allows one request at a time per session, as ClickHouse does (SESSION_IS_LOCKED)', () => {
    const sessions = registry();
    const lease = sessions.acquire('alice', 's1', options);
    expect(errorName(() => sessions.acquire('alice', 's1', options))).to.equal('SESSION_IS_LOCKED');
    expect(errorName(() => sessions.acquire('alice', 's2', options))).to.equal(undefined);
    lease.release();
    lease.release({ database: 'ignored' }); // idempotent: a second release changes nothing
    const again = sessions.acquire('alice', 's1', options);
    expect(again.state.database).to.equal(undefined);
  });

  it('refuses session_check=1 for a session it does not know (SESSION_NOT_FOUND), and creates none', () => {
    const sessions = registry();
    expect(errorName(() => sessions.acquire('alice', 's1', { ...options, check: true }))).to.equal('SESSION_NOT_FOUND');
    expect(sessions.size()).to.equal(0);
    sessions.acquire('alice', 's1', options).release();
    expect(errorName(() => sessions.acquire('alice', 's1', { ...options, check: true }).release())).to.equal(undefined);
  });

  it('expires a session its timeout after the end of its last request, never while a request runs', () => {
    const sessions = registry();
    const lease = sessions.acquire('alice', 's1', { ...options, timeoutSeconds: 5 });
    clock += 60_000; // a long request: the session cannot expire under it
    expect(sessions.sweep()).to.equal(0);
    lease.release({ database: 'db' });
    clock += 4_999;
    const kept = sessions.acquire('alice', 's1', { ...options, timeoutSeconds: 5 });
    expect(kept.state.database).to.equal('db');
    kept.release();
    clock += 5_000;
    expect(errorName(() => sessions.acquire('alice', 's1', { ...options, check: true }))).to.equal('SESSION_NOT_FOUND');
    const fresh = sessions.acquire('alice', 's1', options);
    expect(fresh.state.database).to.equal(undefined);
    expect(fresh.state.backendSessionId).to.not.equal(kept.state.backendSessionId);
  });

  it('takes each request\'s own timeout, as ClickHouse does', () => {
    const sessions = registry();
    sessions.acquire('alice', 's1', { ...options, timeoutSeconds: 100 }).release({ database: 'db' });
    sessions.acquire('alice', 's1', { ...options, timeoutSeconds: 1 }).release();
    clock += 1_000;
    expect(sessions.acquire('alice', 's1', options).state.database).to.equal(undefined);
  });

  it('bounds the number of sessions, sweeping expired ones before refusing a new one', () => {
    const sessions = registry();
    const small = { ...options, timeoutSeconds: 1, maxSessions: 2 };
    sessions.acquire('alice', 'a', small).release();
    const held = sessions.acquire('alice', 'b', small);
    expect(errorName(() => sessions.acquire('alice', 'c', small))).to.equal('TOO_MANY_SIMULTANEOUS_QUERIES');
    clock += 1_000; // 'a' expires; 'b' is in use and stays
    sessions.acquire('alice', 'c', small).release();
    expect(sessions.size()).to.equal(2);
    held.release();
  });

  it('sweeps expired sessions on its own from time to time', () => {
    const sessions = registry();
    for (const id of ['a', 'b', 'c']) sessions.acquire('alice', id, { ...options, timeoutSeconds: 1 }).release();
    clock += 20_000;
    sessions.acquire('bob', 'x', options).release();
    expect(sessions.size()).to.equal(1);
  });
});
