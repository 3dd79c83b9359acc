import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createAuthenticator } from '../../../src/auth/create-authenticator.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import type { ProxyUserConfig } from '../../../src/config/config.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const rights = { readonly: false, denyDdl: false };
// Small scrypt parameters keep the unit tests fast; the scheme is the same.
const fastScrypt = { n: 1024, r: 8, p: 1 } as const;

async function refusal(promise: Promise<unknown>): Promise<ChgateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ChgateError);
    expect((error as ChgateError).errorName).to.equal('AUTHENTICATION_FAILED');
    expect((error as ChgateError).status).to.equal(401);
    return error as ChgateError;
  }
  throw new Error('expected AUTHENTICATION_FAILED');
}

describe('createAuthenticator', () => {
  let users: ProxyUserConfig[];
  before(async () => {
    users = [
      { name: 'default', networks: ['127.0.0.0/8', '::1/128'], cluster: 'local', isAdmin: false, ...rights },
      { name: 'app', passwordSha256Hex: sha256('secret'), networks: ['10.0.0.0/8', '2001:db8::/32'], cluster: 'prod', isAdmin: true, ...rights },
      { name: 'salted', passwordHash: await hashPassword('pepper', 'sha256'), networks: ['127.0.0.1'], cluster: 'local', isAdmin: false, ...rights },
      { name: 'scrypted', passwordHash: await hashPassword('s3cret', 'scrypt', fastScrypt), networks: ['127.0.0.1'], cluster: 'local', isAdmin: false, readonly: true, denyDdl: false },
    ];
  });
  const credentials = (user: string, password: string) => ({ user, password, source: 'basic' as const });

  it('lets the passwordless default user in from loopback, IPv4, IPv6 and IPv4-mapped', async () => {
    const authenticator = createAuthenticator(users);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(await authenticator.authenticate({ user: 'default', password: '', source: 'none' }, address)).to.deep.equal({
        name: 'default', cluster: 'local', isAdmin: false, readonly: false, denyDdl: false,
      });
    }
  });
  it('refuses the default user from another network', async () => {
    await refusal(createAuthenticator(users).authenticate({ user: 'default', password: '', source: 'none' }, '192.168.1.5'));
  });
  it('refuses a password given to a passwordless user', async () => {
    await refusal(createAuthenticator(users).authenticate({ user: 'default', password: 'x', source: 'params' }, '127.0.0.1'));
  });
  it('checks the deprecated unsalted SHA-256 password', async () => {
    const authenticator = createAuthenticator(users);
    expect((await authenticator.authenticate(credentials('app', 'secret'), '10.1.2.3')).cluster).to.equal('prod');
    expect((await authenticator.authenticate(credentials('app', 'secret'), '2001:db8::5')).cluster).to.equal('prod');
    await refusal(authenticator.authenticate(credentials('app', 'wrong'), '10.1.2.3'));
    await refusal(authenticator.authenticate(credentials('app', ''), '10.1.2.3'));
  });
  it('checks salted SHA-256 and scrypt passwords, and carries the rights', async () => {
    const authenticator = createAuthenticator(users);
    expect((await authenticator.authenticate(credentials('salted', 'pepper'), '127.0.0.1')).name).to.equal('salted');
    await refusal(authenticator.authenticate(credentials('salted', 'Pepper'), '127.0.0.1'));
    const scrypted = await authenticator.authenticate(credentials('scrypted', 's3cret'), '127.0.0.1');
    expect(scrypted).to.include({ name: 'scrypted', readonly: true, denyDdl: false });
    await refusal(authenticator.authenticate(credentials('scrypted', 's3cret '), '127.0.0.1'));
    // A remembered correct password does not open the account from another network.
    await refusal(authenticator.authenticate(credentials('scrypted', 's3cret'), '10.0.0.1'));
  });
  it('remembers correct scrypt passwords (fast second time), never wrong ones', async () => {
    const slow = { n: 16_384, r: 8, p: 1 } as const;
    const slowUsers: ProxyUserConfig[] = [{ name: 'u', passwordHash: await hashPassword('right', 'scrypt', slow), networks: ['127.0.0.1'], cluster: 'c', isAdmin: false, ...rights }];
    const authenticator = createAuthenticator(slowUsers);
    const time = async (password: string): Promise<number> => {
      const started = performance.now();
      await authenticator.authenticate(credentials('u', password), '127.0.0.1').catch(() => undefined);
      return performance.now() - started;
    };
    const first = await time('right');
    const repeats: number[] = [];
    for (let i = 0; i < 20; i++) repeats.push(await time('right'));
    const wrong = [await time('wrong'), await time('wrong')];
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    // scrypt N=16384 takes tens of ms; a remembered password one HMAC (microseconds).
    expect(first, `first ${first} ms`).to.be.greaterThan(10);
    expect(median(repeats), `repeat ${median(repeats)} ms`).to.be.lessThan(first / 5);
    // Wrong passwords always pay the full scrypt: far above a remembered one (margins for a loaded machine).
    for (const each of wrong) {
      expect(each, `wrong ${each} ms`).to.be.greaterThan(10);
      expect(each, `wrong ${each} ms vs repeat ${median(repeats)} ms`).to.be.greaterThan(median(repeats) * 10);
    }
  });
  it('bounds the remembered passwords: the oldest is forgotten', async () => {
    const slowUsers: ProxyUserConfig[] = [
      { name: 'a', passwordHash: await hashPassword('pa', 'scrypt', fastScrypt), networks: ['127.0.0.1'], cluster: 'c', isAdmin: false, ...rights },
      { name: 'b', passwordHash: await hashPassword('pb', 'scrypt', fastScrypt), networks: ['127.0.0.1'], cluster: 'c', isAdmin: false, ...rights },
    ];
    const authenticator = createAuthenticator(slowUsers, { maxRememberedPasswords: 1 });
    expect((await authenticator.authenticate(credentials('a', 'pa'), '127.0.0.1')).name).to.equal('a');
    expect((await authenticator.authenticate(credentials('b', 'pb'), '127.0.0.1')).name).to.equal('b');
    // Still correct after being forgotten (verified the slow way again).
    expect((await authenticator.authenticate(credentials('a', 'pa'), '127.0.0.1')).name).to.equal('a');
  });
  it('refuses unknown users with the same message as a wrong password, after the same slow check', async () => {
    const authenticator = createAuthenticator(users);
    const started = performance.now();
    const unknown = await refusal(authenticator.authenticate(credentials('nobody', 'secret'), '10.1.2.3'));
    const unknownMs = performance.now() - started;
    const wrong = await refusal(authenticator.authenticate(credentials('app', 'nope'), '10.1.2.3'));
    expect(unknown.message.replace('nobody', 'USER')).to.equal(wrong.message.replace('app', 'USER')).and.not.equal('');
    // The decoy is a default-strength scrypt: an unknown name costs what a scrypt user's first login does.
    expect(unknownMs).to.be.greaterThan(10);
  });
  it('believes X-Forwarded-For only from trusted proxies', async () => {
    const proxied = createAuthenticator(users, { trustedProxies: ['127.0.0.1'] });
    expect((await proxied.authenticate(credentials('app', 'secret'), '127.0.0.1', '10.9.9.9')).name).to.equal('app');
    await refusal(proxied.authenticate(credentials('app', 'secret'), '127.0.0.1', '192.168.0.1'));
    // From a peer that is not trusted the header is ignored: the peer's own address decides.
    await refusal(proxied.authenticate(credentials('app', 'secret'), '192.168.0.2', '10.9.9.9'));
    expect((await proxied.authenticate(credentials('app', 'secret'), '10.1.1.1', '192.168.0.1')).name).to.equal('app');
    // Without trusted_proxies, never: default (loopback only) passes from 127.0.0.1 whatever the header says.
    expect((await createAuthenticator(users).authenticate(credentials('default', ''), '127.0.0.1', '10.0.0.1')).name).to.equal('default');
    await refusal(createAuthenticator(users).authenticate(credentials('default', ''), '10.0.0.1', '127.0.0.1'));
  });

  it('authenticateKnown answers as authenticate does when no slow hash is needed, and nothing otherwise', async () => {
    const authenticator = createAuthenticator(users, { trustedProxies: ['127.0.0.1'] });
    const cases: [string, string, string, string?][] = [
      ['default', '', '127.0.0.1'],
      ['default', '', '10.0.0.1'],
      ['default', 'x', '127.0.0.1'],
      ['app', 'secret', '10.1.1.1'],
      ['app', 'wrong', '10.1.1.1'],
      ['app', 'secret', '127.0.0.1', '10.9.9.9'],
      ['app', 'secret', '127.0.0.1', '192.168.0.1'],
      ['salted', 'pepper', '127.0.0.1'],
      ['salted', 'pepper', '10.0.0.1'],
      ['salted', 'salt', '127.0.0.1'],
      ['nobody', '', '127.0.0.1'],
    ];
    for (const [user, password, address, forwardedFor] of cases) {
      const known = authenticator.authenticateKnown(credentials(user, password), address, forwardedFor);
      const full = await authenticator.authenticate(credentials(user, password), address, forwardedFor).catch(() => undefined);
      expect(known, `${user}/${password} from ${address}`).to.deep.equal(full);
    }
    // scrypt: unknown until the correct password has been checked once, then known; a wrong one never is.
    expect(authenticator.authenticateKnown(credentials('scrypted', 's3cret'), '127.0.0.1')).to.equal(undefined);
    await authenticator.authenticate(credentials('scrypted', 's3cret'), '127.0.0.1');
    expect(authenticator.authenticateKnown(credentials('scrypted', 's3cret'), '127.0.0.1')?.name).to.equal('scrypted');
    expect(authenticator.authenticateKnown(credentials('scrypted', 's3cret'), '10.0.0.1')).to.equal(undefined);
    expect(authenticator.authenticateKnown(credentials('scrypted', 'guess'), '127.0.0.1')).to.equal(undefined);
  });
});

describe('createAuthenticator: slow checks at once', () => {
  it('queues scrypt checks beyond maxConcurrentSlowChecks, and every one still gets its own answer', async () => {
    const users: ProxyUserConfig[] = [
      { name: 'u', passwordHash: await hashPassword('right', 'scrypt', { n: 1024, r: 8, p: 1 }), networks: ['127.0.0.1'], cluster: 'c', isAdmin: false, readonly: false, denyDdl: false },
    ];
    const authenticator = createAuthenticator(users, { maxConcurrentSlowChecks: 1 });
    const passwords = ['wrong-1', 'right', 'wrong-2', 'nobody', 'right', 'wrong-3'];
    const outcomes = await Promise.all(
      passwords.map((password) =>
        authenticator
          .authenticate({ user: password === 'nobody' ? 'ghost' : 'u', password, source: 'basic' }, '127.0.0.1')
          .then(() => 'in', (error: ChgateError) => error.errorName),
      ),
    );
    expect(outcomes).to.deep.equal(['AUTHENTICATION_FAILED', 'in', 'AUTHENTICATION_FAILED', 'AUTHENTICATION_FAILED', 'in', 'AUTHENTICATION_FAILED']);
    // The queue drained: a later check is not stuck behind a lost slot.
    expect((await authenticator.authenticate({ user: 'u', password: 'right', source: 'basic' }, '127.0.0.1')).name).to.equal('u');
    await authenticator.authenticate({ user: 'u', password: 'wrong-4', source: 'basic' }, '127.0.0.1').then(
      () => expect.fail('wrong password accepted'),
      (error: ChgateError) => expect(error.errorName).to.equal('AUTHENTICATION_FAILED'),
    );
  });
});
