import { expect } from 'chai';
import { decideRoute, routeLabel } from '../../../src/routing/decide-route.js';
import { classification } from '../../helpers/classification.js';

describe('decideRoute', () => {
  const plain = {};
  it('sends reads to a reader and writes to the writer', () => {
    expect(decideRoute(classification({}), plain)).to.deep.equal({ target: 'reader', reason: 'read', identity: 'read' });
    expect(decideRoute(classification({ type: 'insert', route: 'write' }), plain)).to.deep.equal({ target: 'writer', reason: 'write', identity: 'write' });
  });
  it('sends what could not be classified to the writer, even when labelled read', () => {
    expect(decideRoute(classification({ unknown: true, route: 'read' }), plain)).to.deep.equal({ target: 'writer', reason: 'unclassified', identity: 'write' });
  });
  it('applies SET and USE locally, but sends other session statements to the writer', () => {
    expect(decideRoute(classification({ type: 'set', route: 'session', session: { kind: 'set', settings: { a: '1' } } }), plain).target).to.equal('local');
    expect(decideRoute(classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'd' } }), plain).target).to.equal('local');
    expect(decideRoute(classification({ type: 'set', route: 'session', session: { kind: 'other' } }), plain)).to.deep.equal({
      target: 'writer',
      reason: 'unreplayable-session-statement',
      identity: 'write',
    });
    expect(decideRoute(classification({ type: 'set', route: 'session' }), plain).target).to.equal('writer');
  });
  describe('with an HTTP session', () => {
    const held = { session: { database: undefined, settings: [], pinned: false } };
    const pinned = { session: { database: undefined, settings: [], pinned: true } };
    const temporary = classification({ type: 'create', route: 'write', tablesWritten: ['tmp'], sessionScoped: true });
    it('routes reads to replicas and writes to the writer while chgate holds the state', () => {
      expect(decideRoute(classification({}), held)).to.deep.equal({ target: 'reader', reason: 'read', identity: 'read' });
      expect(decideRoute(classification({ type: 'insert', route: 'write' }), held)).to.deep.equal({ target: 'writer', reason: 'write', identity: 'write' });
      expect(decideRoute(classification({ type: 'set', route: 'session', session: { kind: 'set', settings: { a: '1' } } }), held).target).to.equal('local');
    });
    it('pins on a temporary table, an unreplayable session statement or unclassified SQL', () => {
      const pins = { target: 'writer', reason: 'pins-session', identity: 'write' };
      expect(decideRoute(temporary, held)).to.deep.equal(pins);
      expect(decideRoute(classification({ type: 'set', route: 'session', session: { kind: 'other' } }), held)).to.deep.equal(pins);
      expect(decideRoute(classification({ unknown: true, route: 'write' }), held)).to.deep.equal(pins);
    });
    it('sends everything but SET and USE of a pinned session to its node as the write user', () => {
      const toNode = { target: 'writer', reason: 'pinned-session', identity: 'write' };
      expect(decideRoute(classification({}), pinned)).to.deep.equal(toNode);
      expect(decideRoute(temporary, pinned)).to.deep.equal(toNode);
      expect(decideRoute(classification({}), { ...pinned, isRecentlyWritten: () => true })).to.deep.equal(toNode);
      expect(decideRoute(classification({ type: 'use', route: 'session', session: { kind: 'use', database: 'd' } }), pinned).target).to.equal('local');
    });
    it('does not pin without a session', () => {
      expect(decideRoute(temporary, plain)).to.deep.equal({ target: 'writer', reason: 'write', identity: 'write' });
    });
  });
  it('sends a read of a just-written table to the writer, still as the read-only user', () => {
    const recent = { isRecentlyWritten: () => true };
    expect(decideRoute(classification({}), recent)).to.deep.equal({ target: 'writer', reason: 'read-after-write', identity: 'read' });
    expect(decideRoute(classification({ type: 'insert', route: 'write' }), recent).identity).to.equal('write');
  });
  it('labels routes by where statements ran', () => {
    expect(routeLabel({ target: 'reader', reason: 'read', identity: 'read' })).to.equal('read');
    expect(routeLabel({ target: 'writer', reason: 'read-after-write', identity: 'read' })).to.equal('read');
    expect(routeLabel({ target: 'writer', reason: 'unclassified', identity: 'write' })).to.equal('write');
    expect(routeLabel({ target: 'local', reason: 'session-statement', identity: 'read' })).to.equal('session');
  });
});
