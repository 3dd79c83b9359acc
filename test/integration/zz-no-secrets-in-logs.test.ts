/**
 * No password in any log (issue 6). Runs last in a full run (mocha sorts the integration files by name): every chgate
 * the run started logs to TEST_CHGATE_LOG_DIR (test/helpers/chgate.ts, debug level), and the shared cluster's
 * ClickHouse and ZooKeeper logs are under TEST_CLUSTER_DIR. None of them may hold a backend password
 * (scripts/local-cluster.ts LOCAL_USERS) or a proxy user's password used by the tests. So that the check never
 * passes on empty logs, this file first makes chgate log: nodes that refuse connections (health warnings),
 * requests carrying passwords in the URL and in headers. By hand: `grep -rF writer-secret /tmp/chgate-test-logs-*`.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_USERS, requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { PROXY_AUTH_TEST_PASSWORDS } from '../helpers/auth-test-passwords.js';
import { startTestChgate, TEST_CHGATE_LOG_DIR } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster, TEST_CLUSTER_DIR } from '../helpers/cluster.js';

/** Log files under `dir`, recursively: everything in chgate's log dir, `*.log` elsewhere (configs hold passwords). */
function logFiles(dir: string, everyFile: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return name === 'data' || name === 'tmp' ? [] : logFiles(path, everyFile);
    return everyFile || name.endsWith('.log') ? [path] : [];
  });
}

/** `file: secret name` for each secret found, in any of the forms a log line could carry it. */
function findSecrets(files: readonly string[], secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    for (const [name, secret] of Object.entries(secrets)) {
      const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
      if ([...forms].some((form) => text.includes(form))) found.push(`${file}: ${name}`);
    }
  }
  return found;
}

const backendSecrets: Record<string, string> = Object.fromEntries(
  Object.entries(LOCAL_USERS)
    .filter(([, user]) => user.password !== '')
    .map(([role, user]) => [`backend ${role} password`, user.password]),
);
const proxySecrets: Record<string, string> = Object.fromEntries(Object.entries(PROXY_AUTH_TEST_PASSWORDS).map(([user, password]) => [`proxy ${user} password`, password]));
const secrets = { ...backendSecrets, ...proxySecrets };

describe('no secrets in logs (runs last)', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  it('the scanner finds a secret a log line carries (so the check below can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chgate-secret-scan-'));
    const leaked = join(dir, 'leak.log');
    writeFileSync(leaked, `{"msg":"connect failed","url":"http://x/?password=${encodeURIComponent('writer-secret')}"}\n`);
    expect(findSecrets([leaked], secrets)).to.deep.equal([`${leaked}: backend writer password`]);
  });

  it('makes chgate log about failing nodes and requests that carry passwords', async () => {
    // Nodes that refuse connections: health warnings and failed requests, with the backend credentials configured.
    const dead = await startTestChgate(cluster, {
      editConfig: (yaml) =>
        yaml
          .replace(/url: "http:\/\/127\.0\.0\.1:\d+"/g, 'url: "http://127.0.0.1:1"')
          .replace('users:\n', 'users:\n  boss:\n    cluster: local\n    admin: true\n    password_hash: "sha256$00112233445566778899aabbccddeeff$' + '0'.repeat(64) + '"\n'),
    });
    try {
      await requestNode({ url: dead.url }, 'SELECT 1');
      await requestNode({ url: dead.url }, 'SELECT 1', { params: { user: 'boss', password: PROXY_AUTH_TEST_PASSWORDS.boss } });
      await requestNode({ url: dead.url }, 'SELECT 1', { user: 'boss', password: PROXY_AUTH_TEST_PASSWORDS.reader });
      await fetch(`${dead.url}/admin/cache/purge?user=boss&password=${PROXY_AUTH_TEST_PASSWORDS.office}`, { method: 'POST' });
      await sleep(1_500);
    } finally {
      await dead.stop();
    }
    const chgateLogs = logFiles(TEST_CHGATE_LOG_DIR, true);
    expect(chgateLogs.length).to.be.greaterThan(0);
    const text = chgateLogs.map((file) => readFileSync(file, 'utf8')).join('');
    expect(text).to.match(/"level":"(warn|error)"/);
  });

  it('finds no backend or proxy password in this run\'s chgate logs or the test cluster\'s logs', () => {
    const files = [...logFiles(TEST_CHGATE_LOG_DIR, true), ...logFiles(TEST_CLUSTER_DIR, false)];
    expect(files.some((file) => file.endsWith('clickhouse-server.log')), 'the cluster logs are scanned').to.equal(true);
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(bytes).to.be.greaterThan(0);
    expect(findSecrets(files, secrets)).to.deep.equal([]);
  });
});
