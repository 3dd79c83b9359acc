/**
 * Responses compressed for clients that send Accept-Encoding (issue 9, README "Compression"), on a real cluster:
 * gzip and deflate are asked of ClickHouse (enable_http_compression=1), brotli, which 18.16 cannot make, is made by
 * chgate; each encoding is its own cache entry, served as stored; bodies that are not one statement, errors, and a
 * client that set enable_http_compression itself are left as ClickHouse sends them. Reproduce by hand (demo running):
 *   curl -s --compressed -D - --data "SELECT number FROM numbers(100000)" http://127.0.0.1:8124/ -o /dev/null
 *   curl -s -H 'Accept-Encoding: br' --data "SELECT number FROM numbers(100000)" http://127.0.0.1:8124/ | brotli -d | wc -c
 */
import { expect } from 'chai';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { STRICT_READ_USER, type LocalCluster } from '../../scripts/local-cluster.js';
import { startTestChgate, type TestChgate } from '../helpers/chgate.js';
import {
  baseCacheBlock,
  describeResponse,
  dropEverywhere,
  createReplicated,
  expectHit,
  expectMiss,
  expectNeverExecuted,
  newQueryId,
  onWriter,
  seedRows,
  send,
  uniqueTable,
  waitForExecutions,
  withCache,
  type SendOptions,
} from '../helpers/cache-helpers.js';
import { CLUSTER_START_TIMEOUT_MS, getTestCluster } from '../helpers/cluster.js';

const decoders: Record<string, (body: Buffer) => Buffer> = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

describe('response compression', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  let uncompressing: TestChgate;
  let strictReader: TestChgate;
  const tables = new Set<string>();

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    chgate = await startTestChgate(cluster, { editConfig: withCache({ cache: baseCacheBlock({ max_entry_bytes: 8 * 1024 * 1024 }) }) });
    uncompressing = await startTestChgate(cluster, {
      editConfig: (yaml) => `${withCache({ cache: baseCacheBlock() })(yaml).replace(/^server:\n/m, 'server:\n  response_compression: { enabled: false }\n')}`,
    });
    // Reads as a readonly = 1 user, which ClickHouse lets set no setting at all.
    strictReader = await startTestChgate(cluster, {
      editConfig: (yaml) =>
        withCache({ cache: baseCacheBlock() })(yaml.replace(/read_user: \{[^}\n]*\}/, `read_user: { user: ${STRICT_READ_USER.user}, password: "${STRICT_READ_USER.password}" }`)),
    });
  });

  after(async function () {
    this.timeout(60_000);
    await chgate?.stop();
    await uncompressing?.stop();
    await strictReader?.stop();
    if (cluster) await dropEverywhere(cluster, tables);
  });

  const q = (sql: string, options: SendOptions = {}) => send(chgate.url, sql, options);
  const accepting = (encodings: string, options: SendOptions = {}): SendOptions => ({ ...options, headers: { ...options.headers, 'accept-encoding': encodings } });

  const control = (sql: string) => async () => {
    const queryId = newQueryId('control');
    const response = await q(sql, { params: { no_cache: 1, query_id: queryId } });
    expect(response.status, describeResponse(response)).to.equal(200);
    return queryId;
  };

  async function seededTable(what: string): Promise<string> {
    const name = uniqueTable(what);
    tables.add(name);
    await createReplicated(cluster, name, 'id UInt64, v String', 'id');
    await seedRows(cluster, name, '(1, \'one\'), (2, \'two\'), (3, \'three\')', 3);
    return name;
  }

  for (const [header, encoding] of [
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'br'],
    ['gzip, deflate, br', 'gzip'],
    ['br;q=1.0, gzip;q=0.5', 'gzip'],
    ['gzip;q=0, br', 'br'],
  ] as const) {
    it(`Accept-Encoding: ${header} gets ${encoding}; the entry keeps those bytes and a hit serves them as stored`, async () => {
      const t = await seededTable(`enc_${encoding}`);
      const sql = `SELECT id, v, arrayStringConcat(arrayMap(x -> v, range(50))) FROM ${t} ORDER BY id`;
      const plain = await q(sql);
      expectMiss(plain, 'identity:');
      expect(plain.headers['content-encoding']).to.equal(undefined);

      const miss = await q(sql, accepting(header));
      expectMiss(miss, `${header}:`);
      expect(miss.headers['content-encoding'], describeResponse(miss)).to.equal(encoding);
      expect(decoders[encoding]?.(miss.body).equals(plain.body), 'decodes to the identity bytes').to.equal(true);
      expect(miss.body.length).to.be.lessThan(plain.body.length);

      const queryId = newQueryId('compressed-hit');
      const hit = await q(sql, accepting(header, { params: { query_id: queryId } }));
      expectHit(hit, `${header}:`);
      expect(hit.headers['content-encoding']).to.equal(encoding);
      expect(hit.body.equals(miss.body), 'the stored bytes').to.equal(true);
      await expectNeverExecuted(cluster, queryId, control(sql));

      const plainHit = await q(sql);
      expectHit(plainHit, 'identity again:');
      expect(plainHit.headers['content-encoding']).to.equal(undefined);
      expect(plainHit.body.equals(plain.body)).to.equal(true);
    });
  }

  it('GET requests (read-only in ClickHouse whatever the user) are compressed the same way', async () => {
    const sql = 'SELECT number, toString(number * 7) FROM numbers(2000)';
    const plain = await q(sql, { method: 'GET', params: { no_cache: 1 } });
    for (const encoding of ['gzip', 'br'] as const) {
      const response = await q(sql, accepting(encoding, { method: 'GET', params: { no_cache: 1 } }));
      expect(response.status, describeResponse(response)).to.equal(200);
      expect(response.headers['content-encoding']).to.equal(encoding);
      expect(decoders[encoding]?.(response.body).equals(plain.body)).to.equal(true);
    }
  });

  it('a large result made by chgate (brotli) streams whole and decodes to what ClickHouse sent', async () => {
    const sql = 'SELECT number, toString(cityHash64(number)) FROM numbers(300000)';
    const plain = await q(sql, { params: { no_cache: 1 } });
    const brotli = await q(sql, accepting('br', { params: { no_cache: 1 } }));
    expect(brotli.status, describeResponse(brotli)).to.equal(200);
    expect(brotli.headers['content-encoding']).to.equal('br');
    expect(plain.body.length).to.be.greaterThan(5 * 1024 * 1024);
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).to.equal(true);
    expect(brotli.body.length).to.be.lessThan(plain.body.length / 2);
  });

  it('a brotli result that ends in a ClickHouse exception is not stored', async () => {
    const failing = 'SELECT number, throwIf(number = 300000) FROM numbers(400000) SETTINGS max_block_size = 65536';
    for (let i = 0; i < 2; i += 1) {
      const queryId = newQueryId('br-throw');
      const response = await q(failing, accepting('br', { params: { query_id: queryId } }));
      expect(response.status, describeResponse(response)).to.equal(200);
      expect(response.headers['content-encoding']).to.equal('br');
      expect(brotliDecompressSync(response.body).toString('utf8')).to.match(/Code: 395[.,] [^\n]*DB::Exception[^\n]*\n$/);
      expect(response.cache).to.not.equal('HIT');
      expect(await waitForExecutions(cluster, [queryId], 1), `request #${i + 1} ran on ClickHouse`).to.equal(1);
    }
  });

  it('errors before any output are ClickHouse\'s own, uncompressed', async () => {
    const response = await q('SELECT * FROM default.no_such_table_for_compression', accepting('gzip, br'));
    expect(response.status).to.be.oneOf([404, 500]);
    expect(response.headers['content-encoding']).to.equal(undefined);
    expect(response.text).to.match(/Code: 60/);
    expect(response.headers['x-clickhouse-exception-code']).to.equal('60');
  });

  it('reads compressed error answers: a table only the writer has is still read there (UNKNOWN_TABLE retry)', async () => {
    const t = uniqueTable('writer_only');
    tables.add(t);
    await onWriter(cluster, `CREATE TABLE ${t} (id UInt64) ENGINE = MergeTree ORDER BY id`);
    await onWriter(cluster, `INSERT INTO ${t} VALUES (7)`);
    const response = await q(`SELECT id FROM ${t}`, accepting('gzip', { params: { no_cache: 1 } }));
    expect(response.status, describeResponse(response)).to.equal(200);
    expect(response.headers['x-chgate-upstream']).to.equal('writer');
    expect(response.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(response.body).toString('utf8')).to.equal('7\n');
    // The same when the client asked ClickHouse for gzip itself (before, the compressed answer hid UNKNOWN_TABLE).
    const own = await q(`SELECT id FROM ${t}`, accepting('gzip', { params: { no_cache: 1, enable_http_compression: 1 } }));
    expect(own.status, describeResponse(own)).to.equal(200);
    expect(own.headers['x-chgate-upstream']).to.equal('writer');
    expect(gunzipSync(own.body).toString('utf8')).to.equal('7\n');
  });

  it('leaves multi-statement bodies, and clients that set enable_http_compression, as ClickHouse answers them', async () => {
    const t = await seededTable('multi');
    const multi = await q(`SELECT count() FROM ${t}; SELECT sum(id) FROM ${t}`, accepting('gzip'));
    expect(multi.status, describeResponse(multi)).to.equal(200);
    expect(multi.headers['content-encoding']).to.equal(undefined);
    expect(multi.text).to.equal('3\n6\n');
    // The client asked ClickHouse itself: its Accept-Encoding goes as sent (18.16 makes no brotli: identity).
    const own = await q(`SELECT count() FROM ${t}`, accepting('br', { params: { enable_http_compression: 1 } }));
    expect(own.status, describeResponse(own)).to.equal(200);
    expect(own.headers['content-encoding']).to.equal(undefined);
    expect(own.text).to.equal('3\n');
  });

  it('with response_compression off, Accept-Encoding alone changes nothing', async () => {
    const response = await send(uncompressing.url, 'SELECT number FROM numbers(1000)', accepting('gzip, br', { params: { no_cache: 1 } }));
    expect(response.status).to.equal(200);
    expect(response.headers['content-encoding']).to.equal(undefined);
    expect(response.text.split('\n')).to.have.length(1001);
  });

  it('a read user with readonly = 1 (may not set enable_http_compression): chgate compresses instead (and asks ClickHouse again after a minute)', async () => {
    const refusals = async (): Promise<number> => {
      const text = await (await fetch(`${strictReader.url}/metrics`)).text();
      return [...text.matchAll(/^chgate_upstream_retries_total\{[^}]*reason="compression-refused"[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const t = await seededTable('strict');
    const sql = `SELECT id, v FROM ${t} ORDER BY id`;
    const plain = await send(strictReader.url, sql, { params: { no_cache: 1 } });
    expect(plain.status, describeResponse(plain)).to.equal(200);
    const profile = await send(strictReader.url, "SELECT value FROM system.settings WHERE name = 'readonly'", { params: { no_cache: 1 } });
    expect(profile.text, 'reads run as the readonly = 1 user').to.equal('1\n');
    expect(plain.text).to.equal('1\tone\n2\ttwo\n3\tthree\n');

    // ClickHouse refuses the setting (code 164): sent again without it, and gzip made by chgate.
    const first = await send(strictReader.url, sql, accepting('gzip'));
    expect(first.status, describeResponse(first)).to.equal(200);
    expect(first.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(first.body).equals(plain.body)).to.equal(true);
    expect(await refusals()).to.equal(1);
    // From now on chgate compresses without asking: its own entry (the key names who compresses), then hits.
    expectMiss(await send(strictReader.url, sql, accepting('gzip')), 'compressed by chgate:');
    const hit = await send(strictReader.url, sql, accepting('gzip'));
    expectHit(hit, 'compressed by chgate, again:');
    expect(hit.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(hit.body).equals(plain.body)).to.equal(true);

    // For a while ClickHouse is not asked: no second refusal, deflate made by chgate as well.
    for (const encoding of ['gzip', 'deflate'] as const) {
      const response = await send(strictReader.url, `SELECT count() FROM ${t}`, accepting(encoding, { params: { no_cache: 1 } }));
      expect(response.status, describeResponse(response)).to.equal(200);
      expect(response.headers['content-encoding']).to.equal(encoding);
      expect(decoders[encoding]?.(response.body).toString('utf8')).to.equal('3\n');
    }
    expect(await refusals()).to.equal(1);

    // A setting the client sent itself is refused as before: one answer, no retry.
    const own = await send(strictReader.url, sql, accepting('gzip', { params: { no_cache: 1, max_result_rows: 10 } }));
    expect(own.status, describeResponse(own)).to.equal(500);
    expect(own.headers['x-clickhouse-exception-code']).to.equal('164');
    expect(await refusals()).to.equal(1);
  });
});
