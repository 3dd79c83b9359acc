/**
 * `npm run demo`: a local ClickHouse cluster (ZooKeeper, writer, two replicas) plus chgate on 127.0.0.1:8124,
 * running until Ctrl-C or `npm run demo:stop`. Everything lives under .chgate/demo/ (gitignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  assertPortsFree,
  findMissingPrerequisites,
  isOurProcess,
  readClusterState,
  renderChgateConfig,
  startChgateProcess,
  startLocalCluster,
  stopManagedProcess,
  stopRecordedProcesses,
  tailFile,
  type LocalCluster,
  type ManagedProcess,
} from './local-cluster.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_DIR = join(ROOT, '.chgate', 'demo');
export const PIDS_FILE = join(DEMO_DIR, 'pids.json');
export const CLUSTER_DIR = join(DEMO_DIR, 'cluster');
const CONFIG_FILE = join(DEMO_DIR, 'chgate.yaml');
const CHGATE_LOG = join(DEMO_DIR, 'chgate.log');
/** Cluster ports 19100..19139 (tests use 19200.., the benchmark 19300..). */
const DEMO_BASE_PORT = 19100;
const CHGATE_PORT = 8124;
export const DEMO_MARKER = 'scripts/demo.ts';
const APT_PACKAGES = ['clickhouse-server', 'clickhouse-client', 'zookeeper'];

export interface DemoPids {
  demoPid: number;
  chgatePid?: number;
  /** Every process the demo started, with a string its command line contains (guards against recycled pids). */
  processes: Array<{ name: string; pid: number; marker: string }>;
}

const say = (message: string) => console.log(`[demo] ${message}`);
const rel = (path: string) => relative(process.cwd(), path) || '.';

/** Installs ClickHouse and ZooKeeper from apt when missing (as root), without letting apt start system services. */
function ensurePrerequisites(): void {
  if (findMissingPrerequisites().length === 0) return;
  const command = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing: ${findMissingPrerequisites().join(', ')}. Install them with:\n  sudo sh -c '${command}'\nthen run npm run demo again.`,
    );
  }
  say(`installing ${APT_PACKAGES.join(', ')} with apt-get`);
  // policy-rc.d exit 101 stops the packages' postinst from starting clickhouse-server as a system service.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    for (const args of [['update'], ['install', '-y', ...APT_PACKAGES]]) {
      const result = spawnSync('apt-get', args, {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = findMissingPrerequisites();
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}

export function readDemoPids(): DemoPids | undefined {
  try {
    return JSON.parse(readFileSync(PIDS_FILE, 'utf8')) as DemoPids;
  } catch {
    return undefined;
  }
}

/** Refuses to start twice; stops what a demo that died without cleaning up left behind. */
async function cleanUpPreviousDemo(): Promise<void> {
  const previous = readDemoPids();
  if (previous === undefined) return;
  if (previous.demoPid !== process.pid && isOurProcess(previous.demoPid, DEMO_MARKER)) {
    throw new Error(`the demo is already running (pid ${previous.demoPid}); stop it with: npm run demo:stop`);
  }
  const stopped = await stopRecordedProcesses(previous.processes.filter((p) => p.pid !== process.pid));
  if (stopped.length > 0) say(`stopped ${stopped.length} process(es) left by an earlier demo`);
  rmSync(PIDS_FILE, { force: true });
}

function writePids(cluster: LocalCluster | undefined, chgate: ManagedProcess | undefined): void {
  const clusterProcesses = cluster ? (readClusterState(cluster.baseDir)?.processes ?? []) : [];
  const pids: DemoPids = {
    demoPid: process.pid,
    ...(chgate ? { chgatePid: chgate.pid } : {}),
    processes: [
      { name: 'demo', pid: process.pid, marker: DEMO_MARKER },
      ...(chgate ? [{ name: 'chgate', pid: chgate.pid, marker: CONFIG_FILE }] : []),
      ...clusterProcesses,
    ],
  };
  writeFileSync(PIDS_FILE, `${JSON.stringify(pids, null, 2)}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(DEMO_DIR, { recursive: true });
  await cleanUpPreviousDemo();
  ensurePrerequisites();
  await assertPortsFree([CHGATE_PORT]);

  let cluster: LocalCluster | undefined;
  let chgate: ManagedProcess | undefined;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (exitCode: number, why: string): Promise<void> => {
    shuttingDown ??= (async () => {
      say(`${why}: stopping chgate and the cluster...`);
      try {
        if (chgate) await stopManagedProcess(chgate, 10_000);
        // A Ctrl-C during startup lands here before startLocalCluster returned: its state file lists the processes.
        if (cluster) await cluster.stop();
        else await stopRecordedProcesses(readClusterState(CLUSTER_DIR)?.processes ?? []);
        rmSync(PIDS_FILE, { force: true });
        say('stopped');
      } finally {
        process.exit(exitCode);
      }
    })();
    return shuttingDown;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(0, `got ${signal}`));
  }

  try {
    writePids(undefined, undefined);
    say(`starting ZooKeeper, writer and 2 replicas under ${rel(CLUSTER_DIR)}`);
    cluster = await startLocalCluster({ baseDir: CLUSTER_DIR, basePort: DEMO_BASE_PORT, log: (m) => say(m) });
    writePids(cluster, undefined);
    // The cache file lives in the cluster's directory, wiped at every start: no entry outlives the data it came from.
    const cacheBlock = `cache:\n  store: { kind: sqlite, path: ${JSON.stringify(join(CLUSTER_DIR, 'chgate-cache.sqlite'))} }\n`;
    writeFileSync(CONFIG_FILE, `${renderChgateConfig(cluster, { listenPort: CHGATE_PORT })}${cacheBlock}`);
    rmSync(CHGATE_LOG, { force: true });
    say(`starting chgate with ${rel(CONFIG_FILE)} (log: ${rel(CHGATE_LOG)})`);
    chgate = await startChgateProcess({
      root: ROOT,
      configPath: CONFIG_FILE,
      logFile: CHGATE_LOG,
      pingUrl: `http://127.0.0.1:${CHGATE_PORT}/ping`,
    });
    writePids(cluster, chgate);
  } catch (error) {
    console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1, 'startup failed');
    return;
  }

  void chgate.exited.then(({ code, signal }) => {
    if (shuttingDown) return;
    console.error(`[demo] chgate exited (code ${code}, signal ${signal}); last log lines:\n${tailFile(CHGATE_LOG, 20)}`);
    void shutdown(1, 'chgate exited');
  });

  const nodes = cluster.nodes.map((n) => `${n.name} ${n.url}`).join(', ');
  console.log(`
chgate is running at http://localhost:${CHGATE_PORT}  (cluster up in ${cluster.startupMs} ms, all in ${Date.now() - started} ms)

  curl --data "SELECT * FROM table_name" http://localhost:${CHGATE_PORT}

ClickHouse nodes: ${nodes}
  users: ${cluster.users.writer.user} / ${cluster.users.writer.password}, ${cluster.users.reader.user} / ${cluster.users.reader.password} (readonly=2), default (no password)
chgate config: ${rel(CONFIG_FILE)}   log: ${rel(CHGATE_LOG)}   cluster logs: ${rel(CLUSTER_DIR)}/<node>/log/
Stop with Ctrl-C, or from another terminal: npm run demo:stop
`);
}

// demo-stop.ts imports the paths above; only `tsx scripts/demo.ts` runs the demo.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main().catch((error: unknown) => {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
