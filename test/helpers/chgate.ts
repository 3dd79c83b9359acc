import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/create-logger.js';
import { startChgate, type RunningChgate } from '../../src/main.js';
import { renderChgateConfig, type LocalCluster } from '../../scripts/local-cluster.js';

export interface TestChgate {
  url: string;
  running: RunningChgate;
  stop(): Promise<void>;
}

export interface TestChgateOptions {
  connectionsPerNode?: number;
  /** Replaces the generated YAML: gets the generated text, returns the text to load. */
  editConfig?: (yaml: string) => string;
  /** spawnChgate's `--log-level` (default warn); null: none, the config's log.level applies. */
  logLevel?: string | null;
}

/**
 * The cache is off unless a test turns it on (the cache tests replace this block): routing tests must see every
 * statement reach ClickHouse, and nothing may persist between runs.
 */
const cacheOff = 'cache:\n  enabled: false\n  store: { kind: memory }\n';

export function renderTestConfig(cluster: LocalCluster, options: TestChgateOptions = {}, listenPort = 0): string {
  const yaml = `${renderChgateConfig(cluster, { listenPort, connectionsPerNode: options.connectionsPerNode ?? 16 })}${cacheOff}`;
  return options.editConfig ? options.editConfig(yaml) : yaml;
}

/** chgate in this process, on a free port, in front of the test cluster. */
export async function startTestChgate(cluster: LocalCluster, options: TestChgateOptions = {}): Promise<TestChgate> {
  const config = parseConfigText(renderTestConfig(cluster, options), {});
  const log = openTestLog('in-process');
  const running = await startChgate(config, { logger: createLogger('debug', log) });
  return { url: `http://127.0.0.1:${running.address.port}`, running, stop: () => running.close().finally(() => log.end()) };
}

export interface ChgateProcess {
  url: string;
  child: ChildProcess;
  /** The config file it was started with (rewrite it and send SIGHUP to reload). */
  configPath: string;
  stop(): Promise<void>;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every chgate a test run starts logs here (one file each), so test/integration/zz-no-secrets-in-logs.test.ts can
 * check that no password reached a log line. One directory per mocha process.
 */
export const TEST_CHGATE_LOG_DIR = join(tmpdir(), `chgate-test-logs-${process.env.CHGATE_TEST_BASE_PORT ?? 19200}`, String(process.pid));
function openTestLog(kind: string): NodeJS.WritableStream {
  mkdirSync(TEST_CHGATE_LOG_DIR, { recursive: true });
  return createWriteStream(join(TEST_CHGATE_LOG_DIR, `${kind}-${Date.now()}-${randomUUID().slice(0, 8)}.log`), { flags: 'a' });
}

/** chgate as operators run it: the built `bin/chgate.js serve --config FILE`, in its own process. */
export async function spawnChgate(cluster: LocalCluster, port: number, options: TestChgateOptions = {}): Promise<ChgateProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'chgate-process-'));
  const configPath = join(dir, 'chgate.yaml');
  writeFileSync(configPath, renderTestConfig(cluster, options, port));
  const logLevel = options.logLevel === undefined ? 'warn' : options.logLevel;
  const child = spawn(process.execPath, [join(repositoryRoot, 'bin/chgate.js'), 'serve', '--config', configPath, ...(logLevel === null ? [] : ['--log-level', logLevel])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Shown as before, and kept for the no-secrets-in-logs test.
  const log = openTestLog('process');
  child.stdout?.pipe(process.stdout, { end: false });
  child.stderr?.pipe(process.stderr, { end: false });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`chgate exited with ${child.exitCode} before answering /ping`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('chgate did not answer /ping within 15 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    configPath,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
