/** A local cluster plus a chgate process for a benchmark run, stopped together (also on Ctrl-C). */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  renderChgateConfig,
  startChgateProcess,
  startLocalCluster,
  stopManagedProcess,
  type LocalCluster,
  type ManagedProcess,
} from '../../scripts/local-cluster.js';
import { startRedisServer } from '../../scripts/redis-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchStack {
  cluster: LocalCluster;
  chgate: ManagedProcess;
  chgateUrl: string;
  baseDir: string;
}

export interface BenchStackOptions {
  basePort: number;
  chgatePort: number;
  connectionsPerNode?: number;
  /** Gets the generated chgate YAML and the stack's directory, returns the YAML to run. */
  editConfig?: (yaml: string, baseDir: string) => string;
  /** Said before chgate starts, e.g. the heap limit in use. */
  describeChgate?: string;
  /** Runs after the cluster is up, before chgate starts (e.g. startRedis). */
  beforeChgate?: () => Promise<void>;
}

export interface BenchStackOwner {
  start(options: BenchStackOptions): Promise<BenchStack>;
  /** Another chgate on the same cluster (after start), e.g. with another cache store. */
  startChgate(port: number, editConfig: (yaml: string, baseDir: string) => string, label: string): Promise<{ chgate: ManagedProcess; chgateUrl: string }>;
  /** A redis-server without persistence on 127.0.0.1:port (after start), stopped with the rest. */
  startRedis(port: number): Promise<string>;
  /** The redis-server's pid, once started. */
  redisPid(): number | undefined;
  stop(): Promise<void>;
}

/** Tracks what it started, so `stop` (run at the end and on SIGINT/SIGTERM) takes everything down. */
export function createBenchStackOwner(): BenchStackOwner {
  let cluster: LocalCluster | undefined;
  let baseDir: string | undefined;
  let connectionsPerNode = 16;
  const processes: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    // chgates first, redis last: a chgate closing should not see its store vanish.
    for (const each of processes.splice(0).reverse()) await stopManagedProcess(each, 10_000);
    await cluster?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  }
  return {
    stop,
    async startChgate(port, editConfig, label) {
      if (!cluster || !baseDir) throw new Error('start the stack first');
      const dir = baseDir;
      const configPath = join(dir, `chgate-${port}.yaml`);
      writeFileSync(configPath, editConfig(renderChgateConfig(cluster, { listenPort: port, connectionsPerNode }), dir));
      const chgateUrl = `http://127.0.0.1:${port}`;
      console.error(`starting chgate on ${chgateUrl} (${label}) ...`);
      const chgate = await startChgateProcess({ root: ROOT, configPath, logFile: join(dir, `chgate-${port}.log`), pingUrl: `${chgateUrl}/ping` });
      processes.push(chgate);
      return { chgate, chgateUrl };
    },
    redisPid: () => processes.find((each) => each.name === 'redis')?.pid,
    async startRedis(port) {
      if (!baseDir) throw new Error('start the stack first');
      console.error(`starting redis-server on 127.0.0.1:${port} ...`);
      // Stopped after the chgates using it (processes are stopped last first).
      processes.unshift(await startRedisServer(port, baseDir));
      return `redis://127.0.0.1:${port}`;
    },
    async start(options) {
      baseDir = join(tmpdir(), `chgate-bench-${options.basePort}`);
      connectionsPerNode = options.connectionsPerNode ?? 16;
      console.error(`starting a local cluster (base port ${options.basePort}) under ${baseDir} ...`);
      cluster = await startLocalCluster({ baseDir, basePort: options.basePort });
      await options.beforeChgate?.();
      const generated = renderChgateConfig(cluster, { listenPort: options.chgatePort, connectionsPerNode: options.connectionsPerNode ?? 16 });
      const configPath = join(baseDir, 'chgate.yaml');
      writeFileSync(configPath, options.editConfig ? options.editConfig(generated, baseDir) : generated);
      const chgateUrl = `http://127.0.0.1:${options.chgatePort}`;
      console.error(`starting chgate on ${chgateUrl}${options.describeChgate ? ` (${options.describeChgate})` : ''} ...`);
      const chgate = await startChgateProcess({ root: ROOT, configPath, logFile: join(baseDir, 'chgate.log'), pingUrl: `${chgateUrl}/ping` });
      processes.push(chgate);
      return { cluster, chgate, chgateUrl, baseDir };
    },
  };
}
