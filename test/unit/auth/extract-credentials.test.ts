import { expect } from 'chai';
import { extractCredentials } from '../../../src/auth/extract-credentials.js';
import { ChgateError } from '../../../src/errors/error-catalogue.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('extractCredentials', () => {
  it('reads X-ClickHouse-User / X-ClickHouse-Key', () => {
    expect(extractCredentials({ 'x-clickhouse-user': 'app', 'x-clickhouse-key': 'pw' }, new URLSearchParams())).to.deep.equal({
      user: 'app',
      password: 'pw',
      source: 'headers',
    });
  });
  it('reads Basic auth, with a colon inside the password', () => {
    expect(extractCredentials({ authorization: basic('app', 'p:w') }, new URLSearchParams())).to.deep.equal({
      user: 'app',
      password: 'p:w',
      source: 'basic',
    });
  });
  it('reads ?user=&password=', () => {
    expect(extractCredentials({}, new URLSearchParams('user=app&password=pw'))).to.deep.equal({ user: 'app', password: 'pw', source: 'params' });
  });
  it('defaults to user "default" with no password', () => {
    expect(extractCredentials({}, new URLSearchParams())).to.deep.equal({ user: 'default', password: '', source: 'none' });
  });
  it('refuses headers mixed with URL parameters or Basic auth, as ClickHouse does', () => {
    expect(() => extractCredentials({ 'x-clickhouse-user': 'a' }, new URLSearchParams('user=b'))).to.throw(ChgateError, /cannot be combined/);
    expect(() => extractCredentials({ 'x-clickhouse-user': 'a', authorization: basic('a', 'b') }, new URLSearchParams())).to.throw(ChgateError);
    expect(() => extractCredentials({ authorization: basic('a', 'b') }, new URLSearchParams('password=x'))).to.throw(ChgateError);
  });
  it('refuses non-Basic authorization schemes', () => {
    expect(() => extractCredentials({ authorization: 'Bearer abc' }, new URLSearchParams())).to.throw(ChgateError, /only Basic/);
  });
});
