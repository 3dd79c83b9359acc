/**
 * The real ClickHouse cluster the integration tests share: started once per mocha run, on first request, and stopped
 * by the root hook after all tests. Unit-only runs never start it.
 *
 * Registered in .mocharc.json (`"require": ["test/helpers/cluster.ts"]`) for `mochaHooks`.
 * Ports: CHGATE_TEST_BASE_PORT (default 19200) .. +39; data and logs under <tmpdir>/chgate-test-<base port>,
 * a fixed path so processes left by a killed run are found and stopped by the next one.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../scripts/local-cluster.js';

export const TEST_BASE_PORT = Number(process.env.CHGATE_TEST_BASE_PORT ?? 19200);
export const TEST_CLUSTER_DIR = join(tmpdir(), `chgate-test-${TEST_BASE_PORT}`);
/** Use as `this.timeout(...)` in the `before` hook that awaits getTestCluster(). */
export const CLUSTER_START_TIMEOUT_MS = 120_000;

let clusterPromise: Promise<LocalCluster> | undefined;
let running: LocalCluster | undefined;

const killOnExit = (): void => running?.killSync();
const exitOnSignal = (signal: NodeJS.Signals): void => {
  running?.killSync();
  process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
};
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shared cluster; the first call starts it (a failed start is remembered, so every caller fails fast). */
export function getTestCluster(): Promise<LocalCluster> {
  clusterPromise ??= startTestCluster();
  return clusterPromise;
}

async function startTestCluster(): Promise<LocalCluster> {
  // Registered before the start, so a Ctrl-C or kill during startup still takes the servers down with mocha.
  process.on('exit', killOnExit);
  for (const signal of SIGNALS) process.on(signal, exitOnSignal);
  const cluster = await startLocalCluster({
    baseDir: TEST_CLUSTER_DIR,
    basePort: TEST_BASE_PORT,
    startTimeoutMs: CLUSTER_START_TIMEOUT_MS - 10_000,
    log: process.env.CHGATE_TEST_VERBOSE ? (message) => console.error(`[test cluster] ${message}`) : undefined,
  });
  running = cluster;
  console.error(
    `[test cluster] ${cluster.nodes.map((n) => `${n.name}=${n.url}`).join(' ')} ready in ${cluster.startupMs} ms ` +
      `(logs: ${cluster.baseDir})`,
  );
  return cluster;
}

async function stopTestCluster(): Promise<void> {
  if (clusterPromise === undefined) return;
  try {
    await (await clusterPromise.catch(() => undefined))?.stop();
  } finally {
    running = undefined;
    process.off('exit', killOnExit);
    for (const signal of SIGNALS) process.off(signal, exitOnSignal);
  }
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopTestCluster();
  },
};
