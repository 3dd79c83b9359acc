import { expect } from 'chai';
import { decideRoute, routeLabel } from '../../../src/routing/decide-route.js';
import { classification } from '../../helpers/classification.js';

describe('decideRoute', () => {
  const plain = { hasHttpSession: false };
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
  it('pins every statement of an HTTP session to the writer', () => {
    expect(decideRoute(classification({}), { hasHttpSession: true })).to.deep.equal({ target: 'writer', reason: 'http-session', identity: 'write' });
  });
  it('sends a read of a just-written table to the writer, still as the read-only user', () => {
    const recent = { hasHttpSession: false, isRecentlyWritten: () => true };
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
