import { expect } from 'chai';
import { createHash, scryptSync } from 'node:crypto';
import { describePasswordHashProblem, hashPassword, parsePasswordHash, unsaltedSha256Hash, verifyPassword } from '../../../src/auth/password-hash.js';

describe('password hashes', () => {
  it('hashes with scrypt by default, salted: the same password twice gives two different hashes', async () => {
    const one = await hashPassword('secret');
    const two = await hashPassword('secret');
    expect(one).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(one).to.not.equal(two);
    expect(await verifyPassword(parsePasswordHash(one), 'secret')).to.equal(true);
    expect(await verifyPassword(parsePasswordHash(two), 'secret')).to.equal(true);
    expect(await verifyPassword(parsePasswordHash(one), 'Secret')).to.equal(false);
    expect(await verifyPassword(parsePasswordHash(one), '')).to.equal(false);
  });
  it('verifies a scrypt hash computed independently (the format is what it says)', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const hash = scryptSync('pässword', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
    expect(await verifyPassword(parsePasswordHash(stored), 'pässword')).to.equal(true);
    expect(await verifyPassword(parsePasswordHash(stored), 'password')).to.equal(false);
  });
  it('verifies salted SHA-256: SHA-256(salt bytes ‖ password)', async () => {
    const salt = Buffer.from('a1b2c3d4e5f60718', 'hex');
    const hash = createHash('sha256').update(salt).update('secret').digest('hex');
    const stored = parsePasswordHash(`sha256$${salt.toString('hex')}$${hash}`);
    expect(await verifyPassword(stored, 'secret')).to.equal(true);
    expect(await verifyPassword(stored, 'secret2')).to.equal(false);
    const made = await hashPassword('x', 'sha256');
    expect(made).to.match(/^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword(parsePasswordHash(made), 'x')).to.equal(true);
  });
  it('verifies the deprecated unsalted SHA-256', async () => {
    const stored = unsaltedSha256Hash(createHash('sha256').update('secret').digest('hex'));
    expect(await verifyPassword(stored, 'secret')).to.equal(true);
    expect(await verifyPassword(stored, 'other')).to.equal(false);
  });
  it('says what is wrong with a bad value, never echoing it', () => {
    const cases: Array<[string, RegExp]> = [
      ['secret', /must start with scrypt\$ or sha256\$/],
      ['scrypt$16384$8$1$c2FsdHNhbHQ=', /must be scrypt\$N\$r\$p/],
      ['scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /power of 2/],
      ['scrypt$16384$0$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', /r must be/],
      ['scrypt$16384$8$1$!!$aGFzaGhhc2hoYXNoaGFzaA==', /base64/],
      ['scrypt$16384$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', /salt must be at least 8 bytes/],
      ['sha256$zz$00', /salt must be/],
      ['sha256$00112233445566778899$abc', /64 hex/],
    ];
    for (const [value, message] of cases) {
      const problem = describePasswordHashProblem(value);
      expect(problem, value).to.match(message);
      expect(problem).to.not.include(value);
    }
    expect(describePasswordHashProblem('sha256$0011223344556677$' + '0'.repeat(64))).to.equal(undefined);
  });
});
