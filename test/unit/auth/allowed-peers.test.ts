import { expect } from 'chai';
import { createPeerCheck } from '../../../src/auth/allowed-peers.js';

describe('createPeerCheck', () => {
  it('lets in peers of the listed networks only, IPv4-mapped IPv6 peers as IPv4', () => {
    const check = createPeerCheck(['127.0.0.0/8', '::1/128', '10.1.2.3']);
    expect(check('127.0.0.1')).to.equal(true);
    expect(check('::ffff:127.0.0.5')).to.equal(true);
    expect(check('::1')).to.equal(true);
    expect(check('10.1.2.3')).to.equal(true);
    expect(check('10.1.2.4')).to.equal(false);
    expect(check('192.0.2.1')).to.equal(false);
    expect(check('')).to.equal(false);
  });

  it('lets everyone in when no networks are configured, and no one for an empty list', () => {
    expect(createPeerCheck(undefined)('203.0.113.9')).to.equal(true);
    expect(createPeerCheck([])('127.0.0.1')).to.equal(false);
  });
});
