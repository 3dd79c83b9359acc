/**
 * The Grafana dashboard proven against a real Prometheus (issue 7): Debian's `prometheus` scrapes a chgate (cache on,
 * a deny rule, a user with a body limit) in front of the real cluster every second while a mixed load runs (reads,
 * cache hits, writes, a denied query, a refused login, a body over a limit, a ClickHouse error, a killed query, a
 * config reload). Then every PromQL expression of every panel is evaluated through Prometheus's HTTP API with the
 * dashboard's variables filled in: each returns at least one series, and the hit ratio and request rate the
 * dashboard shows for a measured phase match what was sent. Reproduce by hand:
 *   prometheus --config.file=prom.yml --storage.tsdb.path=/tmp/p --web.listen-address=127.0.0.1:9090
 *   curl -s 'http://127.0.0.1:9090/api/v1/query' --data-urlencode 'query=sum(rate(chgate_requests_total[15s]))'
 * Skipped when no `prometheus` binary is installed (`apt-get install --no-install-recommends prometheus`; .ci/run
 * installs it).
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/create-logger.js';
import { startChgate, type RunningChgate } from '../../src/main.js';
import { queryNode, type LocalCluster } from '../../scripts/local-cluster.js';
import { baseCacheBlock, send, sleep, type CachedResponse } from '../helpers/cache-helpers.js';
import { renderTestConfig } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

// This test's ports (the shared cluster is at TEST_BASE_PORT): chgate and Prometheus.
const CHGATE_PORT = TEST_BASE_PORT + 90;
const PROMETHEUS_PORT = TEST_BASE_PORT + 95;
const PROMETHEUS_URL = `http://127.0.0.1:${PROMETHEUS_PORT}`;
const TARGET = `127.0.0.1:${CHGATE_PORT}`;
const LIMITED_USER = 'obs_limited';
const DENY_MARKER = 'obs_forbidden_marker';

function findPrometheus(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    const candidate = join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(query: string, time?: number): Promise<Series[]> {
  const body = new URLSearchParams({ query });
  if (time !== undefined) body.set('time', String(time));
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query`, { method: 'POST', body });
  const answer = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: Series[] } };
  if (answer.status !== 'success' || !answer.data) throw new Error(`Prometheus refused ${query}: ${answer.error ?? response.status}`);
  if (answer.data.resultType !== 'vector') throw new Error(`${query}: a ${answer.data.resultType}, not a vector`);
  return answer.data.result;
}

/** The time of the newest scrape of chgate that Prometheus holds (seconds), or 0 before the first. */
async function lastScrapeAt(): Promise<number> {
  // timestamp() of a plain selector is the sample's time (of anything else, the evaluation time).
  const result = await promQuery(`timestamp(up{job="chgate",instance="${TARGET}"})`);
  const up = await promQuery(`up{job="chgate",instance="${TARGET}"}`);
  return result.length > 0 && up[0]?.value[1] === '1' ? Number(result[0]?.value[1]) : 0;
}

/** Waits until Prometheus has scraped chgate `count` times after `since` (seconds). */
async function waitForScrapes(since: number, count: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let seen = 0;
  let last = await lastScrapeAt();
  for (;;) {
    const now = await lastScrapeAt();
    if (now > since && now !== last) seen += 1;
    last = now;
    if (seen >= count) return now;
    if (Date.now() > deadline) throw new Error(`Prometheus scraped chgate ${seen} of ${count} times after ${since} in 30 s`);
    await sleep(250);
  }
}

const panelExpressions = (): { panel: string; expr: string }[] => {
  const dashboard = JSON.parse(readFileSync(new URL('../../grafana/chgate-dashboard.json', import.meta.url), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
};

/** Grafana's variables as Grafana would fill them for this one instance. */
const substitute = (expr: string, rateInterval: string): string =>
  expr.replaceAll('$instance', TARGET.replaceAll('.', '\\\\.')).replaceAll('$__rate_interval', rateInterval);

function withObservabilitySetup(yaml: string): string {
  const document = parse(yaml) as { users: Record<string, Record<string, unknown>>; cache?: unknown; rules?: unknown };
  const template = document.users.default as Record<string, unknown>;
  document.users[LIMITED_USER] = { cluster: template.cluster, networks: template.networks, limits: { max_body_bytes: 64 } };
  document.cache = baseCacheBlock();
  document.rules = [{ name: 'obs-deny', match: DENY_MARKER, deny: 'the observability test denies this' }];
  return stringify(document);
}

describe('observability: the Grafana dashboard against a real Prometheus', function () {
  this.timeout(120_000);
  const prometheus = findPrometheus();
  let cluster: LocalCluster;
  let running: RunningChgate | undefined;
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  let configText = '';
  const url = `http://${TARGET}`;
  const run = Date.now() % 1_000_000;
  const writeTable = `default.obs_writes_${run}`;

  before(async function () {
    if (!prometheus) {
      console.log('      skipped: no prometheus binary (apt-get install --no-install-recommends prometheus)');
      this.skip();
    }
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    configText = renderTestConfig(cluster, { editConfig: withObservabilitySetup }, CHGATE_PORT);
    running = await startChgate(parseConfigText(configText, {}), { logger: createLogger('silent') });

    dir = mkdtempSync(join(tmpdir(), 'chgate-prometheus-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
        scrape_configs: [{ job_name: 'chgate', static_configs: [{ targets: [TARGET] }] }],
      }),
    );
    const log = openSync(join(dir, 'prometheus.log'), 'a');
    child = spawn(
      prometheus as string,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${readFileSync(join(dir, 'prometheus.log'), 'utf8').slice(-2000)}`);
      try {
        if ((await fetch(`${PROMETHEUS_URL}/-/ready`)).ok && (await lastScrapeAt()) > 0) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('Prometheus did not scrape chgate within 30 s');
      await sleep(200);
    }
  });

  after(async () => {
    if (running) {
      await queryNode(cluster.writer, `DROP TABLE IF EXISTS ${writeTable}`).catch(() => undefined);
      await running.close();
    }
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates every panel query to at least one series, with the hit ratio and request rate of the load sent', async () => {
    const responses: CachedResponse[] = [];
    const sendCounted = async (sql: string, options: Parameters<typeof send>[2] = {}): Promise<CachedResponse> => {
      const response = await send(url, sql, options);
      responses.push(response);
      return response;
    };

    // Warm-up: every kind of event the panels show, so every series exists before the measured phase.
    expect((await sendCounted(`CREATE TABLE ${writeTable} (x UInt32) ENGINE = MergeTree ORDER BY x`)).status).to.equal(200);
    expect((await sendCounted(`INSERT INTO ${writeTable} VALUES (1)`)).status).to.equal(200);
    for (let i = 0; i < 3; i++) await sendCounted(`SELECT count() + 0 * ${run} FROM default.table_name`);
    expect((await sendCounted(`SELECT 1 AS ${DENY_MARKER}`)).status, 'denied by the rule').to.be.within(400, 499);
    expect((await sendCounted('SELECT 1', { user: 'nobody_here', password: 'x' })).status, 'unknown user').to.equal(401);
    expect((await sendCounted(`SELECT '${'x'.repeat(100)}'`, { user: LIMITED_USER })).status, 'over max_body_bytes').to.equal(413);
    expect((await sendCounted('SELECT 1 + 1', { user: LIMITED_USER })).status).to.equal(200);
    // A table only the writer has: a replica refuses it, the read runs again on the writer (a retry).
    expect((await sendCounted(`SELECT count() FROM ${writeTable}`)).status).to.equal(200);
    expect((await sendCounted('SELECT * FROM default.obs_no_such_table')).status, 'ClickHouse error').to.equal(404);
    expect((await sendCounted('SELEC 1')).status, 'syntax error').to.equal(400);
    // A client that goes away mid-query: chgate kills the query on ClickHouse.
    const gone = new AbortController();
    const slow = fetch(url, { method: 'POST', body: 'SELECT sleep(2)', signal: gone.signal }).catch(() => undefined);
    await sleep(300);
    gone.abort();
    await slow;
    expect((await running?.reload(async () => parseConfigText(configText, {})))?.result).to.equal('success');
    await waitForScrapes(await lastScrapeAt(), 2);

    // Measured phase: starts after a scrape, so the window sees the counters before the first request of it.
    const startedAt = await waitForScrapes(await lastScrapeAt(), 1);
    responses.length = 0;
    const readQueries = Array.from({ length: 8 }, (_, i) => `SELECT count() + ${i} FROM default.table_name WHERE id >= ${run % 1000}`);
    for (let round = 0; round < 5; round++) {
      for (const sql of readQueries) expect((await sendCounted(sql)).status).to.equal(200);
      expect((await sendCounted(`INSERT INTO ${writeTable} VALUES (${round})`)).status).to.equal(200);
      expect((await sendCounted('SELECT * FROM default.obs_no_such_table')).status).to.equal(404);
      await sleep(400);
    }
    const hits = responses.filter((response) => response.cache === 'HIT').length;
    const misses = responses.filter((response) => response.cache === 'MISS').length;
    expect(hits, 'repeated reads were served from the cache').to.be.greaterThan(20);
    const evaluatedAt = await waitForScrapes(await lastScrapeAt(), 3);

    // Every panel query, over the whole run, as Grafana would send it.
    const expressions = panelExpressions();
    expect(expressions.length).to.be.greaterThan(30);
    const empty: string[] = [];
    for (const { panel, expr } of expressions) {
      const result = await promQuery(substitute(expr, '30s'), evaluatedAt);
      if (result.length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty, 'panel queries that returned no series').to.deep.equal([]);

    // The measured phase alone: its window starts at the scrape before its first request.
    const window = `${Math.ceil(evaluatedAt - startedAt)}s`;
    const find = (panel: string, legend: (expr: string) => boolean): string => {
      const found = expressions.find((each) => each.panel === panel && legend(each.expr));
      if (!found) throw new Error(`no panel ${panel}`);
      return substitute(found.expr, window);
    };
    const [ratio] = await promQuery(find('Cache hit ratio', (expr) => expr.includes('hit|miss')), evaluatedAt);
    expect(Number(ratio?.value[1]), `hit ratio (sent ${hits} hits, ${misses} misses)`).to.be.closeTo(hits / (hits + misses), 0.02);
    const [rate] = await promQuery(find('Request rate', () => true), evaluatedAt);
    // rate() extrapolates to the window's edges: at most a scrape interval more over a window of several seconds.
    const counted = Number(rate?.value[1]) * (evaluatedAt - startedAt);
    expect(counted, `requests in the window (sent ${responses.length})`).to.be.within(responses.length * 0.9, responses.length * 1.3);
    const byRoute = await promQuery(`sum by (route) (increase(chgate_requests_total{instance="${TARGET}"}[${window}]))`, evaluatedAt);
    const routes = Object.fromEntries(byRoute.map((series) => [series.metric.route, Math.round(Number(series.value[1]))]));
    expect(routes.read, 'reads by route').to.be.at.least(readQueries.length * 5 + 5);
    expect(routes.write, 'writes by route').to.be.at.least(5);
  });
});
