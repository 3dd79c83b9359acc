import { expect } from 'chai';
import { MASK, maskSecrets } from '../../../src/log/mask-secrets.js';

describe('maskSecrets', () => {
  it('masks password= in URLs and bodies, leaving the other parameters', () => {
    expect(maskSecrets('/?user=app&password=hunter2&query=SELECT%201')).to.equal(`/?user=app&password=${MASK}&query=SELECT%201`);
    expect(maskSecrets('PASSWORD=x y')).to.equal(`PASSWORD=${MASK} y`);
  });

  it('masks the password of a URL with user info', () => {
    expect(maskSecrets('connect to https://chgate_writer:s3cret@10.0.0.1:8443/ failed')).to.equal(
      `connect to https://chgate_writer:${MASK}@10.0.0.1:8443/ failed`,
    );
  });

  it('masks credential headers as header lines and as JSON fields', () => {
    expect(maskSecrets('X-ClickHouse-Key: writer-secret\r\nHost: x')).to.equal(`X-ClickHouse-Key: ${MASK}\r\nHost: x`);
    expect(maskSecrets('authorization: Basic dXNlcjpwYXNz')).to.equal(`authorization: ${MASK}`);
    expect(maskSecrets('{"x-clickhouse-key":"abc","x-clickhouse-user":"w"}')).to.equal(`{"x-clickhouse-key":"${MASK}","x-clickhouse-user":"w"}`);
  });

  it('masks known secrets anywhere, also JSON-escaped and URL-encoded', () => {
    const secret = 'p"a\\ss w&rd';
    const line = JSON.stringify({ msg: `failed: ${secret}`, url: `/?q=${encodeURIComponent(secret)}` });
    const masked = maskSecrets(line, [secret]);
    expect(masked).to.not.include('a\\\\ss');
    expect(masked).to.not.include(encodeURIComponent(secret));
    expect(JSON.parse(masked)).to.deep.equal({ msg: `failed: ${MASK}`, url: `/?q=${MASK}` });
  });

  it('ignores empty secrets and leaves text without credentials unchanged', () => {
    const text = '{"level":"warn","msg":"node health changed","node":"replica1","from":"healthy","to":"ejected"}';
    expect(maskSecrets(text, ['', 'writer-secret'])).to.equal(text);
  });
});
