import { expect } from 'chai';
import { BlockList } from 'node:net';
import { resolveClientAddress } from '../../../src/auth/client-address.js';
import { parseCidr } from '../../../src/config/parse-cidr.js';

function list(...networks: string[]): BlockList {
  const blockList = new BlockList();
  for (const network of networks) parseCidr(network, blockList);
  return blockList;
}

describe('resolveClientAddress', () => {
  const trusted = list('127.0.0.1', '10.0.0.0/8', 'fd00::/8');

  it('ignores X-Forwarded-For when no proxy is trusted or the peer is not one', () => {
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4', undefined)).to.equal('127.0.0.1');
    expect(resolveClientAddress('192.168.1.1', '1.2.3.4', trusted)).to.equal('192.168.1.1');
    expect(resolveClientAddress('127.0.0.1', undefined, trusted)).to.equal('127.0.0.1');
  });
  it('takes the rightmost address that is not a trusted proxy', () => {
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4', trusted)).to.equal('1.2.3.4');
    // The client wrote "6.6.6.6" itself; 1.2.3.4 is what the first trusted proxy saw.
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 1.2.3.4, 10.1.1.1', trusted)).to.equal('1.2.3.4');
    expect(resolveClientAddress('127.0.0.1', ['6.6.6.6', '1.2.3.4, 10.1.1.1'], trusted)).to.equal('1.2.3.4');
  });
  it('handles IPv6, IPv4-mapped peers, ports and brackets', () => {
    expect(resolveClientAddress('::ffff:127.0.0.1', '2001:db8::1', trusted)).to.equal('2001:db8::1');
    expect(resolveClientAddress('fd00::5', '[2001:db8::2]:4711', trusted)).to.equal('2001:db8::2');
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4:5678', trusted)).to.equal('1.2.3.4');
  });
  it('stops at garbage (which matches no network) and takes the leftmost when every hop is trusted', () => {
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4, not-an-ip', trusted)).to.equal('not-an-ip');
    expect(resolveClientAddress('127.0.0.1', '10.0.0.9, 10.0.0.8', trusted)).to.equal('10.0.0.9');
    expect(resolveClientAddress('127.0.0.1', ' , ', trusted)).to.equal('127.0.0.1');
  });
});
