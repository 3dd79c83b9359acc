/**
 * Every way clients send INSERT data reaches the writer intact, including data past the query head that chgate
 * streams without parsing. By hand: curl --data-binary @rows.tsv 'http://127.0.0.1:8124/?query=INSERT+INTO+t+FORMAT+TSV'
 */
import { expect } from 'chai';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { queryNode, requestNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

describe('INSERT forms through chgate', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  const table = 'default.insert_forms';

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
    await queryNode(cluster.writer, `CREATE TABLE ${table} (id UInt32, text String) ENGINE = MergeTree ORDER BY id`, cluster.users.admin);
    // A small head, so that ordinary test bodies already exercise the streaming path.
    chgate = await startTestChgate(cluster, { editConfig: (yaml) => yaml.replace('server:\n', 'server:\n  max_query_head_bytes: 4096\n') });
  });
  beforeEach(async () => queryNode(cluster.writer, `TRUNCATE TABLE ${table}`, cluster.users.admin));
  after(async () => {
    await chgate?.stop();
    await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
  });

  const writerRows = async (): Promise<string> =>
    queryNode(cluster.writer, `SELECT id, text FROM ${table} ORDER BY id FORMAT TSV`, cluster.users.admin);
  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${chgate.url}${path}`, { method: 'POST', body, headers }).then(async (response) => ({ status: response.status, text: await response.text() }));

  it('VALUES with quotes, semicolons and escapes inside strings', async () => {
    const response = await requestNode({ url: chgate.url }, `INSERT INTO ${table} VALUES (1, 'a;b'), (2, 'it\\'s'), (3, '-- not a comment')`);
    expect(response.status, response.body).to.equal(200);
    // TSV output escapes the quote.
    expect(await writerRows()).to.equal("1\ta;b\n2\tit\\'s\n3\t-- not a comment\n");
  });

  it('VALUES data far larger than the query head streams through', async () => {
    const tuples = Array.from({ length: 5000 }, (_, i) => `(${i}, 'row ${i}; with (parens) and ''quotes''')`).join(',');
    const response = await post('/', `INSERT INTO ${table} VALUES ${tuples}`);
    expect(response.status, response.text).to.equal(200);
    expect((await queryNode(cluster.writer, `SELECT count(), uniqExact(text) FROM ${table}`, cluster.users.admin)).trim()).to.equal('5000\t5000');
  });

  it('FORMAT TSV with the data in the same body, larger than the head', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i}\tline ${i}; SELECT 1`).join('\n');
    const response = await post('/', `INSERT INTO ${table} FORMAT TSV\n${rows}\n`);
    expect(response.status, response.text).to.equal(200);
    expect((await queryNode(cluster.writer, `SELECT count() FROM ${table} WHERE text LIKE '%SELECT 1'`, cluster.users.admin)).trim()).to.equal('3000');
  });

  it('?query=INSERT ... FORMAT CSV with a gzip-compressed body', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},"csv ""quoted"" ${i}"`).join('\n');
    const response = await post(`/?query=${encodeURIComponent(`INSERT INTO ${table} FORMAT CSV`)}`, gzipSync(`${rows}\n`), { 'content-encoding': 'gzip' });
    expect(response.status, response.text).to.equal(200);
    expect((await queryNode(cluster.writer, `SELECT count(), any(text) LIKE 'csv "quoted"%' FROM ${table}`, cluster.users.admin)).trim()).to.equal('20000\t1');
  });

  it('binary RowBinary data whose bytes look like quotes, semicolons and comment starts', async () => {
    const parts: Buffer[] = [];
    const texts = ["'", ';', '--', '/*', '\u0000\u00ff', 'é漢字'];
    texts.forEach((text, index) => {
      const id = Buffer.alloc(4);
      id.writeUInt32LE(index);
      const bytes = Buffer.from(text, 'utf8');
      parts.push(id, Buffer.from([bytes.length]), bytes);
    });
    const response = await post(`/?query=${encodeURIComponent(`INSERT INTO ${table} FORMAT RowBinary`)}`, Buffer.concat(parts));
    expect(response.status, response.text).to.equal(200);
    const stored = await queryNode(cluster.writer, `SELECT hex(text) FROM ${table} ORDER BY id FORMAT TSV`, cluster.users.admin);
    expect(stored.trim().split('\n')).to.deep.equal(texts.map((text) => Buffer.from(text, 'utf8').toString('hex').toUpperCase()));
  });

  it('an INSERT followed by more statements than fit in the head is refused whole, with nothing run', async () => {
    const statements = `SELECT 1; ${Array.from({ length: 600 }, () => 'SELECT 1').join('; ')}; INSERT INTO ${table} VALUES (1, 'x')`;
    // Sent in 1 KB pieces with pauses, so chgate really sees the head end before the body does.
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < statements.length; offset += 1024) {
        yield Buffer.from(statements.slice(offset, offset + 1024));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const response = await request(chgate.url, { method: 'POST', body: Readable.from(pieces()) });
    expect(response.statusCode).to.equal(413);
    expect(await response.body.text()).to.match(/\(QUERY_IS_TOO_LARGE\)/);
    expect(await writerRows()).to.equal('');
  });
});
