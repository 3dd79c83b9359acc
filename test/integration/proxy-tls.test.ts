/**
 * TLS: chgate's HTTPS listener (certificate and key read again on SIGHUP) and HTTPS to ClickHouse nodes with the
 * node's certificate verified (ca_file, server_name; verify: false only when written, and logged as a warning).
 * ClickHouse's side: the real node behind a TLS terminator (a few lines of node:tls piping to its HTTP port), so
 * queries still run on the real server. Certificates are made with openssl for each run.
 * By hand: `curl --cacert chgate.crt https://127.0.0.1:8443/ --data-binary 'SELECT 1'`.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { Agent, request } from 'undici';
import { parseConfigText } from '../../src/config/load-config.js';
import type { Logger } from '../../src/log/create-logger.js';
import { startChgate } from '../../src/main.js';
import { waitUntil, type LocalCluster } from '../../scripts/local-cluster.js';
import { renderTestConfig, spawnChgate, startTestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

interface KeyPair {
  certFile: string;
  keyFile: string;
  cert: string;
}

/** A self-signed certificate for `names` (DNS names and IPs), its own CA. */
function makeCertificate(dir: string, name: string, altNames: string): KeyPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altNames}`], { stdio: 'ignore' });
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') };
}

/** The certificate an HTTPS server presents, by its SHA-256 fingerprint. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function fingerprintOf(cert: string): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: cert }).toString();
  return out.split('=')[1]?.trim() ?? '';
}

async function selectOneOverHttps(port: number, ca: string): Promise<string> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const response = await request(`https://127.0.0.1:${port}/`, { method: 'POST', body: 'SELECT 1', dispatcher });
    return `${response.statusCode} ${await response.body.text()}`;
  } finally {
    await dispatcher.close();
  }
}

/** TLS in front of a real ClickHouse node's HTTP port. */
function startTlsTerminator(pair: KeyPair, target: URL, port: number): Promise<NetServer> {
  const server = createTlsServer({ cert: readFileSync(pair.certFile), key: readFileSync(pair.keyFile) }, (tlsSocket) => {
    const upstream = connectTcp(Number(target.port), target.hostname);
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    tlsSocket.on('error', () => upstream.destroy());
    upstream.on('error', () => tlsSocket.destroy());
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }));
  return { logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }, lines };
}

describe('TLS', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let dir: string;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    dir = mkdtempSync(join(tmpdir(), 'chgate-tls-'));
  });

  it('serves HTTPS beside HTTP and reads a renewed certificate on SIGHUP; a bad one leaves the running one', async () => {
    const first = makeCertificate(dir, 'first', 'IP:127.0.0.1,DNS:localhost');
    const second = makeCertificate(dir, 'second', 'IP:127.0.0.1,DNS:localhost');
    const live = { certFile: join(dir, 'live.crt'), keyFile: join(dir, 'live.key') };
    writeFileSync(live.certFile, readFileSync(first.certFile));
    writeFileSync(live.keyFile, readFileSync(first.keyFile));
    const httpsPort = TEST_BASE_PORT + 237;
    const chgate = await spawnChgate(cluster, TEST_BASE_PORT + 236, {
      editConfig: (yaml) => yaml.replace(/^( {2}listen_port: \d+\n)/m, `$1  tls: { cert_file: ${JSON.stringify(live.certFile)}, key_file: ${JSON.stringify(live.keyFile)}, listen_port: ${httpsPort} }\n`),
    });
    try {
      expect(await presentedFingerprint(httpsPort)).to.equal(fingerprintOf(first.cert));
      expect(await selectOneOverHttps(httpsPort, first.cert)).to.equal('200 1\n');
      // Plain HTTP still answers on its own port.
      expect(await (await fetch(`${chgate.url}/`, { method: 'POST', body: 'SELECT 1' })).text()).to.equal('1\n');

      writeFileSync(live.certFile, readFileSync(second.certFile));
      writeFileSync(live.keyFile, readFileSync(second.keyFile));
      chgate.child.kill('SIGHUP');
      await waitUntil('the renewed certificate', async () => (await presentedFingerprint(httpsPort)) === fingerprintOf(second.cert), { timeoutMs: 10_000 });
      expect(await selectOneOverHttps(httpsPort, second.cert)).to.equal('200 1\n');

      // A key that does not match the certificate: the reload fails, the running pair stays.
      writeFileSync(live.keyFile, readFileSync(first.keyFile));
      chgate.child.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await presentedFingerprint(httpsPort)).to.equal(fingerprintOf(second.cert));
      expect(await selectOneOverHttps(httpsPort, second.cert)).to.equal('200 1\n');
      expect(chgate.child.exitCode).to.equal(null);
    } finally {
      await chgate.stop();
    }
  });

  it('speaks HTTPS only on listen_port when tls has no listen_port of its own', async () => {
    const pair = makeCertificate(dir, 'only', 'IP:127.0.0.1');
    const chgate = await startTestChgate(cluster, {
      editConfig: (yaml) => yaml.replace(/^( {2}listen_port: \d+\n)/m, `$1  tls: { cert_file: ${JSON.stringify(pair.certFile)}, key_file: ${JSON.stringify(pair.keyFile)} }\n`),
    });
    try {
      const port = chgate.running.address.port;
      expect(await selectOneOverHttps(port, pair.cert)).to.equal('200 1\n');
      expect(chgate.running.secureAddress).to.equal(undefined);
      // Plain HTTP on the HTTPS port gets no answer in HTTP.
      const plain = await fetch(`http://127.0.0.1:${port}/ping`).then((response) => String(response.status), (error: unknown) => `failed: ${String(error)}`);
      expect(plain).to.match(/^failed|^400/);
    } finally {
      await chgate.stop();
    }
  });

  describe('to ClickHouse over HTTPS', () => {
    let terminator: NetServer;
    let pair: KeyPair;
    const terminatorPort = TEST_BASE_PORT + 238;

    before(async () => {
      // Issued for a name only: 127.0.0.1 does not match it, so server_name is needed.
      pair = makeCertificate(dir, 'clickhouse', 'DNS:clickhouse.test');
      terminator = await startTlsTerminator(pair, new URL(cluster.writer.url), terminatorPort);
    });

    after(async () => {
      await new Promise((resolve) => terminator?.close(resolve));
    });

    // A write that cannot reach its writer fails at once instead of waiting for the writer to come back.
    const configWith = (tls: string): string =>
      renderTestConfig(cluster)
        .replace(/^( {4}writers:\n)( {6}- \{ name: writer, url: )"[^"]+"( \})/m, `$1$2"https://127.0.0.1:${terminatorPort}", tls: ${tls}$3`)
        .replace(/^( {4}pool:\n)/m, '    write_retry_wait_ms: 0\n$1');

    const startWith = async (tls: string): Promise<{ query(sql: string): Promise<string>; lines: string[]; stop(): Promise<void> }> => {
      const { logger, lines } = capturingLogger();
      const running = await startChgate(parseConfigText(configWith(tls), {}), { logger });
      return {
        lines,
        async query(sql) {
          // Writes go to the writer: the HTTPS node.
          const response = await fetch(`http://127.0.0.1:${running.address.port}/`, { method: 'POST', body: sql });
          return `${response.status} ${await response.text()}`;
        },
        stop: () => running.close(),
      };
    };

    it('verifies the node against ca_file and server_name, and health checks pass the same way', async () => {
      const chgate = await startWith(`{ ca_file: ${JSON.stringify(pair.certFile)}, server_name: clickhouse.test }`);
      try {
        expect(await chgate.query('CREATE TABLE IF NOT EXISTS default.chgate_tls_probe (x UInt8) ENGINE = Memory')).to.equal('200 ');
        expect(await chgate.query('DROP TABLE IF EXISTS default.chgate_tls_probe')).to.equal('200 ');
        // Active checks run every second over the same TLS settings: the node stays healthy.
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        expect(chgate.lines.filter((line) => line.includes('node health changed'))).to.deep.equal([]);
        expect(await chgate.query('CREATE TABLE IF NOT EXISTS default.chgate_tls_probe (x UInt8) ENGINE = Memory')).to.equal('200 ');
        expect(await chgate.query('DROP TABLE IF EXISTS default.chgate_tls_probe')).to.equal('200 ');
      } finally {
        await chgate.stop();
      }
    });

    it('refuses a node whose certificate does not verify, by default, without a password in the error or the logs', async () => {
      for (const tls of [`{ ca_file: ${JSON.stringify(pair.certFile)} }`, '{ server_name: clickhouse.test }']) {
        const chgate = await startWith(tls);
        try {
          const answer = await chgate.query('CREATE TABLE IF NOT EXISTS default.chgate_tls_probe (x UInt8) ENGINE = Memory');
          // Nothing was sent: a connection failure, not a write that may have been applied.
          expect(answer, tls).to.match(/^502 Code: 279\. DB::Exception: chgate: cannot connect to ClickHouse node writer: .*(certificate|altnames|self-signed)/);
          for (const text of [answer, ...chgate.lines]) {
            expect(text).to.not.include(cluster.users.writer.password);
            expect(text).to.not.include(cluster.users.reader.password);
          }
        } finally {
          await chgate.stop();
        }
      }
    });

    it('verify: false accepts any certificate, and says so in a warning', async () => {
      const chgate = await startWith('{ verify: false }');
      try {
        expect(await chgate.query('CREATE TABLE IF NOT EXISTS default.chgate_tls_probe (x UInt8) ENGINE = Memory')).to.equal('200 ');
        expect(await chgate.query('DROP TABLE IF EXISTS default.chgate_tls_probe')).to.equal('200 ');
        expect(chgate.lines.some((line) => line.includes('"level":"warn"') && line.includes('verification is off') && line.includes('"node":"writer"'))).to.equal(true);
      } finally {
        await chgate.stop();
      }
    });
  });
});
