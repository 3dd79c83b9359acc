/**
 * /metrics on a listener of its own (metrics.listen_port) behind metrics.allowed_networks (issue #7). The check is on
 * the TCP peer, so from this test's loopback connections a network list without loopback refuses and one with it
 * serves. No ClickHouse is needed: the one node is a closed port and health checks are off. By hand:
 *   curl -i http://127.0.0.1:9363/metrics      # served
 *   curl -i http://127.0.0.1:8124/metrics      # 404: not on the client port once it has its own
 */
import { expect } from 'chai';
import { parseConfigText } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/create-logger.js';
import { startChgate, type RunningChgate } from '../../src/main.js';
import { TEST_BASE_PORT } from '../helpers/cluster.js';

const METRICS_PORT = TEST_BASE_PORT + 81;
const CLOSED_PORT = TEST_BASE_PORT + 82;

function configText(metricsBlock: string): string {
  return `server: { listen_host: 127.0.0.1, listen_port: 0 }
metrics:
${metricsBlock}
clusters:
  local:
    write_user: { user: w }
    read_user: { user: r }
    writers:
      - { name: closed-writer, url: "http://127.0.0.1:${CLOSED_PORT}" }
    health: { enabled: false }
    pool: { connect_timeout_ms: 200 }
    write_retry_wait_ms: 0
users:
  default: { cluster: local }
cache: { enabled: false, store: { kind: memory } }
`;
}

async function refusedCount(running: RunningChgate): Promise<number> {
  return Number((await running.metrics.endpointRefused.get()).values.find((value) => value.labels.endpoint === 'metrics')?.value ?? 0);
}

describe('/metrics on its own listener', function () {
  this.timeout(30_000);
  let running: RunningChgate;
  let mainUrl: string;
  const metricsUrl = `http://127.0.0.1:${METRICS_PORT}`;

  before(async () => {
    const config = parseConfigText(configText(`  listen_port: ${METRICS_PORT}\n  allowed_networks: ["127.0.0.0/8", "::1/128"]`), {});
    running = await startChgate(config, { logger: createLogger('error') });
    mainUrl = `http://127.0.0.1:${running.address.port}`;
  });

  after(async () => {
    await running?.close();
  });

  it('serves /metrics (and /ping) there, and neither queries nor /metrics on the client port', async () => {
    expect(running.metricsAddress?.port).to.equal(METRICS_PORT);
    // A request on the client port (the node is closed: 502), so there is something to count.
    const query = await fetch(mainUrl, { method: 'POST', body: 'SELECT 1' });
    expect(query.status).to.equal(502);
    await query.text();
    const scrape = await fetch(`${metricsUrl}/metrics`);
    expect(scrape.status).to.equal(200);
    expect(scrape.headers.get('content-type')).to.match(/^text\/plain/);
    expect(await scrape.text()).to.match(/^chgate_requests_total\{user="default",status="502",route="read"\} 1$/m);
    expect(await (await fetch(`${metricsUrl}/ping`)).text()).to.equal('Ok.\n');

    const onClientPort = await fetch(`${mainUrl}/metrics`);
    expect(onClientPort.status).to.equal(404);
    expect(await onClientPort.text()).to.match(/^Code: 0\. DB::Exception: chgate: there is no handler for \/metrics/);
    const queryOnMetricsPort = await fetch(metricsUrl, { method: 'POST', body: 'SELECT 1' });
    expect(queryOnMetricsPort.status).to.equal(404);
    await queryOnMetricsPort.text();
    expect((await fetch(`${metricsUrl}/status`)).status).to.equal(404);
  });

  it('refuses peers outside allowed_networks (applied by a reload), and a new listen_port needs a restart', async () => {
    const reloaded = await running.reload(async () => parseConfigText(configText(`  listen_port: ${METRICS_PORT + 1}\n  allowed_networks: ["192.0.2.0/24"]`), {}));
    expect(reloaded).to.deep.include({ result: 'success' });
    expect(reloaded.result === 'success' && reloaded.needsRestart).to.deep.equal(['metrics.listen_port']);
    const before = await refusedCount(running);
    const refused = await fetch(`${metricsUrl}/metrics`);
    expect(refused.status).to.equal(403);
    expect(refused.headers.get('x-clickhouse-exception-code')).to.equal('497');
    expect(await refused.text()).to.match(/^Code: 497\. DB::Exception: chgate: this address may not read \/metrics/);
    expect(await refusedCount(running)).to.equal(before + 1);

    await running.reload(async () => parseConfigText(configText(`  listen_port: ${METRICS_PORT}\n  allowed_networks: ["127.0.0.1"]`), {}));
    expect((await fetch(`${metricsUrl}/metrics`)).status).to.equal(200);
  });
});

describe('/metrics on the client port', function () {
  this.timeout(30_000);

  it('is served there when metrics.listen_port is absent, behind allowed_networks too', async () => {
    const running = await startChgate(parseConfigText(configText('  allowed_networks: ["192.0.2.0/24"]'), {}), { logger: createLogger('error') });
    try {
      const url = `http://127.0.0.1:${running.address.port}`;
      expect(running.metricsAddress).to.equal(undefined);
      expect((await fetch(`${url}/metrics`)).status).to.equal(403);
      await running.reload(async () => parseConfigText(configText('  listen_host: 127.0.0.1'), {}));
      const open = await fetch(`${url}/metrics`);
      expect(open.status).to.equal(200);
      expect(await open.text()).to.include('# TYPE chgate_endpoint_refused_total counter');
    } finally {
      await running.close();
    }
  });
});
