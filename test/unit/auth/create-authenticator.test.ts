import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createAuthenticator } from '../../../src/auth/create-authenticator.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('createAuthenticator', () => {
  const authenticator = createAuthenticator([
    { name: 'default', networks: ['127.0.0.0/8', '::1/128'], cluster: 'local', isAdmin: false },
    { name: 'app', passwordSha256Hex: sha256('secret'), networks: ['10.0.0.0/8', '2001:db8::/32'], cluster: 'prod', isAdmin: true },
  ]);
  const expectRefused = (fn: () => unknown): void => {
    let thrown: unknown;
    try {
      fn();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(ChgateError);
    expect((thrown as ChgateError).errorName).to.equal('AUTHENTICATION_FAILED');
    expect((thrown as ChgateError).status).to.equal(401);
  };

  it('lets the passwordless default user in from loopback, IPv4, IPv6 and IPv4-mapped', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(authenticator.authenticate({ user: 'default', password: '', source: 'none' }, address)).to.deep.equal({ name: 'default', cluster: 'local', isAdmin: false });
    }
  });
  it('refuses the default user from another network', () => {
    expectRefused(() => authenticator.authenticate({ user: 'default', password: '', source: 'none' }, '192.168.1.5'));
  });
  it('refuses a password given to a passwordless user', () => {
    expectRefused(() => authenticator.authenticate({ user: 'default', password: 'x', source: 'params' }, '127.0.0.1'));
  });
  it('checks the SHA-256 password', () => {
    expect(authenticator.authenticate({ user: 'app', password: 'secret', source: 'basic' }, '10.1.2.3').cluster).to.equal('prod');
    expect(authenticator.authenticate({ user: 'app', password: 'secret', source: 'basic' }, '2001:db8::5').cluster).to.equal('prod');
    expectRefused(() => authenticator.authenticate({ user: 'app', password: 'wrong', source: 'basic' }, '10.1.2.3'));
    expectRefused(() => authenticator.authenticate({ user: 'app', password: '', source: 'basic' }, '10.1.2.3'));
  });
  it('refuses unknown users with the same message as a wrong password', () => {
    let unknownMessage = '';
    let wrongMessage = '';
    try {
      authenticator.authenticate({ user: 'nobody', password: 'secret', source: 'basic' }, '10.1.2.3');
    } catch (error) {
      unknownMessage = (error as Error).message.replace('nobody', 'USER');
    }
    try {
      authenticator.authenticate({ user: 'app', password: 'nope', source: 'basic' }, '10.1.2.3');
    } catch (error) {
      wrongMessage = (error as Error).message.replace('app', 'USER');
    }
    expect(unknownMessage).to.equal(wrongMessage).and.not.equal('');
  });
});
