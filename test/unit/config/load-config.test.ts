import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText } from '../../../src/config/load-config.js';

const configDir = fileURLToPath(new URL('../../../config/', import.meta.url));
const testdataDir = join(configDir, 'testdata');

describe('config loader', () => {
  it('loads example.yaml with every key and fills env secrets', async () => {
    const config = await loadConfigFile(join(configDir, 'example.yaml'), {
      CHGATE_WRITER_PASSWORD: 'w-secret',
      CHGATE_READER_PASSWORD: 'r-secret',
    });
    const cluster = config.clusters.get('production');
    expect(cluster?.writeUser).to.deep.equal({ user: 'chgate_writer', password: 'w-secret' });
    expect(cluster?.readUser.password).to.equal('r-secret');
    expect(cluster?.readers.map((node) => node.name)).to.deep.equal(['replica1', 'replica2']);
    expect(cluster?.pool).to.deep.equal({
      connectionsPerNode: 16,
      keepAliveTimeoutMs: 2000,
      keepAliveMarginMs: 1000,
      maxQueue: 256,
      queueTimeoutMs: 5000,
      connectTimeoutMs: 3000,
      headersTimeoutMs: 600000,
      readHeadersTimeoutMs: 60000,
      bodyTimeoutMs: 300000,
    });
    expect(cluster?.readsFallbackToWriter).to.equal(true);
    expect(cluster?.retryUnknownTableOnWriter).to.equal(true);
    expect(cluster?.readFailoverBuffer).to.deep.equal({ bytes: 65536, ms: 100 });
    expect(cluster?.compressionEncodings).to.deep.equal(['gzip', 'deflate']);
    expect(cluster?.writeRetry).to.deep.equal({ insertMaxBodyBytes: 1048576, waitMs: 10000 });
    expect(cluster?.health).to.deep.equal({
      enabled: true,
      intervalMs: 1000,
      timeoutMs: 1000,
      consecutiveFailures: 3,
      healthyChecksToReturn: 2,
      recoveryMs: 5000,
      maxReplicaLagSeconds: 30,
    });
    expect(config.users.get('app')).to.deep.equal({
      name: 'app',
      passwordHash: 'scrypt$16384$8$1$dFs59/KihDw5/20Uo34/mA==$1T1rK2qRVPNsRbkJ9lPkFVdnOAoMyD2ZwI4jrp2nYiw=',
      networks: ['10.0.0.0/8', '127.0.0.1', '::1/128'],
      cluster: 'production',
      isAdmin: false,
      readonly: false,
      denyDdl: false,
    });
    expect(config.server).to.deep.equal({
      listenHost: '127.0.0.1',
      listenPort: 8124,
      maxQueryHeadBytes: 1048576,
      maxQueryDepth: 256,
      shutdownTimeoutMs: 30000,
      headersTimeoutMs: 10000,
      requestTimeoutMs: 600000,
      keepAliveTimeoutMs: 5000,
      maxHeaderBytes: 262144,
      maxUrlBytes: 131072,
      maxConnections: 4096,
      trustedProxies: ['10.0.0.1', 'fd00::/8'],
      responseCompression: { enabled: true, brotliQuality: 1 },
    });
    expect(config.log).to.deep.equal({ level: 'info', file: '/var/log/chgate/chgate.log', requests: true, slowQueryMs: 1000 });
    expect(config.cache.rules?.map((rule) => rule.name)).to.deep.equal(['dashboards', 'live-orders', 'imported']);
    expect(config.cache.rules?.[0]).to.deep.equal({
      name: 'dashboards',
      users: ['grafana', 'metabase'],
      match: '\\b(now|today) \\( \\)',
      ttlMs: 10000,
      cacheNonDeterministic: true,
      noCache: false,
    });
    expect(new RegExp(config.cache.rules?.[0]?.match ?? '').test('SELECT count ( ) FROM t WHERE ts > now ( ) - 3600')).to.equal(true);
  });

  it('loads minimal.yaml with defaults: loopback-only user without password', async () => {
    const config = await loadConfigFile(join(configDir, 'minimal.yaml'), {});
    expect(config.users.get('default')).to.deep.equal({ name: 'default', networks: ['127.0.0.0/8', '::1/128'], cluster: 'local', isAdmin: false, readonly: false, denyDdl: false });
    expect(config.clusters.get('local')?.readers).to.deep.equal([]);
    expect(config.clusters.get('local')?.writeUser).to.deep.equal({ user: 'default', password: '' });
  });

  it('uses ${VAR:-default} when the variable is unset, and never parses a secret as YAML', () => {
    const config = parseConfigText(
      `clusters:
  c:
    write_user: { user: w, password: "\${W:-fallback}" }
    read_user: { user: r, password: "\${R}" }
    writers: [{ name: a, url: "http://127.0.0.1:1" }]
users:
  u: { cluster: c }`,
      { R: 'x: [1, 2]\nusers: {}' },
    );
    expect(config.clusters.get('c')?.writeUser.password).to.equal('fallback');
    expect(config.clusters.get('c')?.readUser.password).to.equal('x: [1, 2]\nusers: {}');
  });

  const badFiles = readdirSync(testdataDir).filter((name) => name.startsWith('bad.') && name.endsWith('.yaml'));
  it('has bad-config fixtures', () => expect(badFiles.length).to.be.greaterThan(10));
  for (const name of badFiles) {
    it(`rejects ${name} with its exact message`, () => {
      const text = readFileSync(join(testdataDir, name), 'utf8');
      const expected = /^# error: (.*)$/m.exec(text)?.[1];
      expect(expected, 'fixture needs a "# error:" line').to.be.a('string');
      let thrown: unknown;
      try {
        parseConfigText(text, {});
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ConfigError);
      expect((thrown as Error).message).to.equal(expected);
    });
  }
});
