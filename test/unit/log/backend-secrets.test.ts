import { expect } from 'chai';
import { parseConfigText } from '../../../src/config/load-config.js';
import { backendPasswords } from '../../../src/log/backend-secrets.js';

const clusterText = `clusters:
  c:
    write_user: { user: w, password: "write-pass" }
    read_user: { user: r, password: "read-pass" }
    writers: [{ name: a, url: "http://127.0.0.1:1" }]
users:
  u: { cluster: c }
`;

describe('backendPasswords', () => {
  it('lists the ClickHouse users of every cluster', () => {
    expect(backendPasswords(parseConfigText(clusterText, {}))).to.have.members(['write-pass', 'read-pass']);
  });

  it("adds the Redis URL's password, as written and decoded", () => {
    const config = parseConfigText(`${clusterText}cache:\n  store: { kind: redis, url: "redis://chgate:p%40ss@127.0.0.1:6379/0" }\n`, {});
    expect(backendPasswords(config)).to.include.members(['write-pass', 'read-pass', 'p%40ss', 'p@ss']);
  });
});
