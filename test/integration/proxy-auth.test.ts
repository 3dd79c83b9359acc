/**
 * Who gets in and what they may do (issue 6), on the real cluster: salted password hashes (scrypt, salted SHA-256,
 * `chgate hash-password`), wrong passwords, allowed networks through a trusted X-Forwarded-For, read-only and
 * deny_ddl users refused before anything reaches ClickHouse (system.query_log on every node shows nothing ran),
 * and the admin endpoints. By hand:
 *   echo -n 'pw' | chgate hash-password            # → password_hash for a user with readonly: true
 *   curl -i -u reader:pw --data 'SELECT 1; INSERT INTO t VALUES (1); SELECT 2' http://127.0.0.1:8124/   # 403, code 164
 *   curl -i -H 'X-Forwarded-For: 10.20.1.2' -u office:pw --data 'SELECT 1' ...   # 200 only with trusted_proxies
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { queryNode, requestNode, type LocalCluster, type NodeResponse } from '../../scripts/local-cluster.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { PROXY_AUTH_TEST_PASSWORDS } from '../helpers/auth-test-passwords.js';
import { findExecutions } from '../helpers/clickhouse-side.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const P = PROXY_AUTH_TEST_PASSWORDS;

type UserBlock = Record<string, unknown>;

function withUsers(users: Record<string, UserBlock>, server: Record<string, unknown> = {}): (yaml: string) => string {
  return (yaml) => {
    const document = parse(yaml) as { users: Record<string, UserBlock>; server: Record<string, unknown> };
    for (const [name, user] of Object.entries(users)) document.users[name] = { cluster: 'local', ...user };
    Object.assign(document.server, server);
    return stringify(document);
  };
}

function expectClickHouseError(response: NodeResponse, status: number, code: number, name: string): void {
  expect(response.status, response.body).to.equal(status);
  expect(response.headers['x-clickhouse-exception-code']).to.equal(String(code));
  expect(response.body).to.match(new RegExp(`^Code: ${code}\\. DB::Exception: chgate: .*\\(${name}\\)\\n$`));
}

/** Every query_log entry (any type: start, finish, exception) on every node whose text holds `marker`. */
async function queryLogMentions(cluster: LocalCluster, marker: string): Promise<string[]> {
  const found = await Promise.all(
    cluster.nodes.map(async (node) => {
      await queryNode(node, 'SYSTEM FLUSH LOGS', cluster.users.admin);
      const text = await queryNode(
        node,
        `SELECT query FROM system.query_log WHERE position(query, '${marker}') > 0 AND position(query, 'system.query_log') = 0 FORMAT TSV`,
        cluster.users.admin,
      );
      return text.split('\n').filter((line) => line !== '').map((line) => `${node.name}: ${line}`);
    }),
  );
  return found.flat();
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

function runHashPassword(password: string, args: string[] = []): Promise<string> {
  const entry = `${repositoryRoot}bin/chgate.js`;
  if (!existsSync(`${repositoryRoot}dist/cli/run-cli.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, 'hash-password', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output.trim()) : reject(new Error(`hash-password exited with ${code}`))));
    child.stdin.end(`${password}\n`);
  });
}

describe('proxy users: passwords, networks, rights', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let table: string;
  let hashedHash: string;
  let officeHash: string;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    table = `default.auth_${randomUUID().slice(0, 8)}`;
    await queryNode(cluster.writer, `CREATE TABLE ${table} (id UInt32, note String) ENGINE = MergeTree ORDER BY id`, cluster.users.admin);
    hashedHash = await hashPassword(P.hashed);
    officeHash = await hashPassword(P.office, 'sha256');
    chgate = await startTestChgate(cluster, {
      editConfig: withUsers(
        {
          hashed: { password_hash: await hashPassword(P.hashed) },
          salted: { password_hash: await hashPassword(P.salted, 'sha256') },
          reader: { password_hash: await hashPassword(P.reader), readonly: true },
          loader: { password_hash: await hashPassword(P.loader, 'sha256'), deny_ddl: true },
          office: { password_hash: await hashPassword(P.office, 'sha256'), networks: ['10.20.0.0/16', '2001:db8:20::/48'] },
          boss: { password_hash: await hashPassword(P.boss, 'sha256'), admin: true },
        },
        { trusted_proxies: ['127.0.0.1', '::1'] },
      ),
    });
  });
  after(async () => {
    await chgate?.stop();
    if (cluster) await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
  });

  const count = async (): Promise<number> => Number((await queryNode(cluster.writer, `SELECT count() FROM ${table}`, cluster.users.admin)).trim());

  describe('passwords', () => {
    it('lets scrypt and salted SHA-256 users in, again and again (the scrypt check is remembered)', async () => {
      for (const [user, password] of [['hashed', P.hashed], ['salted', P.salted]] as const) {
        for (let i = 0; i < 3; i++) {
          const response = await requestNode({ url: chgate.url }, 'SELECT 42', { user, password });
          expect(response.status, response.body).to.equal(200);
          expect(response.body).to.equal('42\n');
        }
      }
      // Basic auth and URL parameters are the same credentials.
      const basic = await requestNode({ url: chgate.url }, 'SELECT 1', {
        headers: { authorization: `Basic ${Buffer.from(`hashed:${P.hashed}`).toString('base64')}` },
      });
      expect(basic.status).to.equal(200);
      const params = await requestNode({ url: chgate.url }, 'SELECT 1', { params: { user: 'hashed', password: P.hashed } });
      expect(params.status).to.equal(200);
    });

    it('refuses a wrong password, an unknown user and a near miss with 401, code 516, ClickHouse format, nothing run', async () => {
      const marker = `auth_wrong_${randomUUID().slice(0, 8)}`;
      for (const [user, password] of [['hashed', 'nope'], ['hashed', P.hashed.slice(0, -1)], ['hashed', ''], ['salted', P.hashed], ['ghost', P.hashed]] as const) {
        const response = await requestNode({ url: chgate.url }, `SELECT 1 /* ${marker} */`, { user, password });
        expectClickHouseError(response, 401, 516, 'AUTHENTICATION_FAILED');
        // One message whatever the cause: no hint which user names exist.
        expect(response.body).to.include('password is incorrect, or there is no user with such name');
        expect(response.body).to.not.include(password === '' ? '\u0000' : password);
      }
      expect(await queryLogMentions(cluster, marker)).to.deep.equal([]);
    });

    it('`chgate hash-password` output (scrypt by default, sha256 on request) lets that password in, and only it', async () => {
      const scrypt = await runHashPassword(P.cli);
      const sha256 = await runHashPassword(P.cli, ['--scheme', 'sha256']);
      expect(scrypt).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(sha256).to.match(/^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
      expect(scrypt).to.not.include(P.cli);
      const own = await startTestChgate(cluster, { editConfig: withUsers({ cli: { password_hash: scrypt }, cli2: { password_hash: sha256 } }) });
      try {
        for (const user of ['cli', 'cli2']) {
          expect((await requestNode({ url: own.url }, 'SELECT 7', { user, password: P.cli })).body).to.equal('7\n');
          expectClickHouseError(await requestNode({ url: own.url }, 'SELECT 7', { user, password: `${P.cli}x` }), 401, 516, 'AUTHENTICATION_FAILED');
        }
      } finally {
        await own.stop();
      }
    });
  });

  describe('with the cache on', () => {
    it('a cached read (fast path) is served only to the right password, from an allowed address', async () => {
      const cached = await startTestChgate(cluster, {
        editConfig: (yaml) =>
          withUsers({ hashed: { password_hash: hashedHash }, office: { password_hash: officeHash, networks: ['10.20.0.0/16'] } }, { trusted_proxies: ['127.0.0.1'] })(
            yaml.replace('cache:\n  enabled: false\n', 'cache:\n  enabled: true\n'),
          ),
      });
      try {
        const sql = `SELECT count() FROM ${table} /* auth-cache */`;
        for (const [user, password, headers] of [['hashed', P.hashed, {}], ['office', P.office, { 'x-forwarded-for': '10.20.3.4' }]] as const) {
          const first = await requestNode({ url: cached.url }, sql, { user, password, headers });
          expect(first.status, first.body).to.equal(200);
          for (let i = 0; i < 3; i++) {
            const again = await requestNode({ url: cached.url }, sql, { user, password, headers });
            expect(again.status).to.equal(200);
            expect(again.headers['x-cache']).to.equal('HIT');
          }
          // The same request, remembered by the fast path, with a wrong password or from a disallowed address.
          expectClickHouseError(await requestNode({ url: cached.url }, sql, { user, password: `${password}x`, headers }), 401, 516, 'AUTHENTICATION_FAILED');
          expectClickHouseError(await requestNode({ url: cached.url }, sql, { user, password: '', headers }), 401, 516, 'AUTHENTICATION_FAILED');
          expectClickHouseError(
            await requestNode({ url: cached.url }, sql, { user, password, headers: { 'x-forwarded-for': '192.168.7.7' } }),
            401, 516, 'AUTHENTICATION_FAILED',
          );
        }
        // The repeats were answered by the fast path, which authenticates on its own.
        const metrics = await (await fetch(`${cached.url}/metrics`)).text();
        expect(Number(/^chgate_cache_fast_hits_total (\d+)/m.exec(metrics)?.[1] ?? 0)).to.be.greaterThan(0);
      } finally {
        await cached.stop();
      }
    });
  });

  describe('networks and X-Forwarded-For', () => {
    it('believes X-Forwarded-For from a trusted proxy: the client address decides', async () => {
      const asOffice = { user: 'office', password: P.office };
      const from = (forwardedFor: string | undefined) =>
        requestNode({ url: chgate.url }, 'SELECT 1', { ...asOffice, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
      expect((await from('10.20.1.2')).status).to.equal(200);
      expect((await from('2001:db8:20::7')).status).to.equal(200);
      // Rightmost untrusted hop: the client wrote 10.20.9.9 itself, the proxy saw 192.168.1.1.
      expectClickHouseError(await from('10.20.9.9, 192.168.1.1'), 401, 516, 'AUTHENTICATION_FAILED');
      expectClickHouseError(await from('192.168.1.1'), 401, 516, 'AUTHENTICATION_FAILED');
      // No header: the peer (loopback) is the client, and loopback is not the office network.
      expectClickHouseError(await from(undefined), 401, 516, 'AUTHENTICATION_FAILED');
      // The loopback-only default user, forwarded from elsewhere, is refused.
      expectClickHouseError(
        await requestNode({ url: chgate.url }, 'SELECT 1', { headers: { 'x-forwarded-for': '10.20.1.2' } }),
        401, 516, 'AUTHENTICATION_FAILED',
      );
    });

    it('ignores X-Forwarded-For when the peer is not a trusted proxy', async () => {
      const untrusting = await startTestChgate(cluster, {
        editConfig: withUsers({ office: { password_hash: await hashPassword(P.office, 'sha256'), networks: ['10.20.0.0/16'] } }),
      });
      try {
        const forged = await requestNode({ url: untrusting.url }, 'SELECT 1', { user: 'office', password: P.office, headers: { 'x-forwarded-for': '10.20.1.2' } });
        expectClickHouseError(forged, 401, 516, 'AUTHENTICATION_FAILED');
        // And cannot push a loopback user out either: default still gets in from loopback.
        expect((await requestNode({ url: untrusting.url }, 'SELECT 1', { headers: { 'x-forwarded-for': '192.168.1.1' } })).status).to.equal(200);
      } finally {
        await untrusting.stop();
      }
    });
  });

  describe('rights', () => {
    it('a read-only user reads, SETs and USEs', async () => {
      const marker = `auth_ro_read_${randomUUID().slice(0, 8)}`;
      const response = await requestNode({ url: chgate.url }, `SET max_threads = 1; USE default; SELECT count() /* ${marker} */ FROM ${table}`, {
        user: 'reader',
        password: P.reader,
      });
      expect(response.status, response.body).to.equal(200);
      // The control for the checks below: a statement that runs shows up in query_log under its marker.
      expect(await queryLogMentions(cluster, marker)).to.have.length.greaterThan(0);
    });

    it('a read-only user\'s INSERT is refused with READONLY (164, 403) and never reaches ClickHouse', async () => {
      const queryId = `auth-ro-insert-${randomUUID()}`;
      const marker = `auth_ro_insert_${randomUUID().slice(0, 8)}`;
      const before = await count();
      const response = await requestNode({ url: chgate.url }, `INSERT INTO ${table} /* ${marker} */ VALUES (1, 'ro')`, {
        user: 'reader',
        password: P.reader,
        params: { query_id: queryId },
      });
      expectClickHouseError(response, 403, 164, 'READONLY');
      expect(await findExecutions(cluster, queryId, 1)).to.deep.equal([]);
      expect(await queryLogMentions(cluster, marker)).to.deep.equal([]);
      expect(await count()).to.equal(before);
    });

    it('a multi-statement body hiding a write is refused whole: not even the SELECT before it runs', async () => {
      const queryId = `auth-ro-multi-${randomUUID()}`;
      const marker = `auth_ro_multi_${randomUUID().slice(0, 8)}`;
      const before = await count();
      const response = await requestNode(
        { url: chgate.url },
        `SELECT 1 /* ${marker} */; INSERT INTO ${table} /* ${marker} */ VALUES (2, 'hidden'); SELECT 2 /* ${marker} */`,
        { user: 'reader', password: P.reader, params: { query_id: queryId } },
      );
      expectClickHouseError(response, 403, 164, 'READONLY');
      expect(response.body).to.include('statement 2 of 3');
      expect(await findExecutions(cluster, queryId, 1)).to.deep.equal([]);
      expect(await queryLogMentions(cluster, marker)).to.deep.equal([]);
      expect(await count()).to.equal(before);
    });

    it('read-only users cannot run DDL, SYSTEM or unclassifiable SQL either', async () => {
      const name = `default.auth_ro_ddl_${randomUUID().slice(0, 8)}`;
      for (const sql of [`CREATE TABLE ${name} (a UInt8) ENGINE = Memory`, 'SYSTEM FLUSH LOGS', `DROP TABLE ${table}`, 'FROBNICATE the widgets']) {
        expectClickHouseError(await requestNode({ url: chgate.url }, sql, { user: 'reader', password: P.reader }), 403, 164, 'READONLY');
      }
      expect((await queryNode(cluster.writer, `EXISTS TABLE ${name}`, cluster.users.admin)).trim()).to.equal('0');
      expect((await queryNode(cluster.writer, `EXISTS TABLE ${table}`, cluster.users.admin)).trim()).to.equal('1');
    });

    it('a deny_ddl user INSERTs, but CREATE TABLE is refused with ACCESS_DENIED (497, 403) and never runs', async () => {
      const before = await count();
      const insert = await requestNode({ url: chgate.url }, `INSERT INTO ${table} VALUES (3, 'loader')`, { user: 'loader', password: P.loader });
      expect(insert.status, insert.body).to.equal(200);
      expect(await count()).to.equal(before + 1);

      const name = `default.auth_loader_${randomUUID().slice(0, 8)}`;
      const marker = `auth_ddl_${randomUUID().slice(0, 8)}`;
      const create = await requestNode({ url: chgate.url }, `CREATE TABLE ${name} /* ${marker} */ (a UInt8) ENGINE = Memory`, { user: 'loader', password: P.loader });
      expectClickHouseError(create, 403, 497, 'ACCESS_DENIED');
      // An INSERT next to the DDL in one body does not run either.
      const mixed = await requestNode({ url: chgate.url }, `INSERT INTO ${table} /* ${marker} */ VALUES (4, 'x'); ALTER TABLE ${table} /* ${marker} */ ADD COLUMN extra UInt8`, {
        user: 'loader',
        password: P.loader,
      });
      expectClickHouseError(mixed, 403, 497, 'ACCESS_DENIED');
      expect(await queryLogMentions(cluster, marker)).to.deep.equal([]);
      expect((await queryNode(cluster.writer, `EXISTS TABLE ${name}`, cluster.users.admin)).trim()).to.equal('0');
      expect(await count()).to.equal(before + 1);
    });
  });

  describe('admin endpoints', () => {
    it('are only for admin users: 401 without valid credentials, 403 for other users, on every /admin path', async () => {
      const admin = (path: string, headers: Record<string, string>) => fetch(`${chgate.url}${path}`, { method: 'POST', headers });
      const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
      for (const path of ['/admin/cache/purge', '/admin/cache/purge?table=default.t', '/admin/anything']) {
        const wrong = await admin(path, basic('boss', 'wrong'));
        expect(wrong.status, path).to.equal(401);
        expect(wrong.headers.get('x-clickhouse-exception-code')).to.equal('516');
        const plain = await admin(path, basic('hashed', P.hashed));
        expect(plain.status, path).to.equal(403);
        expect(plain.headers.get('x-clickhouse-exception-code')).to.equal('497');
        expect(await plain.text()).to.match(/^Code: 497\. DB::Exception: chgate: .*\(ACCESS_DENIED\)\n$/);
        const anonymous = await admin(path, {});
        expect(anonymous.status, path).to.equal(403);
      }
      // The admin gets past the check: the purge runs (200), an unknown path is 404.
      expect((await admin('/admin/cache/purge', basic('boss', P.boss))).status).to.equal(200);
      expect((await admin('/admin/anything', basic('boss', P.boss))).status).to.equal(404);
    });
  });
});
