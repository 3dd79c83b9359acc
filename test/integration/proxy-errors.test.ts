/** Errors chgate makes itself arrive in ClickHouse's format, with X-ClickHouse-Exception-Code and its statuses. */
import { expect } from 'chai';
import { requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

describe('errors chgate makes', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    chgate = await startTestChgate(cluster);
  });
  after(async () => chgate?.stop());

  it('answers /ping with Ok.', async () => {
    const response = await fetch(`${chgate.url}/ping`);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('Ok.\n');
  });

  it('refuses unknown users and wrong passwords with 401 and code 516, never reaching ClickHouse', async () => {
    for (const options of [
      { user: 'nobody', password: '' },
      { user: 'default', password: 'guess' },
    ]) {
      const response = await requestNode({ url: chgate.url }, 'SELECT 1', options);
      expect(response.status).to.equal(401);
      expect(response.headers['x-clickhouse-exception-code']).to.equal('516');
      expect(response.body).to.match(/^Code: 516\. DB::Exception: chgate: .*\(AUTHENTICATION_FAILED\)\n$/);
    }
  });

  it('never passes client credentials on: the backend identity is chgate\'s', async () => {
    const response = await requestNode({ url: chgate.url }, 'SELECT 1', { params: { user: 'default', password: '' } });
    expect(response.status).to.equal(200);
  });

  it('answers an empty query with a syntax error', async () => {
    const response = await requestNode({ url: chgate.url }, ' -- nothing here\n');
    expect(response.status).to.equal(400);
    expect(response.headers['x-clickhouse-exception-code']).to.equal('62');
  });

  it('passes ClickHouse errors through untouched', async () => {
    const response = await requestNode({ url: chgate.url }, 'SELEC 1');
    expect(response.status).to.equal(400);
    expect(response.body).to.match(/^Code: 62, e\.displayText\(\) = DB::Exception: Syntax error/);
    // 18.16 names the code only in the body; chgate adds the header newer servers send, for clients that read it.
    expect(response.headers['x-clickhouse-exception-code']).to.equal('62');
  });

  it('answers 404 in ClickHouse format for unknown paths', async () => {
    const response = await fetch(`${chgate.url}/nope`);
    expect(response.status).to.equal(404);
    expect(await response.text()).to.match(/^Code: 0\. DB::Exception: chgate:/);
  });

  it('answers 502 with ALL_CONNECTION_TRIES_FAILED when no node is reachable', async () => {
    const dead = await startTestChgate(cluster, {
      editConfig: (yaml) => yaml.replace(/url: "http:\/\/127\.0\.0\.1:\d+"/g, 'url: "http://127.0.0.1:1"'),
    });
    try {
      const response = await requestNode({ url: dead.url }, 'SELECT 1');
      expect(response.status).to.equal(502);
      expect(response.headers['x-clickhouse-exception-code']).to.equal('279');
      expect(response.body).to.match(/\(ALL_CONNECTION_TRIES_FAILED\)\n$/);
    } finally {
      await dead.stop();
    }
  });

  it('refuses a non-INSERT body larger than max_query_head_bytes with 413', async () => {
    const limited = await startTestChgate(cluster, {
      editConfig: (yaml) => yaml.replace('server:\n', 'server:\n  max_query_head_bytes: 4096\n'),
    });
    try {
      const response = await requestNode({ url: limited.url }, `SELECT 1 WHERE 1 IN (${Array.from({ length: 5000 }, (_, i) => i).join(',')})`);
      expect(response.status).to.equal(413);
      expect(response.headers['x-clickhouse-exception-code']).to.equal('229');
    } finally {
      await limited.stop();
    }
  });
});
