/**
 * The status page and the query digest (issue #7) against the real cluster: chgate (cache on) with one extra reader
 * that points at a closed port, so that node is ejected, takes a load of cache misses, hits and errors. Then:
 * /status.json and GET /admin/digest count exactly what was sent; Debian's headless Chromium loads /status, runs its
 * script and renders the node states and the hit ratio (checked in the DOM it dumps), and a screenshot is saved to
 * test-artifacts/status-page.png. Access from outside status.allowed_networks needs an admin's Basic credentials.
 * Reproduce by hand:
 *   chromium --headless --no-sandbox --disable-gpu --window-size=1280,1600 --virtual-time-budget=5000 \
 *     --screenshot=status.png http://127.0.0.1:8124/status
 * Skipped when no `chromium` binary is installed (`apt-get install --no-install-recommends chromium`; .ci/run installs it).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load-config.js';
import type { StatusSnapshot } from '../../src/observability/status-snapshot.js';
import { createSqlClassifier } from '../../src/sql/create-sql-classifier.js';
import type { LocalCluster } from '../../scripts/local-cluster.js';
import { baseCacheBlock, createReplicated, dropEverywhere, seedRows, send, sleep, uniqueTable, withCache } from '../helpers/cache-helpers.js';
import { renderTestConfig, startTestChgate, type TestChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

const run = promisify(execFile);
// Nothing listens here (the test cluster uses TEST_BASE_PORT .. +39): the reader that must show as ejected.
const CLOSED_PORT = TEST_BASE_PORT + 79;
const ADMIN = { user: 'status_admin', password: 'status-admin-pass-3e1d' };
const PLAIN = { user: 'status_plain', password: 'status-plain-pass-8b07' };
const SECRET_LITERAL = 'status-literal-must-not-show-9d2c';
const ARTIFACT_DIR = resolve(fileURLToPath(new URL('../../test-artifacts/', import.meta.url)));

function findChromium(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) {
    for (const name of ['chromium', 'chromium-browser']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Headless Chromium as the issue asks; its own profile directory, so runs never share state. */
async function chromium(binary: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'chgate-chromium-'));
  try {
    const { stdout } = await run(
      binary,
      ['--headless', '--no-sandbox', '--disable-gpu', '--window-size=1280,1600', '--virtual-time-budget=5000', `--user-data-dir=${profile}`, ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function statusJson(url: string): Promise<StatusSnapshot> {
  const response = await fetch(`${url}/status.json`);
  expect(response.status).to.equal(200);
  return (await response.json()) as StatusSnapshot;
}

function nodeState(snapshot: StatusSnapshot, name: string): string | undefined {
  return snapshot.clusters.flatMap((cluster) => cluster.nodes).find((node) => node.name === name)?.state;
}

function configWithClosedReader(yaml: string): string {
  const document = parse(withCache({ cache: baseCacheBlock(), users: [{ name: ADMIN.user, password: ADMIN.password, admin: true }, { name: PLAIN.user, password: PLAIN.password }] })(yaml)) as {
    clusters: { local: { readers: { name: string; url: string }[]; health?: unknown } };
    status?: unknown;
  };
  document.clusters.local.readers.push({ name: 'closed-reader', url: `http://127.0.0.1:${CLOSED_PORT}` });
  document.clusters.local.health = { interval_ms: 200, timeout_ms: 500, consecutive_failures: 1 };
  document.status = { refresh_seconds: 2 };
  return stringify(document);
}

describe('status page and query digest', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let chgate: TestChgate;
  const table = uniqueTable('status');

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    await createReplicated(cluster, table, 'id UInt64, name String', 'id');
    await seedRows(cluster, table, "(1, 'a'), (2, 'b'), (3, 'c')", 3);
    chgate = await startTestChgate(cluster, { editConfig: configWithClosedReader });
    // The closed reader fails its first check; reads go to the other replicas only once it is ejected.
    const deadline = Date.now() + 15_000;
    while (nodeState(await statusJson(chgate.url), 'closed-reader') !== 'ejected') {
      if (Date.now() > deadline) throw new Error('closed-reader was not ejected within 15 s');
      await sleep(100);
    }
  });

  after(async () => {
    await chgate?.stop();
    if (cluster) await dropEverywhere(cluster, [table]);
  });

  it('counts the load in /status.json and GET /admin/digest, renders it in Chromium, and keeps literals out', async function () {
    // The load: misses then hits of two reads, a ClickHouse error (404, a miss too), a refused login (no lookup).
    const cacheHeaders: (string | undefined)[] = [];
    const byId = `SELECT name FROM ${table} WHERE id = 2`;
    const all = `SELECT id, name FROM ${table} WHERE name != '${SECRET_LITERAL}' ORDER BY id`;
    const missing = `SELECT * FROM ${table}_missing`;
    for (const sql of [byId, byId, byId, byId, all, all, missing]) {
      const response = await send(chgate.url, sql);
      cacheHeaders.push(response.cache);
      if (sql !== missing) expect(response.status, response.text).to.equal(200);
    }
    const refused = await send(chgate.url, 'SELECT 1', { user: PLAIN.user, password: 'wrong' });
    expect(refused.status).to.equal(401);
    const hits = cacheHeaders.filter((value) => value === 'HIT').length;
    const misses = cacheHeaders.filter((value) => value === 'MISS').length;
    expect(hits).to.equal(4);
    expect(misses).to.equal(3);
    const expectedRatio = hits / (hits + misses);

    const snapshot = await statusJson(chgate.url);
    expect(snapshot.traffic).to.include({ requests: 8, cacheHits: hits, cacheMisses: misses, errors: 2 });
    expect(snapshot.traffic.hitRatio).to.be.closeTo(expectedRatio, 1e-9);
    expect(nodeState(snapshot, 'closed-reader')).to.equal('ejected');
    expect(nodeState(snapshot, cluster.writer.name)).to.equal('healthy');
    const errorNames = snapshot.recentErrors.map((item) => item.error?.name ?? `HTTP ${item.status}`);
    expect(errorNames).to.deep.equal(['AUTHENTICATION_FAILED', 'HTTP 404']);
    const fingerprintOf = (sql: string): string => createSqlClassifier().classify(sql).fingerprint;
    expect(snapshot.recentErrors[1]?.fingerprint).to.equal(fingerprintOf(missing));
    const byIdFingerprint = fingerprintOf(byId);
    const top = snapshot.topFingerprints.find((entry) => entry.fingerprint === byIdFingerprint);
    expect(top).to.include({ count: 4, cache_hits: 3, cache_misses: 1, errors: 0 });

    // The admin endpoint: sorted by count, limited, for admins only.
    const digestUrl = `${chgate.url}/admin/digest?sort=count&limit=2`;
    const digest = (await (await fetch(digestUrl, { headers: { 'x-clickhouse-user': ADMIN.user, 'x-clickhouse-key': ADMIN.password } })).json()) as {
      sort: string;
      fingerprints: number;
      entries: Record<string, unknown>[];
    };
    expect(digest.sort).to.equal('count');
    expect(digest.fingerprints).to.equal(3);
    expect(digest.entries).to.have.length(2);
    expect(digest.entries[0]).to.include({ fingerprint: byIdFingerprint, statement_type: 'select', count: 4, cache_hit_ratio: 0.75 });
    expect(digest.entries[0]?.users).to.deep.equal(['default']);
    expect(digest.entries[1]).to.include({ count: 2, cache_hits: 1, cache_misses: 1 });
    const plainAnswer = await fetch(digestUrl, { headers: { 'x-clickhouse-user': PLAIN.user, 'x-clickhouse-key': PLAIN.password } });
    expect(plainAnswer.status).to.equal(403);

    // No literal a client sent reaches the page's data.
    const page = await (await fetch(`${chgate.url}/status`)).text();
    expect(page).to.not.include(SECRET_LITERAL);
    expect(JSON.stringify(snapshot)).to.not.include(SECRET_LITERAL);

    const binary = findChromium();
    if (!binary) {
      console.error('      (chromium not installed: the browser part is skipped)');
      this.skip();
    }
    mkdirSync(ARTIFACT_DIR, { recursive: true });
    const screenshot = join(ARTIFACT_DIR, 'status-page.png');
    rmSync(screenshot, { force: true });
    const dom = await chromium(binary, ['--dump-dom', `${chgate.url}/status`]);
    // Drawn by the page's script (the served HTML has empty containers): states and the hit ratio as text.
    expect(dom).to.match(/<tr class="node" data-node="closed-reader" data-state="ejected">/);
    expect(dom).to.match(new RegExp(`<tr class="node" data-node="${cluster.writer.name}" data-state="healthy">`));
    const shownRatio = /id="hit-ratio" data-value="([^"]*)">([^<]*)</.exec(dom);
    expect(shownRatio, 'the hit ratio card').to.not.equal(null);
    expect(Number(shownRatio?.[1])).to.be.closeTo(expectedRatio, 1e-9);
    expect(shownRatio?.[2]).to.equal(`${(expectedRatio * 100).toFixed(1)}%`);
    expect(dom).to.include(`>${byIdFingerprint}<`);
    expect(dom).to.include('AUTHENTICATION_FAILED (516)');

    await chromium(binary, [`--screenshot=${screenshot}`, `${chgate.url}/status`]);
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
    expect(statSync(screenshot).size).to.be.greaterThan(10_000);
    console.error(`      status page screenshot: ${screenshot}`);
  });

  it('serves the page outside status.allowed_networks only to an admin, with a Basic challenge', async () => {
    const outcome = await chgate.running.reload(async () => {
      const text = configWithClosedReader(renderTestConfig(cluster));
      const document = parse(text) as { status: Record<string, unknown> };
      document.status.allowed_networks = ['192.0.2.0/24'];
      return parseConfigText(stringify(document), {});
    });
    expect(outcome.result).to.equal('success');
    const before = Number((await chgate.running.metrics.endpointRefused.get()).values.find((value) => value.labels.endpoint === 'status')?.value ?? 0);
    const anonymous = await fetch(`${chgate.url}/status`);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Basic realm="chgate status"/);
    expect(await anonymous.text()).to.match(/^Code: 516\. DB::Exception: chgate: /);
    const basic = (who: { user: string; password: string }) => ({ authorization: `Basic ${Buffer.from(`${who.user}:${who.password}`).toString('base64')}` });
    expect((await fetch(`${chgate.url}/status.json`, { headers: basic(PLAIN) })).status).to.equal(403);
    const admin = await fetch(`${chgate.url}/status`, { headers: basic(ADMIN) });
    expect(admin.status).to.equal(200);
    expect(admin.headers.get('content-type')).to.match(/^text\/html/);
    const after = Number((await chgate.running.metrics.endpointRefused.get()).values.find((value) => value.labels.endpoint === 'status')?.value ?? 0);
    expect(after - before).to.equal(2);
  });

  it('resets the digest on POST /admin/digest/reset', async () => {
    const headers = { 'x-clickhouse-user': ADMIN.user, 'x-clickhouse-key': ADMIN.password };
    expect((await fetch(`${chgate.url}/admin/digest/reset`, { headers })).status).to.equal(405);
    const reset = await fetch(`${chgate.url}/admin/digest/reset`, { method: 'POST', headers });
    expect(reset.status).to.equal(200);
    expect(((await reset.json()) as { fingerprints_dropped: number }).fingerprints_dropped).to.be.greaterThan(0);
    const after = (await (await fetch(`${chgate.url}/admin/digest`, { headers })).json()) as { fingerprints: number };
    expect(after.fingerprints).to.equal(0);
    expect((await fetch(`${chgate.url}/admin/digest?sort=nonsense`, { headers })).status).to.equal(400);
  });
});
