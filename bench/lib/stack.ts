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
}

/** Tracks what it started, so `stop` (run at the end and on SIGINT/SIGTERM) takes everything down. */
export function createBenchStackOwner(): { start(options: BenchStackOptions): Promise<BenchStack>; stop(): Promise<void> } {
  let cluster: LocalCluster | undefined;
  let chgate: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    if (chgate) await stopManagedProcess(chgate, 10_000);
    await cluster?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  }
  return {
    stop,
    async start(options) {
      const baseDir = join(tmpdir(), `chgate-bench-${options.basePort}`);
      console.error(`starting a local cluster (base port ${options.basePort}) under ${baseDir} ...`);
      cluster = await startLocalCluster({ baseDir, basePort: options.basePort });
      const generated = renderChgateConfig(cluster, { listenPort: options.chgatePort, connectionsPerNode: options.connectionsPerNode ?? 16 });
      const configPath = join(baseDir, 'chgate.yaml');
      writeFileSync(configPath, options.editConfig ? options.editConfig(generated, baseDir) : generated);
      const chgateUrl = `http://127.0.0.1:${options.chgatePort}`;
      console.error(`starting chgate on ${chgateUrl}${options.describeChgate ? ` (${options.describeChgate})` : ''} ...`);
      chgate = await startChgateProcess({ root: ROOT, configPath, logFile: join(baseDir, 'chgate.log'), pingUrl: `${chgateUrl}/ping` });
      return { cluster, chgate, chgateUrl, baseDir };
    },
  };
}
